# Workflow fragment (src/workflow). The approval engine's unit and API tests run in the standard
# suites (tests/unit/test_engine.c, test_workday.c, test_wf_store.c, tests/api/workflow*.test.mjs,
# tests/e2e/workflow.test.mjs); this adds only the benchmark:
#   make workflow-bench   100,000 finished + 5,000 open instances; GET /api/v1/todos latency at 16
#                         connections and approvals per second (bench/workflow/README.md)

.PHONY: workflow-bench

$(BUILD)/bench-workflow-gen: bench/workflow/gen.c $(BUILD)/libjianwu.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

workflow-bench: $(BUILD)/jianwu $(BUILD)/bench-workflow-gen
	sh bench/workflow/run.sh $(BUILD)
