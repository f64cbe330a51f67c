# Jianwu build. `make` builds build/jianwu (C only). `make run` and `make check` are the README's
# two commands: they install missing Debian packages (scripts/deps.sh) and npm packages (lock file).
# Every src/**/*.c except src/main.c goes into one static library that the binary and every unit
# test link; a module adds files, never rules. Fragments in mk/*.mk add extra targets.

CC      ?= cc
BUILD   ?= build
PKGS    := libmicrohttpd sqlite3 libpq jansson libsodium libcrypto opencc icu-uc icu-i18n \
           pangocairo cairo-pdf fontconfig zlib libmagic
CFLAGS  ?= -O2 -g
override CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter \
           -fno-strict-aliasing -Isrc -I$(BUILD)/gen $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
override LDLIBS  += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm

SRCS    := $(shell find src -name '*.c' | sort)
LIBSRCS := $(filter-out src/main.c,$(SRCS))
MIGS    := $(sort $(wildcard src/db/migrations/*.sql))
OBJS    := $(LIBSRCS:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/migrations.o
UNITS   := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))

.PHONY: all run check web unit asan format lint clean distclean print-check-suites
all: $(BUILD)/jianwu

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/gen/migrations.c: $(MIGS) scripts/embed-migrations.sh
	@mkdir -p $(dir $@)
	sh scripts/embed-migrations.sh $(MIGS) > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/gen/migrations.o: $(BUILD)/gen/migrations.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libjianwu.a: $(OBJS)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/jianwu: $(BUILD)/obj/src/main.o $(BUILD)/libjianwu.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libjianwu.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit -o $@ $^ $(LDLIBS) -lcmocka

unit: $(UNITS)
	@sh scripts/run-units.sh $(UNITS)

# The same unit tests under AddressSanitizer + UndefinedBehaviorSanitizer, in their own tree.
asan:
	$(MAKE) BUILD=build/asan CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" unit all

web: web/dist/index.html
web/dist/index.html: $(shell find web/src web/index.html web/package-lock.json web/vite.config.ts -type f 2>/dev/null)
	cd web && (test -d node_modules && test node_modules/.package-lock.json -nt package-lock.json || npm ci --no-audit --no-fund)
	cd web && npm run build

run:
	sh scripts/deps.sh run
	$(MAKE) all web
	sh scripts/run.sh

check:
	sh scripts/deps.sh check
	$(MAKE) all web
	sh scripts/check.sh

format:
	clang-format -i $(SRCS) $(shell find src tests/unit -name '*.h') tests/unit/*.c
lint:
	cppcheck --quiet --std=c11 --enable=warning,performance,portability --inline-suppr \
	  --error-exitcode=1 -Isrc --suppress=missingIncludeSystem \
	  -D'json_array_foreach(a,i,v)=for(i=0;(v=json_array_get(a,i));i++)' \
	  -D'json_object_foreach(o,k,v)=for(k=0;(v=json_object_get(o,k));)' src

clean:
	rm -rf $(BUILD)
distclean: clean
	rm -rf web/node_modules web/dist var

-include $(OBJS:.o=.d) $(BUILD)/obj/src/main.d
-include $(sort $(wildcard mk/*.mk))

# Fragments add suites to make check with: CHECK_SUITES += target
print-check-suites:
	@echo $(CHECK_SUITES)
