#!/bin/sh
# Runs each cmocka test binary; cmocka prints its own [  PASSED  ] / [  FAILED  ] lines.
# Exit status: non-zero if any binary failed.
status=0
for t in "$@"; do
	echo "== $t"
	"$t" || status=1
done
exit $status
