#!/bin/sh
# make render-bench: ms per PDF page, and a 100,000-row xlsx export timed with its peak RSS.
#   bench/render/run.sh BENCH_BIN OUTDIR
set -eu
bin=$1
out=$2
mkdir -p "$out"
"$bin" pdf 20
/usr/bin/time -v "$bin" xlsx 100000 "$out/ledger-100k.xlsx" 2>"$out/time.txt"
grep -E 'Elapsed \(wall clock\)|Maximum resident set size' "$out/time.txt" | sed 's/^[[:space:]]*/xlsx: /'
echo "xlsx: file $(du -k "$out/ledger-100k.xlsx" | cut -f1) KiB"
