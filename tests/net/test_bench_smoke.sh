#!/bin/bash
# Regression guard for the engine's speed, never an absolute figure: the
# engine (aoe-xdp bench, 1 KiB random reads: one frame each) must reach
# BENCH_SMOKE_MIN percent (25) of the raw AF_XDP round trip (xsk-rtt)
# measured in the same run on an identical veth pair against an identical
# aoe-target, at QD1 and QD32, A B B A (tools/bench/hostlib.sh, shared
# with make bench-host). A generous floor: the machine is shared and
# noisy; falling below it means something broke (a kick lost until a
# timer, a sleep per frame), not that a tuning slipped.
#
# The optimised build is measured, as users run it: the sanitizers that
# the other network tests use cost the engine a multiple of its speed.
. "$(dirname "$0")/lib.sh"
AOE_XDP=${BENCH_AOE_XDP:-$BUILD/aoe-xdp}
AOE_TARGET=$BUILD/aoe-target
RTT=$BUILD/xsk-rtt
MIN=${BENCH_SMOKE_MIN:-25}
SECONDS_RUN=1
REPEAT=1
# shellcheck source=tools/bench/hostlib.sh
. "$TOP/tools/bench/hostlib.sh"

net_init
need jq
for bin in "$AOE_XDP" "$AOE_TARGET" "$RTT"; do
	[ -x "$bin" ] || { echo "missing $bin: run make"; exit 1; }
done
OUT=$TMP/bench
mkdir -p "$OUT"
host_setup || exit 1

# at_least TEST: engine frames/s >= MIN% of raw, both means of this run.
at_least() {
	local e r
	read -r e _ <<<"$(host_stats "$1" engine 3)"
	read -r r _ <<<"$(host_stats "$1" raw 3)"
	log "$1: engine $e frames/s, raw $r frames/s ($(host_ratio "$e" "$r") of it; floor $MIN%)"
	[ "$r" -gt 0 ] && [ $((e * 100)) -ge $((r * MIN)) ]
}

for qd in 1 32; do
	host_compare "qd$qd" "$qd"
	check "QD$qd: the engine reaches $MIN% of the raw AF_XDP frames/s" at_least "qd$qd"
done
net_done
