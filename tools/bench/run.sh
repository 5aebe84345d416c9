#!/bin/bash
# make bench: aoe-xdp against the kernel aoe driver, same target, same wire,
# same MTU, in one boot of the test VM (the host kernel has neither ublk nor
# aoe). A report, not a test: it prints a table and exits 0 when it could
# measure, whatever the figures.
#
# In the VM (tools/bench/guest.sh does the work and explains the set-up):
#   - aoe-target serving ram:512M on a bridge in a network namespace;
#     aoe-xdp and the kernel aoe driver each on a veth pair into it;
#   - fio on /dev/ublkbN (aoe-xdp) and on /dev/etherd/e1.1 (kernel aoe), one
#     at a time, interleaved, twice each: 1 MiB sequential read and write (QD 8), 4 KiB
#     random read and write at QD 1 and QD 32, direct I/O, io_uring, time
#     based;
#   - at MTU 1500 and 9000 (17 sectors per frame for both at 9000: aoe-xdp
#     spreads a jumbo frame over several UMEM chunks);
#   - aoe-xdp's retransmit and false-alarm counters around every test;
#   - the link's own AoE answer rate (aoe-probe burst) for reference;
#   - then the loss round at MTU 1500: netem drops frames at random, the
#     same share each way for both drivers, at each level of BENCH_LOSS;
#     4 KiB random read and write at QD 32 and 1 MiB sequential read, with
#     both drivers' resends and fio's failed requests counted.
#
# Output: the table on stdout and in build/bench/results.md, its ratios
# drawn in build/bench/chart.svg (tools/bench/chart.sh); raw fio JSON,
# aoe-xdp stat snapshots, link and target counters in build/bench/.
#
# Settings (environment): BENCH_SECONDS (4) per fio run, BENCH_REPEAT (2)
# runs per test and device, BENCH_MTUS ("1500 9000"; empty: no MTU round),
# BENCH_LOSS ("0 1 3": percent lost each way in the loss round; empty: no
# loss round), BENCH_TESTS (all; names from the table, e.g. "randread-qd1
# randwrite-qd32"; it also thins the loss round), BUILD (build). Under TCG
# the MTU rounds take about 8 minutes on a quiet host; the loss round (36
# runs) took 532 s more with two other VMs on the same two cores.
# The loss round alone: BENCH_MTUS="" make bench.
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
case $BUILD in /*) OUT=$BUILD/bench ;; *) OUT=$PWD/$BUILD/bench ;; esac
PROBE=$BUILD/obj/bench/aoe-probe
VM_SMP=2
# aoe-target's 512 MiB of RAM, fio, the daemon's locked UMEM, page cache.
VM_MEM_MB=2048
# A stuck VM's limit: a full run under TCG on a busy shared host has taken
# twice the usual 12 minutes.
VM_TIMEOUT_SECONDS=2400

die() {
	echo "bench: $*" >&2
	exit 1
}

# The link probe is a test peer (tests/net/aoe_probe.c) that `make` builds
# with sanitizers, several times slower: the bench builds its own optimised
# copy from the same source and the codec objects `make all` made.
build_probe() {
	mkdir -p "$(dirname "$PROBE")" &&
		${CC:-gcc} -std=gnu11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -Iinclude -iquote user \
			-o "$PROBE" tests/net/aoe_probe.c "$BUILD/obj/libproto.a" "$BUILD/obj/liblib.a"
}

# shellcheck source=tools/bench/narrate.sh
. tools/bench/narrate.sh

main() {
	local start rc vm prog
	start=$(date +%s)
	command -v qemu-system-x86_64 >/dev/null ||
		die "qemu-system-x86_64 is missing: run 'make deps' (package qemu-system-x86)"
	for prog in aoe-xdp aoe-target; do
		[ -x "$BUILD/$prog" ] || die "$BUILD/$prog is missing: run 'make' first"
	done
	build_probe || die "cannot build $PROBE from tests/net/aoe_probe.c"
	rm -rf "$OUT"
	mkdir -p "$OUT" || die "cannot create $OUT"
	vm=(tools/vm/run-vm.sh --smp "$VM_SMP" --mem "$VM_MEM_MB" --timeout "$VM_TIMEOUT_SECONDS"
		--rw "$OUT" --env BENCH_OUT="$OUT" --env BENCH_SECONDS="${BENCH_SECONDS:-4}"
		--env BENCH_REPEAT="${BENCH_REPEAT:-2}" --env BENCH_ATTACH_OPTS="${BENCH_ATTACH_OPTS:-}"
		--env BENCH_MTUS="${BENCH_MTUS-1500 9000}" --env BENCH_LOSS="${BENCH_LOSS-0 1 3}" --env BENCH_PROBE="$PROBE" --env BENCH_TESTS="${BENCH_TESTS:-}" --env BENCH_COMMAND
		-- tools/bench/guest.sh)
	echo "bench: $(cmdline "${vm[@]}")"
	BENCH_COMMAND="make bench, that is: $(cmdline "${vm[@]}")" "${vm[@]}"
	rc=$?
	echo
	echo "bench: $(( $(date +%s) - start )) s in all (VM boot included), exit status $rc"
	[ -s "$OUT/results.md" ] && echo "bench: table in $OUT/results.md, raw data in $OUT/"
	[ -s "$OUT/results.md" ] && tools/bench/chart.sh --md "$OUT/results.md" >"$OUT/ratios.tsv" &&
		tools/bench/chart.sh "$OUT/ratios.tsv" "$OUT/chart.svg" \
			"make bench: aoe-xdp / kernel aoe (same VM, same target)" \
			"aoe-xdp / kernel (range: worst-best runs)" && echo "bench: chart in $OUT/chart.svg"
	return $rc
}

main "$@"
