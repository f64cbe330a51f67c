#!/bin/sh
# make check: every suite, then one closing line "N passed, N failed" that CI reads.
#   unit (cmocka), unit under ASan+UBSan, API (node --test against the real server),
#   extra suites registered by mk/*.mk fragments (CHECK_SUITES), browser (playwright + chromium).
set -u
cd "$(dirname "$0")/.."
mkdir -p build/logs
passed=0
failed=0
suites_failed=""

count() { # log -> adds the cmocka / node / plain counts found in it
	p=$(grep -hoE '^\[  PASSED  \] [0-9]+' "$1" | awk '{s+=$4} END {print s+0}')
	f=$(grep -hoE '^\[  FAILED  \] [0-9]+' "$1" | awk '{s+=$4} END {print s+0}')
	np=$(grep -hoE '^# pass [0-9]+' "$1" | awk '{s+=$3} END {print s+0}')
	nf=$(grep -hoE '^# fail [0-9]+' "$1" | awk '{s+=$3} END {print s+0}')
	pp=$(grep -hoE '^[0-9]+ passed, [0-9]+ failed' "$1" | awk '{s+=$1} END {print s+0}')
	pf=$(grep -hoE '^[0-9]+ passed, [0-9]+ failed' "$1" | awk '{s+=$3} END {print s+0}')
	passed=$((passed + p + np + pp))
	failed=$((failed + f + nf + pf))
}

# Every suite is bounded: a hang becomes a failure with its log, never a CI run that never ends.
suite() { # name limit-seconds command...
	name=$1
	limit=$2
	shift 2
	echo "==== $name"
	log=build/logs/$name.log
	start=$(date +%s)
	if timeout -k 15 "$limit" "$@" >"$log" 2>&1; then rc=0; else rc=$?; fi
	tail -n 15 "$log"
	count "$log"
	echo "---- $name: exit $rc, $(($(date +%s) - start)) s"
	if [ $rc -ne 0 ]; then
		suites_failed="$suites_failed $name"
		[ $rc -eq 124 ] && echo "---- $name: stopped after $limit s"
		# what failed, not only the tail: cmocka and node TAP failure lines
		grep -nE '^\[  FAILED  \]|^not ok|^# Subtest|error:|Error' "$log" | grep -B1 -E 'FAILED|not ok|rror' | head -n 40
		# a suite that died before reporting still counts as a failure
		grep -qE '^\[  (PASSED|FAILED)  \]|^# (pass|fail)|passed, [0-9]+ failed' "$log" || failed=$((failed + 1))
	fi
}

# Sanitizer builds run with address-space randomisation off. GCC 12's ASan runtime crashes or spins
# ("AddressSanitizer:DEADLYSIGNAL" forever) in about one start in four on kernels with
# vm.mmap_rnd_bits = 32; setarch -R makes its shadow layout deterministic. Children inherit it.
NO_ASLR=""
if setarch "$(uname -m)" -R true 2>/dev/null; then NO_ASLR="setarch $(uname -m) -R"; fi

(cd tests && { test -d node_modules && test node_modules/.package-lock.json -nt package-lock.json; } ||
	npm ci --no-audit --no-fund >/dev/null)

# per-test limit for node's runner (a stuck test fails, the rest go on)
NODE_TEST="node --test --test-timeout=180000"
suite unit 600 make -s unit
suite unit-asan 1200 $NO_ASLR make -s asan
suite api 900 $NODE_TEST --test-concurrency=2 tests/api/
# the same black-box tests against the server built with ASan+UBSan (a memory error fails them)
JIANWU_BIN=build/asan/jianwu suite api-asan 1200 $NO_ASLR $NODE_TEST --test-concurrency=2 tests/api/
for s in $(make -s -f Makefile print-check-suites 2>/dev/null); do
	suite "$s" 900 make -s "$s"
done
if [ -d tests/e2e ] && ls tests/e2e/*.test.mjs >/dev/null 2>&1; then
	suite e2e 1200 $NODE_TEST --test-concurrency=1 tests/e2e/
fi

[ -n "$suites_failed" ] && echo "failed suites:$suites_failed"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ -z "$suites_failed" ]
