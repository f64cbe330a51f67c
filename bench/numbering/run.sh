#!/bin/sh
# bench/numbering: 64 concurrent clients reserve 10,000 文号 from one series, through the HTTP API
# (the real request: Bearer lookup, write transaction, counter, ledger row, audit row, commit) and
# directly through numbering_take() (the store's share). Checks no duplicate and no gap, both from
# the driver's view and from the ledger (gap report). Prints numbers/s.
#   sh bench/numbering/run.sh [BUILD_DIR] [CLIENTS] [TOTAL]     (make bench-numbering)
set -eu
cd "$(dirname "$0")/../.."
B=${1:-build}
CLIENTS=${2:-64}
TOTAL=${3:-10000}
J=$B/jianwu
work=$(mktemp -d)
trap 'kill $jw_pid 2>/dev/null || true; rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP PIPE # so that the EXIT trap runs (and stops the server) on signals too
jw_pid=

$J init --db "$work/n.db" --org 定边县人民检察院 --org-code 定检 --admin-password 'Bench#2026x' >/dev/null 2>&1
$J demo --db "$work/n.db" >/dev/null 2>&1
token=$($J token create --db "$work/n.db" --user zhaol 2>/dev/null)
port=$((20000 + $$ % 20000))
$J serve --db "$work/n.db" --listen 127.0.0.1:$port > "$work/out" 2> "$work/err" &
jw_pid=$!
for i in 1 2 3 4 5 6 7 8 9 10; do grep -q listening "$work/out" 2>/dev/null && break; sleep 0.3; done
# fresh series (the demo's documents already took numbers from 定检发)
new_series() {
	curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
		-d "{\"code\":\"$1\"}" "http://127.0.0.1:$port/api/v1/number-series" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}
series=$(new_series 定检基准发)
series2=$(new_series 定检基准函)

echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the run"
$B/bench-numbering http 127.0.0.1:$port "$token" "$series" "$CLIENTS" "$TOTAL"
year=$(date +%Y)
report=$(curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/number-series/$series/gaps?year=$year")
echo "ledger after the HTTP run: $(echo "$report" | python3 -c 'import json,sys; r=json.load(sys.stdin); print("last_seq", r["last_seq"], "issued", r["counts"]["issued"], "missing", r["missing_count"], "complete", r["complete"])')"
echo "audit rows: $(sqlite3 "$work/n.db" "SELECT count(*) FROM audit_log WHERE action = 'number.reserve'")"
kill $jw_pid; wait $jw_pid 2>/dev/null || true; jw_pid=

# the store's share, without HTTP and audit; then where its time goes (see bench_numbering.c)
y=$year
for variant in "" "BENCH_MUTEX=1" "BENCH_MUTEX=1 BENCH_SYNC=off"; do
	env $variant BENCH_YEAR=$y $B/bench-numbering direct "$work/n.db" "$series2" "$CLIENTS" "$TOTAL"
	echo "  ledger: $(sqlite3 "$work/n.db" "SELECT 'rows ' || count(*) || ', distinct ' || count(DISTINCT seq) || ', max ' || max(seq) FROM number_issued WHERE series_id = $series2 AND year = $y")"
	y=$((y + 1)) # the next variant counts a fresh year of the same series
done
