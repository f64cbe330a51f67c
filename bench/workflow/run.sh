#!/bin/sh
# bench/workflow: GET /api/v1/todos for a busy approver and approvals per second through the API,
# on a database with FINISHED finished and OPEN open 请假 instances (bench/workflow/gen.c: the real
# store code). Prints the figures recorded in bench/workflow/README.md.
#   sh bench/workflow/run.sh [BUILD]          (make workflow-bench; needs wrk and sqlite3)
# Environment: FINISHED (100000), OPEN (5000), SECS (10, the todos run), APPROVE_SECS (4),
# BENCH_DIR (/dev/shm: the database on tmpfs; a directory on disk measures fsync instead).
set -eu
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
FINISHED=${FINISHED:-100000}
OPEN=${OPEN:-5000}
SECS=${SECS:-10}
APPROVE_SECS=${APPROVE_SECS:-4}
BENCH_DIR=${BENCH_DIR:-/dev/shm}
PORT=${PORT:-18193}
CONNS=16
THREADS=2
J=$BUILD/jianwu
work=$(mktemp -d "$BENCH_DIR/jw-bench-wf-XXXXXX")
pid=
trap 'test -n "$pid" && kill $pid 2>/dev/null; mkdir -p build; cp "$work"/*.txt build/ 2>/dev/null || true; rm -rf "$work"' EXIT
db=$work/b.db
q() { sqlite3 "$db" "$1"; }
# CPU seconds the server used so far (user + system), for a figure the machine's load cannot skew
cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.3f", ($14 + $15) / hz}' /proc/$pid/stat; }

$J init --db "$db" --org 定边县人民检察院 --org-code 定检 --admin-password 'Bench#2026x' >/dev/null 2>&1
$J demo --db "$db" >/dev/null 2>&1
"$BUILD/bench-workflow-gen" "$db" "$FINISHED" "$OPEN" 2>/dev/null | tee "$work/gen.out" | grep -v '^now '
# the server runs on the generator's clock, at which no open request's reminder is due yet
JIANWU_FAKE_NOW=$(awk '/^now / {print $2}' "$work/gen.out")
export JIANWU_FAKE_NOW
liuy=$($J token create --db "$db" --user liuy 2>/dev/null)
lihm=$($J token create --db "$db" --user lihm 2>/dev/null)
$J serve --db "$db" --listen 127.0.0.1:$PORT >"$work/serve.out" 2>"$work/serve.err" &
pid=$!
for i in $(seq 50); do curl -sf http://127.0.0.1:$PORT/api/v1/health >/dev/null && break; sleep 0.2; done

echo "database: $BENCH_DIR ($(df -T "$BENCH_DIR" | awk 'NR==2 {print $2}')), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "instances: $(q "SELECT count(*) FROM wf_instance WHERE state = 'approved'") finished, $(q "SELECT count(*) FROM wf_instance WHERE state = 'running'") open"
echo "busy approver 刘洋: $(q "SELECT count(*) FROM todo t JOIN app_user u ON u.id = t.user_id WHERE u.username = 'liuy' AND t.state = 'pending'") pending, $(q "SELECT count(*) FROM todo t JOIN app_user u ON u.id = t.user_id WHERE u.username = 'liuy' AND t.state = 'done'") done todo rows"
curl -sf -H "Authorization: Bearer $liuy" "http://127.0.0.1:$PORT/api/v1/todos?limit=1" | head -c 300
echo

# 1. GET /api/v1/todos (first page, counts by kind) for the busy approver
c0=$(cpu)
wrk -t$THREADS -c$CONNS -d"${SECS}s" --latency -H "Authorization: Bearer $liuy" \
	"http://127.0.0.1:$PORT/api/v1/todos" >"$work/wf-todos.txt"
p50=$(awk '/Latency Distribution/ {f=1} f && $1 == "50%" {print $2; exit}' "$work/wf-todos.txt")
p99=$(awk '/Latency Distribution/ {f=1} f && $1 == "99%" {print $2; exit}' "$work/wf-todos.txt")
rps=$(awk '/Requests\/sec/ {print $2}' "$work/wf-todos.txt")
bad=$(awk '/Non-2xx/ {print $5}' "$work/wf-todos.txt")
reqs=$(awk '/requests in/ {print $1}' "$work/wf-todos.txt")
echo "GET /api/v1/todos, wrk -t$THREADS -c$CONNS -d${SECS}s: p50 $p50, p99 $p99, $rps requests/s, non-2xx ${bad:-0}, server CPU $(awk -v a="$c0" -v b="$(cpu)" -v n="$reqs" 'BEGIN {printf "%.0f", (b - a) * 1e6 / n}') µs/request"

# the same load on GET /api/v1/me (token lookup and one user query): the floor of any API call
wrk -t$THREADS -c$CONNS -d"${SECS}s" --latency -H "Authorization: Bearer $liuy" \
	"http://127.0.0.1:$PORT/api/v1/me" >"$work/wf-me.txt"
m50=$(awk '/Latency Distribution/ {f=1} f && $1 == "50%" {print $2; exit}' "$work/wf-me.txt")
m99=$(awk '/Latency Distribution/ {f=1} f && $1 == "99%" {print $2; exit}' "$work/wf-me.txt")
echo "GET /api/v1/me (baseline), same settings: p50 $m50, p99 $m99, $(awk '/Requests\/sec/ {print $2}' "$work/wf-me.txt") requests/s"

# 2. approvals through the API: the head approves each open instance, then the 分管领导
q "SELECT t.instance_id FROM todo t JOIN app_user u ON u.id = t.user_id WHERE u.username = 'liuy'
   AND t.state = 'pending' AND t.kind = 'approval' ORDER BY t.instance_id" >"$work/ids"
before=$(q "SELECT count(*) FROM audit_log WHERE action = 'workflow.action' AND result = 'ok'")
c0=$(cpu)
wrk -t$THREADS -c$CONNS -d"${APPROVE_SECS}s" --latency -s bench/workflow/approve.lua \
	"http://127.0.0.1:$PORT" -- "$work/ids" $THREADS "$liuy" "$lihm" >"$work/wf-approve.txt"
c1=$(cpu)
kill $pid
wait $pid 2>/dev/null || true
pid=
after=$(q "SELECT count(*) FROM audit_log WHERE action = 'workflow.action' AND result = 'ok'")
failed=$(q "SELECT count(*) FROM audit_log WHERE action = 'workflow.action' AND result <> 'ok'")
ap50=$(awk '/Latency Distribution/ {f=1} f && $1 == "50%" {print $2; exit}' "$work/wf-approve.txt")
ap99=$(awk '/Latency Distribution/ {f=1} f && $1 == "99%" {print $2; exit}' "$work/wf-approve.txt")
n=$((after - before))
echo "approvals, wrk -t$THREADS -c$CONNS -d${APPROVE_SECS}s: $n approved ($(awk -v n=$n -v s=$APPROVE_SECS 'BEGIN {printf "%.0f", n / s}')/s), p50 $ap50, p99 $ap99, refused $failed, server CPU $(awk -v a="$c0" -v b="$c1" -v n="$n" 'BEGIN {printf "%.0f", (b - a) * 1e6 / n}') µs/approval"
echo "audited: $n workflow.action rows for $n approvals; $($J audit verify --db "$db" 2>&1)"
