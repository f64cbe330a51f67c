#!/bin/sh
# tests/fuzz/run.sh MODE SECONDS JOBS TARGET... - runs the built libFuzzer targets of $FUZZ_DIR.
#   smoke  each target over its seeds (tests/fuzz/corpus/<target>, every file once), then SECONDS
#          of fuzzing from them in a scratch corpus; ends with "N passed, N failed" (N = targets)
#   run    SECONDS of fuzzing per target, the corpus kept and grown in $FUZZ_DIR/corpus/<target>
# JOBS targets run at a time. A crash leaves its input in $FUZZ_DIR/artifacts/<target>-crash-*;
# reproduce it with: setarch $(uname -m) -R $FUZZ_DIR/<target> that-file
set -u
mode=$1
seconds=$2
jobs=$3
shift 3
dir=${FUZZ_DIR:-build/fuzz}
seeds=tests/fuzz/corpus
mkdir -p "$dir/logs" "$dir/artifacts"

# The sanitizer runtimes need ASLR off on kernels with vm.mmap_rnd_bits = 32 (scripts/check.sh).
NO_ASLR=""
if setarch "$(uname -m)" -R true 2>/dev/null; then NO_ASLR="setarch $(uname -m) -R"; fi
OPTS="-rss_limit_mb=2048 -timeout=10 -print_final_stats=1"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"

one() { # target -> exit status of its run; output in $dir/logs/<target>.log
	t=$1
	log=$dir/logs/$t.log
	bin=$dir/$t
	: >"$log"
	[ -x "$bin" ] || { echo "$t: $bin not built" >>"$log"; return 1; }
	art="-artifact_prefix=$dir/artifacts/$t-"
	if [ "$mode" = smoke ]; then
		work=$dir/smoke/$t
		rm -rf "$work" && mkdir -p "$work"
		# every seed once (the regression inputs among them), then fuzzing from them
		if [ -d "$seeds/$t" ]; then
			# shellcheck disable=SC2086
			$NO_ASLR "$bin" $OPTS "$art" -runs=0 "$seeds/$t" >>"$log" 2>&1 || return 1
		fi
		# shellcheck disable=SC2086
		$NO_ASLR "$bin" $OPTS "$art" -max_total_time="$seconds" "$work" "$seeds/$t" \
			>>"$log" 2>&1
	else
		work=$dir/corpus/$t
		mkdir -p "$work"
		# shellcheck disable=SC2086
		$NO_ASLR "$bin" $OPTS "$art" -max_total_time="$seconds" "$work" "$seeds/$t" \
			>>"$log" 2>&1
	fi
}

report() { # target status
	log=$dir/logs/$1.log
	# the fuzzing run's figures (the seed run before it reports its own first)
	stats=$(grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb):' "$log" |
		tail -n 3 | sed 's/^stat::\([a-z_]*\): */\1=/' | tr '\n' ' ')
	cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1)
	if [ "$2" -eq 0 ]; then
		echo "ok   $1: $cov $stats"
	else
		echo "FAIL $1 (exit $2): $cov $stats"
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written|fuzz: invariant' "$log" | head -n 20
		tail -n 25 "$log"
	fi
}

passed=0
failed=0
running=""
for t in "$@"; do
	# at most $jobs at a time: wait for the oldest one when full (pid:name words)
	# shellcheck disable=SC2086
	set -- $running
	if [ $# -ge "$jobs" ]; then
		pid=${1%%:*}
		name=${1#*:}
		if wait "$pid"; then rc=0; else rc=$?; fi
		report "$name" "$rc"
		if [ "$rc" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
		shift
		running="$*"
	fi
	one "$t" &
	running="$running $!:$t"
done
for job in $running; do
	pid=${job%%:*}
	name=${job#*:}
	if wait "$pid"; then rc=0; else rc=$?; fi
	report "$name" "$rc"
	if [ "$rc" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
