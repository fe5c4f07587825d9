# ipcscope -- make · make run · make test · make bench · make clean
CC       ?= gcc
PORT     ?= 8080
OPT      ?= -O2
CFLAGS   := -std=c11 -D_GNU_SOURCE $(OPT) -g -Wall -Wextra -Werror -pthread -MMD -MP -Iworkers -Iobj/gen
# libmicrohttpd is not linked: serve opens it with dlopen (server/mhd_api.c),
# so the run processes it spawns start without loading the HTTP/TLS stack;
# libzmq, gRPC and libdbus-1 neither: their mechanisms open them (workers/mech/dynlib.c)
# libprotobuf-c from its archive: only demo serialization uses it, and a
# shared library more is an open, four mappings and a relocation pass at
# every start (each run's start line waits for them)
LDLIBS   := -lcjson -l:libprotobuf-c.a -lrt -lm -ldl -pthread
# read when the rule runs, after scripts/deps.sh installed pkg-config
DBUS_CFLAGS = $(shell pkg-config --cflags dbus-1)
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

# workers/ in one folder per layer (README: Architecture); includes are
# written from workers/ ("stats/verdict.h"). workers/mpi/ is the rank
# binary's own.
SRC      := $(sort $(wildcard server/*.c) $(filter-out workers/mpi/%,$(wildcard workers/*/*.c)))
LIBSRC   := $(filter-out server/main.c,$(SRC))
# what the binary serves: static/ as it is, the page's modules from web/,
# and chart.js with its error-bar charts vendored from the lock file (the
# only generated files)
VENDORED := static/chart.umd.js static/chartjs-chart-error-bars.umd.js
PAGE     := $(sort $(filter-out $(VENDORED),$(wildcard static/*)) $(wildcard web/*.js)) $(VENDORED)
UNITSRC  := $(sort $(wildcard tests/unit/test_*.c))

# protobuf-c code for workers/demos/*.proto, generated at build time
PBGEN    := $(patsubst workers/demos/%.proto,obj/gen/%.pb-c.c,$(wildcard workers/demos/*.proto))
PBOBJ    := $(PBGEN:.c=.o)
APBOBJ   := $(PBGEN:obj/gen/%.c=obj-asan/gen/%.o)

OBJ      := $(SRC:%.c=obj/%.o) obj/static_data.o $(PBOBJ)
LIBOBJ   := $(LIBSRC:%.c=obj/%.o) obj/static_data.o $(PBOBJ)
AOBJ     := $(SRC:%.c=obj-asan/%.o) obj-asan/static_data.o $(APBOBJ)
ALIBOBJ  := $(LIBSRC:%.c=obj-asan/%.o) obj-asan/static_data.o $(APBOBJ)
UNITBIN  := $(UNITSRC:tests/unit/%.c=bin/tests/%)
AUNITBIN := $(UNITSRC:tests/unit/%.c=bin/tests-asan/%)

# the mpi mechanism's ranks run in bin/ipcscope-mpi, the one binary that
# links libmpi (flags read when it is built, after deps are installed)
MPISRC   := $(wildcard workers/mpi/*.c)
MPIOBJ   := $(MPISRC:%.c=obj/%.o)
MPICFLAGS = $(shell pkg-config --cflags ompi-c)
MPILIBS   = $(shell pkg-config --libs ompi-c)

# the version, from git describe or the VERSION file (scripts/version.sh);
# `make VERSION=X` overrides it
VERSION  := $(shell scripts/version.sh)
ifeq ($(VERSION),)
$(error scripts/version.sh gave no version; see its message above)
endif

.PHONY: all run test test-build bench clean deps deps-test deps-bench web FORCE
all: bin/ipcscope bin/ipcscope-mpi obj/ipcscope.1 obj/ipcscope.bash

# the man page, written by the binary from its own usage texts and
# registries (workers/cli/manual.c), so it documents exactly what was built
obj/ipcscope.1: bin/ipcscope
	bin/ipcscope --man > $@.tmp && mv $@.tmp $@
# the bash completion, the same way
obj/ipcscope.bash: bin/ipcscope
	bin/ipcscope --completion bash > $@.tmp && mv $@.tmp $@

# rewritten only when the version changed, so a build stays incremental
obj/gen/version.h: FORCE
	@mkdir -p $(@D)
	@printf '#define IPCSCOPE_VERSION "%s"\n' '$(VERSION)' > $@.tmp
	@if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; fi

deps: obj/.deps-build
obj/.deps-build: scripts/deps.sh
	@mkdir -p obj && scripts/deps.sh build && touch $@
obj/.deps-test: scripts/deps.sh
	@mkdir -p obj && scripts/deps.sh test && touch $@
obj/.deps-bench: scripts/deps.sh
	@mkdir -p obj && scripts/deps.sh bench && touch $@
obj/.deps-deb: scripts/deps.sh
	@mkdir -p obj && scripts/deps.sh deb && touch $@

# web/node_modules comes from the committed lock file; chart.js and
# chartjs-chart-error-bars (the min–max whiskers) are vendored into static/
# (git-ignored) so the binary serves them with no network at run time.
web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@
static/chart.umd.js: web/node_modules/.installed
	@mkdir -p $(@D)
	cp web/node_modules/chart.js/dist/chart.umd.js $@
static/chartjs-chart-error-bars.umd.js: web/node_modules/.installed
	@mkdir -p $(@D)
	cp web/node_modules/chartjs-chart-error-bars/build/index.umd.js $@
web: $(VENDORED)

bin/ipcscope: $(OBJ)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

bin/ipcscope-mpi: $(MPIOBJ) $(LIBOBJ)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) $(MPILIBS)

obj/workers/mpi/%.o: workers/mpi/%.c | obj/.deps-build $(PBGEN:.c=.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(MPICFLAGS) -c -o $@ $<

bin/ipcscope-asan: $(AOBJ)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $^ $(LDLIBS)

obj/%.o: %.c | obj/.deps-build
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

obj/workers/mech/dbus.o obj-asan/workers/mech/dbus.o obj/workers/mech/dbus_load.o \
obj-asan/workers/mech/dbus_load.o: CFLAGS += $(DBUS_CFLAGS)
# node.c carries node.js (.incbin)
obj/workers/mech/node.o obj-asan/workers/mech/node.o: workers/mech/node.js

obj-asan/%.o: %.c | obj/.deps-build
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SANFLAGS) -c -o $@ $<

obj/gen/%.pb-c.c obj/gen/%.pb-c.h: workers/demos/%.proto | obj/.deps-build
	@mkdir -p obj/gen
	protoc-c --proto_path=workers/demos --c_out=obj/gen $<
obj/gen/%.o: obj/gen/%.c
	$(CC) $(CFLAGS) -c -o $@ $<
obj-asan/gen/%.o: obj/gen/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SANFLAGS) -c -o $@ $<
.SECONDARY: $(PBGEN) $(PBGEN:.c=.h)
# the generated headers exist before anything that may include them compiles
$(SRC:%.c=obj/%.o) $(SRC:%.c=obj-asan/%.o) $(MPIOBJ): | $(PBGEN:.c=.h) obj/gen/version.h

bin/embed: scripts/embed.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -o $@ $<

obj/static_data.c: bin/embed $(PAGE)
	@mkdir -p $(@D)
	bin/embed $(PAGE) > $@.tmp && mv $@.tmp $@
obj/static_data.o: obj/static_data.c
	$(CC) -std=c11 -O2 -c -o $@ $<
obj-asan/static_data.o: obj/static_data.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -O2 -c -o $@ $<

bin/tests/%: tests/unit/%.c $(LIBOBJ) | obj/.deps-test
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

bin/tests-asan/%: tests/unit/%.c $(ALIBOBJ) | obj/.deps-test
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

run: bin/ipcscope bin/ipcscope-mpi
	bin/ipcscope serve --port $(PORT) --results-dir results

# make install [PREFIX=/usr/local] [DESTDIR=]: the binary in PREFIX/bin, the
# mpi mechanism's rank binary in PREFIX/libexec/ipcscope (the binary looks for
# it beside itself, then in ../libexec/ipcscope), the man page and the bash
# completion. Everything else the binary needs (the page, node.js's
# script) is inside it.
PREFIX   ?= /usr/local
BINDIR   := $(PREFIX)/bin
LIBEXECDIR := $(PREFIX)/libexec/ipcscope
MANDIR   := $(PREFIX)/share/man/man1
BASHCOMPDIR := $(PREFIX)/share/bash-completion/completions
INSTALLED := $(BINDIR)/ipcscope $(LIBEXECDIR)/ipcscope-mpi $(MANDIR)/ipcscope.1.gz \
	     $(BASHCOMPDIR)/ipcscope
.PHONY: install uninstall
install: bin/ipcscope bin/ipcscope-mpi obj/ipcscope.1 obj/ipcscope.bash
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(MANDIR) \
		$(DESTDIR)$(BASHCOMPDIR)
	install -m 0644 obj/ipcscope.bash $(DESTDIR)$(BASHCOMPDIR)/ipcscope
	install -m 0755 bin/ipcscope $(DESTDIR)$(BINDIR)/ipcscope
	install -m 0755 bin/ipcscope-mpi $(DESTDIR)$(LIBEXECDIR)/ipcscope-mpi
	gzip -9n < obj/ipcscope.1 > $(DESTDIR)$(MANDIR)/ipcscope.1.gz
	chmod 0644 $(DESTDIR)$(MANDIR)/ipcscope.1.gz
uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(LIBEXECDIR) 2>/dev/null

# make deb: ipcscope_VERSION_ARCH.deb here, from make install into a staging
# tree (scripts/deb.sh says why dpkg-deb), checked by lintian
DEB := ipcscope_$(VERSION)_$(shell dpkg --print-architecture 2>/dev/null).deb
.PHONY: deb
deb: obj/.deps-deb all
	rm -rf obj/deb
	$(MAKE) --no-print-directory install DESTDIR=$(CURDIR)/obj/deb/root PREFIX=/usr
	scripts/deb.sh $(CURDIR)/obj/deb/root $(VERSION) $(CURDIR)
	lintian --fail-on error $(DEB)

# libFuzzer targets (clang): the request head and query parsers, the
# history loader, the class board's post parser, and the peer's control protocol (framing, message, hello
# and rep checks). Only the parsers and what they call are built for them;
# the linker is told to leave unresolved the rest of the engine that the
# mechanism table names but a parser never calls (a call would crash the run).
FUZZCC    := clang
FUZZFLAGS := -std=c11 -D_GNU_SOURCE -O1 -g -MMD -MP -ffunction-sections -fdata-sections \
	     -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -Iworkers -Iobj/gen
FUZZSRC   := server/http_head.c server/http_query.c server/run_store.c server/utf8.c \
	     server/board.c server/board_parse.c \
	     $(wildcard workers/params/*.c workers/run/peer.c workers/rep/peerlink.c \
			workers/net/peerproto.c workers/probe/sysinfo.c \
			workers/base/cleanup.c workers/base/error.c workers/base/human.c \
			workers/stats/*.c workers/mech/*.c)
FUZZOBJ   := $(FUZZSRC:%.c=obj-fuzz/%.o)
FUZZBIN   := $(patsubst tests/fuzz/%.c,bin/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
.SECONDARY: $(FUZZOBJ)
$(FUZZOBJ): | obj/gen/version.h

obj-fuzz/%.o: %.c | obj/.deps-test
	@mkdir -p $(@D)
	$(FUZZCC) $(FUZZFLAGS) $(DBUS_CFLAGS) -c -o $@ $<

bin/fuzz/%: tests/fuzz/%.c $(FUZZOBJ) | obj/.deps-test
	@mkdir -p $(@D)
	$(FUZZCC) $(FUZZFLAGS) -fsanitize=fuzzer -no-pie -Wl,--gc-sections \
		-Wl,--unresolved-symbols=ignore-all -o $@ $^ -lcjson -lrt -lm -pthread

# test builds on every core (a recursive make: -j set in a makefile does not
# reach the make already running), then runs the suites
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
test:
	$(MAKE) -j$(JOBS) test-build
	tests/run.sh

test-build: obj/.deps-test bin/ipcscope bin/ipcscope-mpi bin/ipcscope-asan $(UNITBIN) $(AUNITBIN) \
      $(FUZZBIN) bin/tests/verdict_pairs bin/tests-asan/verdict_pairs web

bench: obj/.deps-bench bin/ipcscope bin/ipcscope-mpi
	bench/run.sh

clean:
	rm -rf bin obj obj-asan obj-fuzz tests/out $(VENDORED) ipcscope_*.deb

-include $(OBJ:.o=.d) $(AOBJ:.o=.d) $(FUZZOBJ:.o=.d) $(MPIOBJ:.o=.d)
