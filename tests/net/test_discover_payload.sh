#!/bin/bash
# The payload per frame follows the MTU. For each device:
#   payload = 512 * min(interface sectors, target max_sectors)
# where
#   interface sectors = (MTU + 14 - 36) / 512: the MTU counts from after
#     the 14-byte Ethernet header and the AoE+ATA headers take 36 bytes of
#     the frame including it, so (MTU - 22) / 512;
#   target max_sectors = what vblade advertises in its config answer, which
#     it computes as (its own MTU - 36) / 512 (it counts the Ethernet header
#     against the MTU, one sector short sometimes, never too long);
# A jumbo frame spans several 4 KiB UMEM chunks (multi-buffer AF_XDP,
# XDP_USE_SG): both kernels here have it, so one chunk is no limit. (Without
# it the cap would be 7 sectors, (3840 - 36) / 512.)
# Each case is its own veth pair and vblade, all found by one discover.
. "$(dirname "$0")/lib.sh"
net_init
need vblade jq

ns_add ini
ns_add tgt

# name initiator-MTU target-MTU slot max_sectors payload why
CASES=(
	"a 1500 1500 1 2 1024 the classic: 2 sectors both ways"
	"b 3000 3000 2 5 2560 MTU 3000 on both ends: vblade offers 5, the interface carries 5"
	"c 3000 1500 3 2 1024 the target's 2 sectors are the limit"
	"d 1500 3000 4 5 1024 the initiator's MTU is the limit though vblade offers 5"
	"e 9000 9000 5 17 8704 jumbo: vblade offers 17, multi-buffer AF_XDP carries 17"
	"f 1046 9000 6 17 1024 MTU 1046 = 10 AoE + 12 ATA + 1024 data bytes: exactly 2 sectors"
	"g 1045 9000 7 17 512 one byte less and only 1 sector fits"
)
IFS_LIST=()
for c in "${CASES[@]}"; do
	read -r name imtu tmtu slot _ <<<"$c"
	case_wire "$name" "$imtu" "$tmtu"
	IFS_LIST+=("$WIRE_I")
	truncate -s 1M "$TMP/$name.img"
	vblade_start tgt 9 "$slot" "$WIRE_T" "$TMP/$name.img"
done

J=$TMP/discover.json
in_ns ini "$AOE_XDP" discover --timeout 1 --json "${IFS_LIST[@]}" >"$J" 2>"$TMP/discover.err"
check "discover on ${#CASES[@]} interfaces exits 0" test $? -eq 0
jq_check "${#CASES[@]} devices" "$J" --argjson n ${#CASES[@]} '(.devices | length) == $n'
for c in "${CASES[@]}"; do
	read -r name imtu tmtu slot scnt payload why <<<"$c"
	jq_check "MTU $imtu/$tmtu: max_sectors $scnt, payload $payload ($why)" "$J" \
		--arg name "e9.$slot" --argjson scnt "$scnt" --argjson payload "$payload" \
		'.devices[] | select(.name == $name) | .state == "up" and
		 .targets[0].max_sectors == $scnt and .payload == $payload'
done
[ "$FAILS" -gt 0 ] && { echo "--- discover stderr"; cat "$TMP/discover.err"; }
net_done
