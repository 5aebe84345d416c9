#!/bin/bash
# A crashed run (kill -9) leaves its XDP program on the interface and its
# map pins in bpffs. The next discover on that interface takes them away,
# says so, works, and leaves nothing behind itself. A run that is still
# alive is not a crashed one: a second discover refuses to touch it.
. "$(dirname "$0")/lib.sh"
net_init
need vblade jq

one_wire
TMAC=$(mac_of tgt "$T0")
PINS=/sys/fs/bpf/aoe-xdp
truncate -s 4M "$TMP/disk.img"
vblade_start tgt 5 5 "$T0" "$TMP/disk.img"

long_ready() { in_ns ini test -e "$PINS/$I0/aoe_stats" && xdp_attached ini "$I0"; }

# start_long MODE: a discover that would run for 30 s; returns once its
# program is on the interface and its pins are in place (long_ready).
start_long() {
	bg ini "$AOE_XDP" discover --timeout 30 --mode "$1" "$I0"
	LONG=$LAST_PID
	LONG_LOG=$LAST_LOG
	wait_for 10 long_ready
}

for mode in native skb; do
	check "[$mode] a long discover attached and pinned" start_long "$mode"
	kill -9 "$LONG"
	wait "$LONG" 2>/dev/null
	check "[$mode] kill -9 left its program on $I0" xdp_attached ini "$I0"
	check "[$mode] ... and its pins in bpffs" in_ns ini test -e "$PINS/$I0/aoe_stats"

	J=$TMP/after-$mode.json
	in_ns ini "$AOE_XDP" discover --timeout 1 --json "$I0" >"$J" 2>"$TMP/after-$mode.err"
	check "[$mode] the next discover exits 0" test $? -eq 0
	check "[$mode] ... says it removed the crashed run's program and pins" \
		grep -Eq "$I0: removed a crashed aoe-xdp run's leftovers: program aoe_xdp_rx .*\\($mode mode\\) and stale map pins" \
		"$TMP/after-$mode.err"
	jq_check "[$mode] ... and finds e5.5 behind $TMAC" "$J" --arg mac "$TMAC" \
		'[.devices[] | select(.name == "e5.5" and .state == "up")] | length == 1 and
		 .[0].targets[0].mac == $mac'
	check "[$mode] no XDP program left on $I0" xdp_clear ini "$I0"
	check "[$mode] no pins left" in_ns ini test ! -e "$PINS"
	[ "$FAILS" -gt 0 ] && { echo "--- stderr of the run after the crash"; cat "$TMP/after-$mode.err"; }
done

# A live run is not a leftover.
check "[live] a long discover attached and pinned" start_long auto
in_ns ini "$AOE_XDP" discover --timeout 1 "$I0" >"$TMP/second.out" 2>"$TMP/second.err"
check "[live] a second discover on $I0 fails" test $? -ne 0
check "[live] ... naming the running one's pid" grep -q "in use by another aoe-xdp command (pid $LONG)" "$TMP/second.err"
check "[live] ... and the first one's program is still there" xdp_attached ini "$I0"
check "[live] ... and so are its pins" in_ns ini test -e "$PINS/$I0/aoe_stats"
kill -TERM "$LONG"
check "[live] SIGTERM ends the long discover within 3 s" wait_for 3 not kill -0 "$LONG"
wait "$LONG"
log "the long discover exited $? after SIGTERM: $(tail -n 1 "$LONG_LOG")"
check "[live] ... which takes its program away" xdp_clear ini "$I0"
check "[live] ... and its pins" in_ns ini test ! -e "$PINS"
if [ "$FAILS" -gt 0 ]; then
	echo "--- second discover"; cat "$TMP/second.err"
	echo "--- long discover"; cat "$LONG_LOG"
fi
net_done
