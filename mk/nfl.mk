# nfl fragment: numbering (发文字号), files (attachments), library (法规资料库) — issue 5.
#   make bench-numbering   64 concurrent clients reserving 10,000 numbers (bench/numbering/README.md)
#   make bench-import      documents/s importing the shared corpus (bench/import/README.md)

.PHONY: bench-numbering bench-import

$(BUILD)/bench-numbering: bench/numbering/bench_numbering.c $(BUILD)/libjianwu.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

bench-numbering: $(BUILD)/jianwu $(BUILD)/bench-numbering
	sh bench/numbering/run.sh $(BUILD)

bench-import: $(BUILD)/jianwu
	sh bench/import/run.sh $(BUILD)
