# mk/fuzz.mk - libFuzzer targets (tests/fuzz/README.md).
#   make fuzz                        builds $(FUZZ_DIR)/fuzz_<target> for every tests/fuzz/fuzz_*.c
#   make fuzz-run FUZZ_SECONDS=60    fuzzes each target that long (corpus grows in $(FUZZ_DIR)/corpus)
#   make fuzz-smoke                  (a make check suite) every seed of tests/fuzz/corpus/<target>,
#                                    then FUZZ_SMOKE_SECONDS of fuzzing per target, two at a time
# The project sources are compiled again with clang (coverage + ASan + UBSan) into $(FUZZ_DIR)/obj;
# nothing here uses the gcc-built libjianwu.a. Fuzz binaries run with ASLR off (setarch -R): the
# sanitizer runtimes misplace their shadow memory under vm.mmap_rnd_bits = 32.

FUZZ_CC            ?= clang
FUZZ_DIR           ?= $(BUILD)/fuzz
FUZZ_SECONDS       ?= 60
FUZZ_SMOKE_SECONDS ?= 20
FUZZ_JOBS          ?= 2
FUZZ_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN) \
               -Wall -Wextra -Wshadow -Wno-unused-parameter -fno-strict-aliasing \
               -Isrc -I$(BUILD)/gen $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
FUZZ_SRCS    := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_TARGETS := $(FUZZ_SRCS:tests/fuzz/%.c=%)
FUZZ_BINS    := $(FUZZ_TARGETS:%=$(FUZZ_DIR)/%)
FUZZ_OBJS    := $(LIBSRCS:%.c=$(FUZZ_DIR)/obj/%.o) $(FUZZ_DIR)/obj/gen/migrations.o

.PHONY: fuzz fuzz-run fuzz-smoke
CHECK_SUITES += fuzz-smoke

# Project code: instrumented for coverage, warnings shown but not fatal (the gcc build is the
# -Werror gate for src/; clang's own warnings there are worth reading, not worth a broken suite).
$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(FUZZ_DIR)/obj/gen/migrations.o: $(BUILD)/gen/migrations.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

# (search.mk, included after this file, generates it)
$(FUZZ_DIR)/obj/src/search/normalize.o: $(BUILD)/gen/search_t2s_keys.h

$(FUZZ_DIR)/libjianwu-fuzz.a: $(FUZZ_OBJS)
	rm -f $@ && ar rcs $@ $^

# The targets themselves: -Werror, as for any file of ours.
$(FUZZ_DIR)/obj/tests/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Werror -Itests/fuzz -fsanitize=fuzzer -MMD -MP -c $< -o $@

$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o $(FUZZ_DIR)/libjianwu-fuzz.a
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

fuzz: $(FUZZ_BINS)

fuzz-run: $(FUZZ_BINS)
	FUZZ_DIR=$(FUZZ_DIR) sh tests/fuzz/run.sh run $(FUZZ_SECONDS) $(FUZZ_JOBS) $(FUZZ_TARGETS)

# The build's output (clang's warnings on src/ included) goes to $(FUZZ_DIR)/build.log; a failed
# build counts every target as failed.
fuzz-smoke:
	@mkdir -p $(FUZZ_DIR)
	@$(MAKE) -s -j$(FUZZ_JOBS) fuzz >$(FUZZ_DIR)/build.log 2>&1 || \
	  { tail -n 40 $(FUZZ_DIR)/build.log; \
	    echo "0 passed, $(words $(FUZZ_TARGETS)) failed"; exit 1; }
	@FUZZ_DIR=$(FUZZ_DIR) sh tests/fuzz/run.sh smoke $(FUZZ_SMOKE_SECONDS) $(FUZZ_JOBS) \
	  $(FUZZ_TARGETS)

-include $(FUZZ_OBJS:.o=.d) $(FUZZ_SRCS:tests/fuzz/%.c=$(FUZZ_DIR)/obj/tests/fuzz/%.d)
