#!/bin/bash
# While discover has its XDP program on the initiator's interface, that
# interface still does everything else: IPv4 works both ways, and a vblade
# running on the initiator's own interface still answers another initiator
# on the far end. The loader mounts bpffs where `ip netns exec` left none,
# pins aoe_stats there with named fields, and counts what it saw. When
# discover exits, neither the program nor the pins stay behind.
. "$(dirname "$0")/lib.sh"
net_init
need vblade jq bpftool ping

one_wire
in_ns ini ip addr add 10.99.0.1/24 dev "$I0"
in_ns tgt ip addr add 10.99.0.2/24 dev "$T0"
IMAC=$(mac_of ini "$I0")
TMAC=$(mac_of tgt "$T0")
PINS=/sys/fs/bpf/aoe-xdp
STATS=$PINS/$I0/aoe_stats

truncate -s 4M "$TMP/far.img" "$TMP/near.img"
vblade_start tgt 1 1 "$T0" "$TMP/far.img"		# what the initiator finds
vblade_start ini 2 2 "$I0" "$TMP/near.img"	# a target beside the initiator

check "no BPF filesystem in the initiator namespace's fresh /sys yet" \
	not quiet in_ns ini findmnt -t bpf /sys/fs/bpf

bg ini "$AOE_XDP" discover --timeout 6 --json "$I0"
DISC=$LAST_PID
DISC_LOG=$LAST_LOG
check "the stats pin appears while discover runs" wait_for 5 in_ns ini test -e "$STATS"
check "the loader mounted bpffs on /sys/fs/bpf" quiet in_ns ini findmnt -t bpf /sys/fs/bpf
check "an XDP program is on $I0" xdp_attached ini "$I0"

check "ping initiator -> target while attached" \
	in_ns ini ping -c 3 -i 0.2 -W 1 -q 10.99.0.2
check "ping target -> initiator while attached" \
	in_ns tgt ping -c 3 -i 0.2 -W 1 -q 10.99.0.1

# Another initiator on the far end finds the vblade on the initiator side:
# its requests must pass the XDP program on $I0 to reach that vblade.
J2=$TMP/far-discover.json
in_ns tgt "$AOE_XDP" discover --timeout 1 --json "$T0" >"$J2" 2>"$TMP/far-discover.err"
check "discover from the far end exits 0" test $? -eq 0
jq_check "the far end finds e2.2, served from $I0 ($IMAC)" "$J2" \
	--arg mac "$IMAC" --arg ifc "$T0" \
	'[.devices[] | select(.name == "e2.2")] | length == 1 and .[0].state == "up" and
	 .[0].targets == [.[0].targets[0]] and .[0].targets[0].mac == $mac and
	 .[0].targets[0].interfaces == [$ifc]'
check "no XDP program left on $T0 after the far end's discover" xdp_clear tgt "$T0"

S=$TMP/stats.json
check "the background discover is still attached for the stats dump" kill -0 "$DISC"
in_ns ini bpftool -j map dump pinned "$STATS" >"$S" 2>&1
check "bpftool dumps the pinned aoe_stats" test $? -eq 0
jq_check "bpftool prints aoe_stats' fields by name" "$S" \
	'.[0].formatted.values[0].value | has("aoe_responses") and has("redirected") and
	 has("aoe_requests_passed") and has("non_aoe_passed") and has("malformed_dropped")'
jq_check "aoe_responses > 0 (the far vblade's answers)" "$S" \
	'[.[0].formatted.values[].value.aoe_responses] | add > 0'
jq_check "redirected > 0 (they reached the AF_XDP socket)" "$S" \
	'[.[0].formatted.values[].value.redirected] | add > 0'
jq_check "aoe_requests_passed > 0 (the far initiator's requests went on to vblade)" "$S" \
	'[.[0].formatted.values[].value.aoe_requests_passed] | add > 0'
jq_check "non_aoe_passed > 0 (IPv4 and ARP went on to the stack)" "$S" \
	'[.[0].formatted.values[].value.non_aoe_passed] | add > 0'
jq_check "malformed_dropped == 0" "$S" \
	'[.[0].formatted.values[].value.malformed_dropped] | add == 0'

wait "$DISC"
check "background discover exits 0" test $? -eq 0
# Its stdout and stderr share one log: the JSON is the line that starts with {.
grep '^{' "$DISC_LOG" >"$TMP/near-discover.json"
jq_check "background discover found e1.1 behind $TMAC on $I0" "$TMP/near-discover.json" \
	--arg mac "$TMAC" --arg ifc "$I0" \
	'[.devices[] | select(.name == "e1.1")] | length == 1 and
	 .[0].targets[0].mac == $mac and .[0].targets[0].interfaces == [$ifc]'
check "no XDP program left on $I0 after discover" xdp_clear ini "$I0"
check "no pin directory left ($PINS/$I0)" in_ns ini test ! -e "$PINS/$I0"
check "no $PINS left at all" in_ns ini test ! -e "$PINS"
check "ping still works after detach" in_ns ini ping -c 1 -W 1 -q 10.99.0.2
if [ "$FAILS" -gt 0 ]; then
	echo "--- background discover log"; cat "$DISC_LOG"
	echo "--- far-end discover stderr"; cat "$TMP/far-discover.err"
	echo "--- bpftool"; cat "$S"
fi
net_done
