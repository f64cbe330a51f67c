#!/bin/sh
# bench/import: documents per second of `jianwu import --kind library` on the shared corpus
# (2,865 documents, 44.6 MB of JSON lines) into a fresh database, three rounds, median; then the
# idempotent re-import of the same file. Wall time of the whole command (open, migrate check,
# parse, write in 500-row transactions with fsync at each commit, audit row).
#   sh bench/import/run.sh [BUILD_DIR] [FILE]        (make bench-import)
set -eu
cd "$(dirname "$0")/../.."
B=${1:-build}
FILE=${2:-${JIANWU_CORPUS:-../shared/corpus/laws.jsonl}}
J=$B/jianwu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP PIPE

docs=$(grep -c '' "$FILE")
mb=$(du -m "$FILE" | cut -f1)
echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the run; $FILE: $docs lines, ${mb} MB"
now() { date +%s.%N; }
for i in 1 2 3; do
	rm -f "$work"/b.db*
	$J init --db "$work/b.db" --org 基准院 --org-code 基检 --admin-password 'Bench#2026x' >/dev/null 2>&1
	t0=$(now)
	/usr/bin/time -f '%U %S' -o "$work/cpu" $J import --db "$work/b.db" --kind library "$FILE" >/dev/null 2>"$work/err" ||
		{ cat "$work/err" >&2; exit 1; }
	t1=$(now)
	echo "$t0 $t1 $(cat "$work/cpu")" | awk -v d="$docs" '{w = $2 - $1; printf "%.3f %.0f %.2f\n", w, d / w, $3 + $4}' >> "$work/runs"
done
rows=$(sqlite3 "$work/b.db" 'SELECT count(*) FROM library_doc')
sort -n "$work/runs" | sed -n 2p | awk -v r="$rows" '{printf "import: %s s wall (median of 3), %s documents/s, %s s CPU (user+sys); %s rows\n", $1, $2, $3, r}'
t0=$(now)
$J import --db "$work/b.db" --kind library "$FILE" 2>/dev/null
t1=$(now)
echo "$t0 $t1" | awk -v d="$docs" '{w = $2 - $1; printf "re-import (no change): %.3f s, %.0f documents/s\n", w, d / w}'
# src/search indexes each written row through library_indexed() when it is linked in
indexed=$(sqlite3 "$work/b.db" "SELECT count(*) FROM search_doc WHERE kind = 'library'" 2>/dev/null || echo 0)
if [ "${indexed:-0}" -gt 0 ]; then
	echo "search index: included ($indexed library documents in search_doc)"
else
	echo "search index: not included (no search module hooked at library_indexed())"
fi
