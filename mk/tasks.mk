# 督察督办 fragment (src/tasks): the benchmark of bench/tasks/README.md.
#   make tasks-bench   statistics over a year of 50,000 items (in process) and the department
#                      board at 16 connections (wrk against jianwu serve)

.PHONY: tasks-bench

$(BUILD)/bench-tasks: bench/tasks/bench_tasks.c $(BUILD)/libjianwu.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

tasks-bench: $(BUILD)/bench-tasks $(BUILD)/jianwu
	sh bench/tasks/run.sh $(BUILD)/bench-tasks $(BUILD)/jianwu
