# aoe-xdp: user-space ATA-over-Ethernet initiator (XDP + AF_XDP + ublk).
#
# The lists below say what exists; the rules at the bottom do the work.
# Adding a user/*.c, tests/unit/*.c or tools/aoe-target/*.c file needs no edit.

BUILD    ?= build
PREFIX   ?= /usr/local
DESTDIR  ?=
UNITDIR      ?= $(PREFIX)/lib/systemd/system
UDEVRULESDIR ?= $(PREFIX)/lib/udev/rules.d
BASHCOMPDIR  ?= $(PREFIX)/share/bash-completion/completions
VERSION  := $(shell sed -n 's/^\#define AOE_XDP_VERSION "\(.*\)"/\1/p' user/cli/commands.h)
CC       ?= gcc
CLANG    ?= clang
BPFTOOL  ?= bpftool
V        ?= 0

ifeq ($(V),0)
Q := @
else
Q :=
endif

ARCH_INC := /usr/include/$(shell $(CC) -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)

WARN     := -Wall -Wextra -Werror
CFLAGS   ?= -O2 -g
BASE_CFLAGS := -std=gnu11 $(WARN) -D_GNU_SOURCE -Iinclude -iquote user -I$(BUILD) $(CFLAGS)
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LIBS     := -lxdp -lbpf -lelf -lz -luring $(shell pkg-config --libs fuse3 2>/dev/null || echo -lfuse3) -lpthread
FUSE_CFLAGS := $(shell pkg-config --cflags fuse3 2>/dev/null)

