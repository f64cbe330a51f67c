#!/bin/sh
# bench/tasks: statistics over a year of 50,000 督办 items (in process), then the department board
# GET /api/v1/tasks/board at 16 connections (wrk against jianwu serve). Figures: README.md here.
#   sh bench/tasks/run.sh BENCH_BIN JIANWU_BIN [seconds]      (make tasks-bench)
set -eu
bench=$1
jw=$2
secs=${3:-10}
port=18291
work=$(mktemp -d)
pid=
trap 'test -n "$pid" && kill $pid 2>/dev/null; rm -rf "$work"' EXIT

echo "== seed: 1 org, 10 departments, 50,000 items with deadlines over 2026"
"$bench" seed "$work/b.db" 50000 2>/dev/null
echo "== statistics in process (GET /tasks/stats and /tasks/dashboard for 2026)"
"$bench" stats "$work/b.db" 100 2>/dev/null

head=$("$jw" token create --db "$work/b.db" --user head0 2>/dev/null)
office=$("$jw" token create --db "$work/b.db" --user director 2>/dev/null)
# the seed's "today"; the scheduler's first sweep runs before the measurement starts
JIANWU_FAKE_NOW=2026-11-28T09:00:00+08:00 "$jw" serve --db "$work/b.db" \
	--listen 127.0.0.1:$port >"$work/out" 2>"$work/err" &
pid=$!
for i in $(seq 1 300); do
	curl -sf -H "Authorization: Bearer $office" http://127.0.0.1:$port/api/v1/tasks/scheduler 2>/dev/null |
		grep -q '"sweeps":[1-9]' && break
	sleep 0.2
done
url="http://127.0.0.1:$port/api/v1/tasks/board?department=DYJCB"
curl -sf -H "Authorization: Bearer $head" "$url" | head -c 160
echo
for who in head office; do
	eval token=\$$who
	echo "== GET /api/v1/tasks/board?department=DYJCB as $who, wrk -t4 -c16 -d${secs}s"
	wrk -t4 -c16 -d"${secs}s" --latency -H "Authorization: Bearer $token" "$url" |
		grep -E 'Requests/sec|Latency|50%|90%|99%|Non-2xx|requests in'
done
echo "== stats over HTTP as office, wrk -t4 -c16 -d${secs}s"
wrk -t4 -c16 -d"${secs}s" --latency -H "Authorization: Bearer $office" \
	"http://127.0.0.1:$port/api/v1/tasks/stats?from=2026-01-01&to=2026-12-31" |
	grep -E 'Requests/sec|Latency|50%|99%|Non-2xx'
