# Render fragment (src/render): sample outputs read back with real tools, and the benchmark.
#   make render-check   renders tests/render/sample.c's documents into $(BUILD)/render and checks
#                       them with pdfinfo/pdffonts/pdftotext/pdftoppm and LibreOffice headless
#   make render-bench   ms per PDF page and a 100,000-row xlsx export (bench/render/README.md)


.PHONY: render-check render-bench
CHECK_SUITES += render-check

$(BUILD)/render-sample: tests/render/sample.c $(BUILD)/libjianwu.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

render-check: $(BUILD)/render-sample
	sh tests/render/check.sh $(BUILD)/render-sample $(BUILD)/render

$(BUILD)/bench-render: bench/render/bench_render.c $(BUILD)/libjianwu.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

render-bench: $(BUILD)/bench-render
	sh bench/render/run.sh $(BUILD)/bench-render $(BUILD)/render-bench