# --- what exists -------------------------------------------------------------
BPF_SRCS     := $(wildcard bpf/*.bpf.c)
BPF_OBJS     := $(patsubst bpf/%.bpf.c,$(BUILD)/%.bpf.o,$(BPF_SRCS))
SKELS        := $(patsubst bpf/%.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRCS))

# user/ is layered; each folder may use the ones before it (user/README.md,
# checked by tests/lint/test_layers.sh). Every folder is a static library,
# so a program links only what it uses: aoe-target takes lib and proto.
LAYERS       := lib proto xdp engine export daemon cli
layer_srcs    = $(wildcard user/$(1)/*.c)
# main.o is linked by name, never from an archive (test binaries have their own main).
layer_objs    = $(patsubst user/%.c,$(BUILD)/$(2)/%.o,$(filter-out user/cli/main.c,$(call layer_srcs,$(1))))
layer_lib     = $(BUILD)/$(2)/lib$(1).a
# Link order: the users before what they use.
LINK_ORDER   := cli daemon export engine xdp proto lib
ALL_LIBS      = $(foreach l,$(LINK_ORDER),$(call layer_lib,$(l),$(1)))

TARGET_SRCS  := $(wildcard tools/aoe-target/*.c)
TARGET_OBJS  := $(patsubst tools/aoe-target/%.c,$(BUILD)/obj/target/%.o,$(TARGET_SRCS))
TARGET_LIBS  := $(call layer_lib,proto,obj) $(call layer_lib,lib,obj)

# The raw AF_XDP reference of make bench-host (tools/bench/xsk-rtt/).
RTT_SRCS     := $(wildcard tools/bench/xsk-rtt/*.c)
RTT_OBJS     := $(patsubst tools/bench/xsk-rtt/%.c,$(BUILD)/obj/xsk-rtt/%.o,$(RTT_SRCS))

UNIT_SRCS    := $(wildcard tests/unit/*.c)
BPFTEST_SRCS := $(wildcard tests/bpf/*.c)
NETTOOL_SRCS := $(wildcard tests/net/*.c)
NETTOOL_BINS := $(patsubst tests/net/aoe_%.c,$(BUILD)/tests/aoe-%,$(NETTOOL_SRCS))
FUZZ_SRCS    := $(wildcard tests/fuzz/*.c)
FUZZ_BINS    := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))

PROGS := $(BUILD)/aoe-xdp $(if $(TARGET_SRCS),$(BUILD)/aoe-target) $(if $(RTT_SRCS),$(BUILD)/xsk-rtt)

# Keep skeletons and BPF objects: they are outputs, not scratch.
.SECONDARY: $(BPF_OBJS) $(SKELS)
TEST_BINS := $(BUILD)/tests/unit $(if $(BPFTEST_SRCS),$(BUILD)/tests/bpf) $(BUILD)/san/aoe-xdp \
	$(NETTOOL_BINS)

# --- top-level targets ---------------------------------------------------------
.PHONY: all deps test test-unit test-bpf test-net test-vm fuzz soak demo bench bench-host install deb clean vm-shell check-deps
all: $(PROGS) $(BUILD)/aoe-xdp.8

deps:
	$(Q)tools/deps.sh

test: deps
	$(Q)$(MAKE) --no-print-directory all $(TEST_BINS) $(FUZZ_BINS)
	$(Q)tests/run.sh

# Single suites, for developers.
test-unit: $(BUILD)/tests/unit
	$(Q)$(BUILD)/tests/unit
test-bpf: $(BUILD)/tests/bpf
	$(Q)$(BUILD)/tests/bpf
test-net: all $(BUILD)/san/aoe-xdp $(NETTOOL_BINS)
	$(Q)tests/run.sh net
test-vm: all
	$(Q)tests/run.sh vm

# Opt-in, a few minutes, not part of make test: flood, target restarts and
# path flaps under fio verify, RSS and counters per round (CYCLES=N).
soak: all $(BUILD)/tests/aoe-flood
	$(Q)tests/soak/soak_flood.sh

fuzz: $(FUZZ_BINS)
	$(Q)FUZZ_SECONDS=$${FUZZ_SECONDS:-300} tests/fuzz/run.sh

demo: deps all
	$(Q)tools/demo.sh

bench: deps all
	$(Q)tools/bench/run.sh

# The engine against the raw AF_XDP round trip, on this host (no VM).
bench-host: deps all
	$(Q)tools/bench/host.sh

vm-shell: all
	$(Q)tools/vm/run-vm.sh --shell

# The man page comes from the binary's own option tables: it cannot drift.
$(BUILD)/aoe-xdp.8: $(BUILD)/aoe-xdp
	$(Q)$(BUILD)/aoe-xdp --man > $@

install: all $(BUILD)/aoe-xdp.8
	install -D -m 0755 $(BUILD)/aoe-xdp $(DESTDIR)$(PREFIX)/sbin/aoe-xdp
	install -D -m 0755 $(BUILD)/aoe-target $(DESTDIR)$(PREFIX)/sbin/aoe-target
	install -D -m 0644 $(BUILD)/aoe-xdp.8 $(DESTDIR)$(PREFIX)/share/man/man8/aoe-xdp.8
	sed 's|@SBINDIR@|$(PREFIX)/sbin|g' tools/aoe-xdp.service > $(BUILD)/aoe-xdp.service
	install -D -m 0644 $(BUILD)/aoe-xdp.service $(DESTDIR)$(UNITDIR)/aoe-xdp.service
	sed 's|@SBINDIR@|$(PREFIX)/sbin|g' tools/udev/60-aoe-xdp.rules > $(BUILD)/60-aoe-xdp.rules
	install -D -m 0644 $(BUILD)/60-aoe-xdp.rules $(DESTDIR)$(UDEVRULESDIR)/60-aoe-xdp.rules
	install -D -m 0644 tools/aoe-xdp.bash-completion $(DESTDIR)$(BASHCOMPDIR)/aoe-xdp
	[ -e $(DESTDIR)/etc/default/aoe-xdp ] || \
		install -D -m 0644 tools/aoe-xdp.default $(DESTDIR)/etc/default/aoe-xdp

# A Debian package of what install installs (tools/debian/).
deb: all
	$(Q)tools/debian/build-deb.sh $(BUILD) $(VERSION)

clean:
	rm -rf $(BUILD)

# --- rules ------------------------------------------------------------------
$(BUILD)/%.bpf.o: bpf/%.bpf.c include/*.h | $(BUILD)
	@echo "  BPF     $@"
	$(Q)$(CLANG) -target bpf -g -O2 -Wall -Werror -Iinclude -I$(ARCH_INC) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	@echo "  SKEL    $@"
	$(Q)$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@

# Only the loader embeds the BPF object.
$(BUILD)/obj/xdp/xdp_prog.o $(BUILD)/san/xdp/xdp_prog.o: $(SKELS)

$(BUILD)/obj/%.o: user/%.c
	@echo "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BASE_CFLAGS) $(FUSE_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/san/%.o: user/%.c
	@echo "  CC-SAN  $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BASE_CFLAGS) $(FUSE_CFLAGS) $(SAN) -MMD -MP -c $< -o $@

# One archive per layer and build flavour (obj: plain, san: sanitized).
define layer_rule
$(call layer_lib,$(1),$(2)): $(call layer_objs,$(1),$(2))
	@echo "  AR      $$@"
	$(Q)rm -f $$@ && ar rcs $$@ $$^
endef
$(foreach l,$(LAYERS),$(eval $(call layer_rule,$(l),obj)))
$(foreach l,$(LAYERS),$(eval $(call layer_rule,$(l),san)))

$(BUILD)/obj/target/%.o: tools/aoe-target/%.c
	@echo "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BASE_CFLAGS) -Itools/aoe-target -MMD -MP -c $< -o $@

$(BUILD)/obj/xsk-rtt/%.o: tools/bench/xsk-rtt/%.c $(BUILD)/bench_xsk.skel.h
	@echo "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BASE_CFLAGS) -Itools/aoe-target -MMD -MP -c $< -o $@

$(BUILD)/xsk-rtt: $(RTT_OBJS) $(BUILD)/obj/target/xsk_setup.o $(TARGET_LIBS)
	@echo "  LD      $@"
	$(Q)$(CC) $(BASE_CFLAGS) -o $@ $^ -lxdp -lbpf -lelf -lz

$(BUILD)/aoe-xdp: $(BUILD)/obj/cli/main.o $(call ALL_LIBS,obj)
	@echo "  LD      $@"
	$(Q)$(CC) $(BASE_CFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/san/aoe-xdp: $(BUILD)/san/cli/main.o $(call ALL_LIBS,san)
	@echo "  LD-SAN  $@"
	$(Q)$(CC) $(BASE_CFLAGS) $(SAN) -o $@ $^ $(LIBS)

# AF_XDP mode (--io xdp) steers AoE with the bench's XDP program; xsk-rtt
# sets its port up with the same code.
$(BUILD)/obj/target/xsk_setup.o: $(BUILD)/bench_xsk.skel.h

$(BUILD)/aoe-target: $(TARGET_OBJS) $(TARGET_LIBS)
	@echo "  LD      $@"
	$(Q)$(CC) $(BASE_CFLAGS) -o $@ $^ -luring -lpthread -lxdp -lbpf -lelf -lz

$(BUILD)/tests/unit: $(UNIT_SRCS) $(call ALL_LIBS,san) | $(BUILD)/tests
	@echo "  TEST    $@"
	$(Q)$(CC) $(BASE_CFLAGS) $(FUSE_CFLAGS) $(SAN) -Itests -o $@ $(UNIT_SRCS) $(call ALL_LIBS,san) -lcriterion $(LIBS)

$(BUILD)/tests/bpf: $(BPFTEST_SRCS) $(call ALL_LIBS,san) $(SKELS) | $(BUILD)/tests
	@echo "  TEST    $@"
	$(Q)$(CC) $(BASE_CFLAGS) $(SAN) -Itests -o $@ $(BPFTEST_SRCS) $(call ALL_LIBS,san) -lcriterion $(LIBS)

# Peers for network tests (tests/net/aoe_NAME.c -> build/tests/aoe-NAME):
# the protocol layer is all they use; sanitized like every test.
$(BUILD)/tests/aoe-%: tests/net/aoe_%.c $(call layer_lib,proto,san) $(call layer_lib,lib,san) | $(BUILD)/tests
	@echo "  TEST    $@"
	$(Q)$(CC) $(BASE_CFLAGS) $(SAN) -o $@ $^

# libFuzzer targets link only the protocol layer: clang, sanitizers, coverage.
$(BUILD)/fuzz/%: tests/fuzz/%.c $(call layer_srcs,proto) | $(BUILD)/fuzz
	@echo "  FUZZ    $@"
	$(Q)$(CLANG) -std=gnu11 $(WARN) -D_GNU_SOURCE -Iinclude -iquote user -g -O1 \
		-fsanitize=fuzzer,address,undefined -o $@ $^

# The --only/--exclude parser: user input, not network bytes, but as hostile.
$(BUILD)/fuzz/fuzz_select: tests/fuzz/fuzz_select.c user/engine/select.c | $(BUILD)/fuzz
	@echo "  FUZZ    $@"
	$(Q)$(CLANG) -std=gnu11 $(WARN) -D_GNU_SOURCE -Iinclude -iquote user -g -O1 \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -o $@ $^

# ... except the engine's, which runs the engine on the simulated network of
# tests/unit/engine_sim.c: lib, proto, xdp and engine, all built by clang
# for coverage (xdp's loader embeds the BPF skeleton) and with a frame
# table small enough to make for every input; undefined behaviour aborts
# like any other finding.
FUZZ_ENGINE_SRCS := tests/unit/engine_sim.c $(foreach l,lib proto xdp engine,$(call layer_srcs,$(l)))
FUZZ_ENGINE_HDRS := tests/unit/engine_sim.h $(wildcard include/*.h $(foreach l,lib proto xdp engine,user/$(l)/*.h))
$(BUILD)/fuzz/fuzz_engine: tests/fuzz/fuzz_engine.c $(FUZZ_ENGINE_SRCS) $(FUZZ_ENGINE_HDRS) $(SKELS) | $(BUILD)/fuzz
	@echo "  FUZZ    $@"
	$(Q)$(CLANG) -std=gnu11 $(WARN) -D_GNU_SOURCE -Iinclude -iquote user -iquote tests -I$(BUILD) \
		-DENGINE_MAX_FRAMES=64 -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined \
		-o $@ $< $(FUZZ_ENGINE_SRCS) -lxdp -lbpf -lelf -lz -luring

$(BUILD) $(BUILD)/tests $(BUILD)/fuzz:
	$(Q)mkdir -p $@

-include $(shell find $(BUILD)/obj $(BUILD)/san -name '*.d' 2>/dev/null)
