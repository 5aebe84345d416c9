#!/bin/bash
# One AoE device (same shelf.slot, same backing file) served by two vblades
# on two veth pairs: discover on both initiator interfaces reports ONE
# device with TWO targets, each on the interface it answered on.
. "$(dirname "$0")/lib.sh"
net_init
need vblade jq

two_wires
MAC0=$(mac_of tgt "$T0")
MAC1=$(mac_of tgt "$T1")
IMG=$TMP/disk.img
truncate -s 16M "$IMG"
vblade_start tgt -b 8 7 3 "$T0" "$IMG"
vblade_start tgt -b 4 7 3 "$T1" "$IMG"

J=$TMP/discover.json
in_ns ini "$AOE_XDP" discover --timeout 1 --json "$I0" "$I1" >"$J" 2>"$TMP/discover.err"
check "discover $I0 $I1 exits 0" test $? -eq 0
jq_check "one device e7.3, up, 32768 sectors" "$J" \
	'(.devices | length) == 1 and .devices[0].name == "e7.3" and
	 .devices[0].state == "up" and .devices[0].sectors == 32768'
jq_check "two targets with distinct MACs" "$J" \
	'(.devices[0].targets | length) == 2 and
	 ([.devices[0].targets[].mac] | unique | length) == 2'
jq_check "the target behind $T0 ($MAC0, bufcnt 8) answered on $I0 only" "$J" \
	--arg mac "$MAC0" --arg ifc "$I0" \
	'[.devices[0].targets[] | select(.mac == $mac)] |
	 length == 1 and .[0].interfaces == [$ifc] and .[0].bufcnt == 8'
jq_check "the target behind $T1 ($MAC1, bufcnt 4) answered on $I1 only" "$J" \
	--arg mac "$MAC1" --arg ifc "$I1" \
	'[.devices[0].targets[] | select(.mac == $mac)] |
	 length == 1 and .[0].interfaces == [$ifc] and .[0].bufcnt == 4'

# One interface only: the device has just the target on that wire.
in_ns ini "$AOE_XDP" discover --timeout 1 --json "$I1" >"$J.1" 2>>"$TMP/discover.err"
check "discover $I1 exits 0" test $? -eq 0
jq_check "on $I1 alone: e7.3 with one target, $MAC1" "$J.1" --arg mac "$MAC1" --arg ifc "$I1" \
	'(.devices | length) == 1 and (.devices[0].targets | length) == 1 and
	 .devices[0].targets[0].mac == $mac and .devices[0].targets[0].interfaces == [$ifc]'
[ "$FAILS" -gt 0 ] && { echo "--- discover stderr"; cat "$TMP/discover.err"; }
net_done
