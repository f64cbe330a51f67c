# Exports fragment (src/exports, issue 7): the benchmark through the HTTP API.
#   make exports-bench   100,000-row Excel export of the audit log (time, server CPU, peak RSS)
#                        and ms per PDF page (正本, 发文稿纸, 收文处理单); bench/exports/README.md
# The API tests (tests/api/exports.test.mjs, tests/api/calendar.test.mjs) run with the others.

.PHONY: exports-bench

exports-bench: $(BUILD)/jianwu
	sh bench/exports/run.sh $(BUILD)/jianwu $(BUILD)/exports-bench
