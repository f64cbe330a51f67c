#!/bin/sh
# bench/lists: the 收文 list page (20 rows, filtered by state and year) with 100,000 documents,
# requests/s at 16 connections with wrk. The real request each time: Bearer lookup, read snapshot,
# the count and the page query (need-to-know inside both), JSON.
#   sh bench/lists/run.sh [BUILD_DIR] [SECONDS] [THREADS]          (make bench-lists)
# Figures go in bench/lists/README.md.
set -eu
cd "$(dirname "$0")/../.."
B=${1:-build}
SECS=${2:-10}
THREADS=${3:-4}
J=$B/jianwu
work=$(mktemp -d)
jw_pid=
trap '[ -n "$jw_pid" ] && kill "$jw_pid" 2>/dev/null; rm -rf "$work"' EXIT

$J init --db "$work/l.db" --org 定边县人民检察院 --org-code 定检 --admin-password 'Bench#2026x' >/dev/null 2>&1
$J demo --db "$work/l.db" >/dev/null 2>&1
# 100,000 more 收文 over 2016–2025, 10,000 a year, in a realistic spread of states; 2% of them
# circulated to the 干警 陈杰 (his acl rows), so his lists go through need-to-know.
sqlite3 "$work/l.db" < bench/lists/seed.sql
echo "documents: $(sqlite3 "$work/l.db" 'SELECT count(*) FROM incoming_doc'), acl rows of chenj: $(sqlite3 "$work/l.db" "SELECT count(*) FROM acl WHERE user_id = (SELECT id FROM app_user WHERE username = 'chenj')")"
clerk=$($J token create --db "$work/l.db" --user zhaol 2>/dev/null)
staff=$($J token create --db "$work/l.db" --user chenj 2>/dev/null)
port=$((20000 + $$ % 20000))
$J serve --db "$work/l.db" --listen 127.0.0.1:$port --threads "$THREADS" > "$work/out" 2> "$work/err" &
jw_pid=$!
i=0
until grep -q listening "$work/out" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 100 ] && { echo "server did not start:"; cat "$work/err"; exit 1; }
	sleep 0.2
done

base=http://127.0.0.1:$port/api/v1/incoming
echo "$(nproc) cores, server threads $THREADS, load average $(cut -d' ' -f1-3 /proc/loadavg) before the run"
run() { # label token query
	total=$(curl -sf -H "Authorization: Bearer $2" "$base?$3" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(str(d["total"]) + "," + str(len(d["items"])))')
	rps=$(wrk -t2 -c16 -d"${SECS}s" -H "Authorization: Bearer $2" "$base?$3" |
		awk '/Requests\/sec/ {print $2} /Non-2xx/ {print "NON-2XX:" $0}')
	printf '%-44s total,rows %-10s %s req/s\n' "$1" "$total" "$rps"
}
run "office, state=handling&year=2025" "$clerk" "state=handling&year=2025&limit=20"
run "office, state=archivable&year=2025" "$clerk" "state=archivable&year=2025&limit=20"
run "staff (acl), state=archivable&year=2025" "$staff" "state=archivable&year=2025&limit=20"
run "staff (acl), state=handling&year=2025" "$staff" "state=handling&year=2025&limit=20"
run "staff (acl), state=archivable&year=2016" "$staff" "state=archivable&year=2016&limit=20"
run "staff (acl), state=handling (no year)" "$staff" "state=handling&limit=20"
run "staff (acl), no filter" "$staff" "limit=20"
run "office, year=2025 (no state)" "$clerk" "year=2025&limit=20"
