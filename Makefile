# Atrium: build, run, test, bench.  `make run` and `make test` install what is missing first.

CC      ?= cc
# vips: member photos are thumbnailed and re-encoded without their metadata (DESIGN §3).
PKGS    := libh2o-evloop jansson sqlite3 libsodium libcurl openssl zlib libzip expat vips xlsxwriter
# h2o's pkg-config file leaves out the flag that selects its own event loop over libuv.
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -DH2O_USE_LIBUV=0
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
WARN    := -Wall -Wextra -Wshadow -Wno-unused-parameter -Wno-missing-field-initializers -Wformat=2 -Werror=implicit-function-declaration
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=gnu11 $(CFLAGS) $(WARN) -Isrc -MMD -MP $(PKG_CFLAGS)
# wslay (WebSocket frames, DESIGN §3) ships no pkg-config file in Debian: linked by name.
LDLIBS  := $(PKG_LIBS) -lwslay -lpthread -lm
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

SRCS       := $(sort $(shell find src -name '*.c'))
LIB_SRCS   := $(filter-out src/main.c,$(SRCS))
# Migrations run in file-name order across all modules; names are numbered and unique.
MIGRATIONS := $(shell find src -path '*/migrations/*.sql' | awk -F/ '{print $$NF" "$$0}' | sort | cut -d' ' -f2)
GEN        := build/gen/migrations.c build/gen/policy.c build/gen/pinyin.c build/gen/web.c
UNIT_SRCS  := $(sort $(shell find tests/unit -name '*.c' 2>/dev/null))

OBJS      := $(LIB_SRCS:src/%.c=build/obj/%.o) $(GEN:build/gen/%.c=build/obj/gen/%.o)
SAN_OBJS  := $(OBJS:build/obj/%=build/san/%)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=build/unit/%)
SAN_BINS  := $(UNIT_SRCS:tests/unit/%.c=build/unit-san/%)

.PHONY: all run test unit unit-san api web-test browser deps bench clean policy-check
all: build/atrium

deps:
	@scripts/install-deps

build/gen/migrations.c: $(MIGRATIONS) scripts/embed
	@mkdir -p $(@D)
	@dups=$$(for f in $(MIGRATIONS); do basename $$f | cut -d_ -f1; done | sort | uniq -d); \
	 if [ -n "$$dups" ]; then echo "duplicate migration numbers: $$dups" >&2; exit 1; fi
	scripts/embed $@ embedded_migrations $(MIGRATIONS)

build/gen/policy.c: policy/privacy-policy.txt scripts/embed
	@mkdir -p $(@D)
	scripts/embed $@ embedded_policy $<

# Pinyin of Han characters for the address book, from Unicode's data (package unicode-data).
UNIHAN_READINGS := /usr/share/unicode/Unihan_Readings.txt.bz2
build/gen/pinyin.c: scripts/gen-pinyin $(UNIHAN_READINGS)
	@mkdir -p $(@D)
	scripts/gen-pinyin $@ $(UNIHAN_READINGS)
$(UNIHAN_READINGS):
	@echo "$@ is missing: run make deps (it installs unicode-data)" >&2; exit 1

# The web client (web/): built with its own npm packages, then embedded in the binary.
WEB_SRCS := $(shell find web/src web/public web/scripts -type f 2>/dev/null) \
	    web/index.html web/vite.config.ts web/tsconfig.json web/package.json web/package-lock.json
# NO_WEB=1 keeps the client built last (work on the server while the client is half-edited).
ifdef NO_WEB
web/dist/index.html:
else
web/dist/index.html: $(WEB_SRCS) docs/openapi.yaml
endif
	cd web && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build
	@touch $@
build/gen/web.c: web/dist/index.html scripts/embed-web
	@mkdir -p $(@D)
	scripts/embed-web $@ web/dist

build/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<
build/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<
build/san/gen/%.o: build/gen/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN) -c -o $@ $<
build/san/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN) -c -o $@ $<

build/atrium: build/obj/main.o $(OBJS)
	$(CC) -o $@ $^ $(LDLIBS)

# Unit tests: one binary per file; a test may #include the .c it tests, so link without it
# when it does (the test's object then holds those functions).
define unit_link
	$(CC) $(ALL_CFLAGS) $(3) -o $(1) $(2) $$(for o in $(4); do \
		src=$$(echo $$o | sed -e 's|^build/[a-z]*/||' -e 's|\.o$$|.c|'); \
		grep -q "#include \"../../../src/$$src\"\|#include \"../../src/$$src\"\|#include \"../../../../src/$$src\"" $(2) || echo $$o; done) \
		$(LDLIBS) -lcmocka
endef
build/unit/%: tests/unit/%.c $(OBJS)
	@mkdir -p $(@D)
	$(call unit_link,$@,$<,,$(OBJS))
build/unit-san/%: tests/unit/%.c $(SAN_OBJS)
	@mkdir -p $(@D)
	$(call unit_link,$@,$<,$(SAN),$(SAN_OBJS))

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

unit-san: $(SAN_BINS)
	@set -e; for t in $(SAN_BINS); do echo "== $$t (ASan+UBSan)"; \
		ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 $$t; done

api: build/atrium
	node --test --test-concurrency=2 tests/api/

# The web client's component and store tests (Vitest).
web-test: web/dist/index.html
	cd web && npm test

# The web client in Debian's chromium (playwright-core) against a real server; screenshots of
# each test's last screen land in build/screenshots/.
browser: build/atrium
	node --test --test-concurrency=1 tests/browser/

# The served policy is a copy of the one the project keeps beside it; they must not drift.
SHARED_POLICY := ../shared/policy/privacy-policy.txt
policy-check:
	@if [ -f $(SHARED_POLICY) ] && ! cmp -s policy/privacy-policy.txt $(SHARED_POLICY); then \
		echo "policy/privacy-policy.txt differs from $(SHARED_POLICY): copy it over" >&2; exit 1; fi

test: deps policy-check
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory unit-san
	@$(MAKE) --no-print-directory api
	@$(MAKE) --no-print-directory web-test
	@$(MAKE) --no-print-directory browser

run: deps
	@$(MAKE) --no-print-directory all
	./build/atrium serve

bench: deps
	@$(MAKE) --no-print-directory all
	bench/http
	bench/export
	bench/address-book
	node bench/ws-idle.mjs
	bench/im
	bench/attendance

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
.SECONDARY:
