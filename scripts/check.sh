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

suite() { # name command...
	name=$1
	shift
	echo "==== $name"
	log=build/logs/$name.log
	if "$@" >"$log" 2>&1; then rc=0; else rc=$?; fi
	tail -n 15 "$log"
	count "$log"
	if [ $rc -ne 0 ]; then
		suites_failed="$suites_failed $name"
		# a suite that died before reporting still counts as a failure
		grep -qE '^\[  (PASSED|FAILED)  \]|^# (pass|fail)|passed, [0-9]+ failed' "$log" || failed=$((failed + 1))
	fi
}

(cd tests && { test -d node_modules && test node_modules/.package-lock.json -nt package-lock.json; } ||
	npm ci --no-audit --no-fund >/dev/null)

suite unit make -s unit
suite unit-asan make -s asan
suite api node --test --test-concurrency=2 tests/api/
# the same black-box tests against the server built with ASan+UBSan (a memory error fails them)
JIANWU_BIN=build/asan/jianwu suite api-asan node --test --test-concurrency=2 tests/api/
for s in $(make -s -f Makefile print-check-suites 2>/dev/null); do
	suite "$s" make -s "$s"
done
if [ -d tests/e2e ] && ls tests/e2e/*.test.mjs >/dev/null 2>&1; then
	suite e2e node --test --test-concurrency=1 tests/e2e/
fi

[ -n "$suites_failed" ] && echo "failed suites:$suites_failed"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ -z "$suites_failed" ]
