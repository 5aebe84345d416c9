#!/bin/bash
# make bench-host: the engine against the raw AF_XDP round trip, on this
# host, in one run. A report, not a test: it prints a table and exits 0
# when it could measure, whatever the figures.
#
# Set-up (network namespaces, torn down on exit; tests/net/lib.sh):
#   ini <-> tgt by two identical veth pairs: i0 <-> t0 carries aoe-xdp
#   (daemon, --export none; `aoe-xdp bench` drives the engine alone), and
#   i1 <-> t1 carries xsk-rtt (tools/bench/xsk-rtt), the least an AF_XDP
#   initiator can do: two pairs because each initiator needs its own XDP
#   program. One aoe-target per pair, same options, serving ram, over
#   AF_XDP (--io xdp): with AF_PACKET the target is the bottleneck.
#   On t1 the XDP_TX reflector (xsk-rtt reflect) bounces xsk-rtt's pings
#   back without any user space: the pure ceiling of the veth pair.
#
# Tests, each run A B B A (engine, raw, raw, engine) to cancel drift:
#   qd1   1 KiB random reads, one in flight: latency
#   qdN   1 KiB random reads, N (32) in flight: frames/s
# 1 KiB is one frame at MTU 1500, so the engine's IOPS are its frames/s,
# and xsk-rtt's AoE reads of 2 sectors are the same frames.
#
# Output: the table on stdout and in build/bench-host/results.md, raw JSON
# per run in build/bench-host/. Settings (environment): HOST_SECONDS (3)
# per run, HOST_REPEAT (2) pairs of runs, HOST_QD (32), HOST_TARGET_IO
# (xdp; packet for AF_PACKET), HOST_TARGET_OPTS
# (extra aoe-target options), HOST_ATTACH_OPTS (extra attach options),
# HOST_STRACE=1 (one more engine run per test under strace -c, saved as
# build/bench-host/TEST-strace.txt).
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-$PWD/build}
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
OUT=${HOST_OUT:-$BUILD/bench-host}
SECONDS_RUN=${HOST_SECONDS:-3}
REPEAT=${HOST_REPEAT:-2}
QD=${HOST_QD:-32}
RTT=$BUILD/xsk-rtt
AOE_XDP=${AOE_XDP:-$BUILD/aoe-xdp}
AOE_TARGET=${AOE_TARGET:-$BUILD/aoe-target}

# shellcheck source=tests/net/lib.sh
. tests/net/lib.sh
# shellcheck source=tools/bench/narrate.sh
. tools/bench/narrate.sh
# shellcheck source=tools/bench/hostlib.sh
. tools/bench/hostlib.sh

main() {
	local start qd
	start=$(date +%s)
	for prog in "$AOE_XDP" "$AOE_TARGET" "$RTT"; do
		[ -x "$prog" ] || { echo "bench-host: $prog is missing: run 'make'" >&2; exit 1; }
	done
	net_init
	rm -rf "$OUT"
	mkdir -p "$OUT" || exit 1
	host_setup || exit 1
	: >"$OUT/rows"
	for qd in 1 "$QD"; do
		host_compare "qd$qd" "$qd"
		[ "${HOST_STRACE:-0}" = 1 ] && host_strace "qd$qd" "$qd"
	done
	host_ceiling "reflector" 1 "$QD"
	{
		host_table
		echo
		echo "Per request (engine: stat counters over the runs; raw: xsk-rtt's own):"
		echo
		host_costs_table
		echo
		echo "Where a request's time goes (engine: stat's stages over the runs, average us):"
		echo
		host_stages_table
		echo
		echo "The targets' own rates (aoe-target ${HOST_TARGET_IO:-xdp}; t0 served the engine, t1 xsk-rtt):"
		echo
		sed 's/^/    /' "$OUT/target-rates"
	} >"$OUT/results.md"
	host_ratios >"$OUT/ratios.tsv"
	tools/bench/chart.sh "$OUT/ratios.tsv" "$OUT/chart.svg" \
		"make bench-host: the engine against the raw AF_XDP round trip (1 KiB reads)" \
		"engine / raw (range: worst-best runs)" && echo "bench-host: chart in $OUT/chart.svg"
	cat "$OUT/results.md"
	echo
	echo "bench-host: $(($(date +%s) - start)) s in all; raw data in $OUT/"
}

main "$@"
