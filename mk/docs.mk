# docs fragment: 公文处理 (收文, 发文, 传阅) — issue 5.
#   make bench-lists   the 收文 list page (20 rows, filtered by state and year) over 100,000
#                      documents, requests/s with wrk at 16 connections (bench/lists/README.md)

.PHONY: bench-lists

bench-lists: $(BUILD)/jianwu
	sh bench/lists/run.sh $(BUILD)
