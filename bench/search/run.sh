#!/bin/sh
# The search benchmark (bench/search/README.md): builds the driver, the 100,000 and 1,000,000
# document indexes from the shared corpus, and times the query list on each.
#
#   sh bench/search/run.sh [SIZES]      SIZES default "100000 1000000"
#   BENCH_DIR=/path (default /tmp/jianwu-bench-search; the 1M database needs about 8 GB)
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
DIR=${BENCH_DIR:-/tmp/jianwu-bench-search}
CORPUS=${SEARCH_CORPUS:-../shared/corpus/laws.jsonl}
SIZES=${1:-"100000 1000000"}
make BUILD="$BUILD" bench-search >/dev/null
mkdir -p "$DIR"
for n in $SIZES; do
	db="$DIR/search-$n.db"
	echo "== $n documents"
	"$BUILD/bench/bench_search" build "$CORPUS" "$db" "$n" 2>/dev/null
	"$BUILD/bench/bench_search" query "$db" bench/search/queries.txt 5 2>/dev/null
done
