#!/bin/bash
# discover with several vblade targets on one veth pair: every device is
# reported once, with the shelf.slot, capacity, buffer count and MAC its
# vblade has, on the initiator's interface, sorted by shelf then slot.
. "$(dirname "$0")/lib.sh"
net_init
need vblade jq

one_wire
TMAC=$(mac_of tgt "$T0")

# shelf slot size-in-bytes bufcnt ("" = vblade's default of 16). Started in
# this (unsorted) order; the sizes cover whole MiB, a multiple of 512 that
# is not one of 1 MiB, and a sparse disk past LBA28 (2^28 sectors = 128 GiB)
# whose capacity only the 48-bit IDENTIFY words can carry.
DISKS=(
	"3 0 $((200 << 30)) 64"
	"1 10 $((10000 * 512)) 4"
	"65534 254 $((8 << 20)) 2"
	"0 5 $((8 << 20)) ''"
	"1 2 $((64 << 20)) 1"
)
for d in "${DISKS[@]}"; do
	read -r shelf slot bytes bufcnt <<<"$d"
	f=$TMP/e$shelf.$slot.img
	truncate -s "$bytes" "$f"
	opts=()
	[ "$bufcnt" = "''" ] || opts=(-b "$bufcnt")
	vblade_start tgt "${opts[@]}" "$shelf" "$slot" "$T0" "$f"
done

J=$TMP/discover.json
in_ns ini "$AOE_XDP" discover --timeout 1 --json "$I0" >"$J" 2>"$TMP/discover.err"
check "discover --json exits 0" test $? -eq 0
jq_check "output is one JSON document with a devices array" "$J" '.devices | type == "array"'
jq_check "${#DISKS[@]} devices, each reported once" "$J" \
	--argjson n ${#DISKS[@]} '(.devices | length) == $n and ([.devices[].name] | unique | length) == $n'
jq_check "sorted by shelf, then slot (numerically: 1.2 before 1.10)" "$J" \
	'[.devices[] | [.shelf, .slot]] as $k | $k == ($k | sort) and ($k | length) > 1'

for d in "${DISKS[@]}"; do
	read -r shelf slot bytes bufcnt <<<"$d"
	[ "$bufcnt" = "''" ] && bufcnt=16
	jq_check "e$shelf.$slot: name, state, capacity, lba48, payload 1024 at MTU 1500" "$J" \
		--arg name "e$shelf.$slot" --argjson shelf "$shelf" --argjson slot "$slot" \
		--argjson bytes "$bytes" \
		'.devices[] | select(.name == $name) | .shelf == $shelf and .slot == $slot and
		 .state == "up" and (has("error") | not) and .sectors == $bytes / 512 and
		 .bytes == $bytes and .lba48 == true and .payload == 1024'
	jq_check "e$shelf.$slot: one target, vblade's MAC and bufcnt $bufcnt, on $I0" "$J" \
		--arg name "e$shelf.$slot" --arg mac "$TMAC" --arg ifc "$I0" \
		--argjson bufcnt "$bufcnt" \
		'.devices[] | select(.name == $name) | (.targets | length) == 1 and
		 .targets[0].mac == $mac and .targets[0].bufcnt == $bufcnt and
		 .targets[0].max_sectors == 2 and .targets[0].interfaces == [$ifc]'
done

# Generic (skb) mode sees the same wire: the same report, byte for byte.
in_ns ini "$AOE_XDP" discover --timeout 1 --json --mode skb "$I0" >"$J.skb" 2>>"$TMP/discover.err"
check "discover --mode skb exits 0" test $? -eq 0
check "--mode skb reports exactly what native mode did" cmp -s "$J" "$J.skb"
check "  ... and it did attach in skb mode" grep -q "attached aoe_xdp_rx to $I0 in skb mode" "$TMP/discover.err"

# The text form names the same devices, in the same order, one block each.
T=$TMP/discover.txt
in_ns ini "$AOE_XDP" discover --timeout 1 "$I0" >"$T" 2>>"$TMP/discover.err"
check "discover (text) exits 0" test $? -eq 0
check "text form lists the devices in the JSON's order" \
	test "$(grep -o '^e[0-9]*\.[0-9]*' "$T" | tr '\n' ' ')" = "$(jq -r '[.devices[].name] | join(" ") + " "' "$J")"
check "text form shows each target's MAC and interface" \
	test "$(grep -c "target $TMAC bufcnt [0-9]* on $I0\$" "$T")" -eq ${#DISKS[@]}
if [ "$FAILS" -gt 0 ]; then
	echo "--- discover stderr"; cat "$TMP/discover.err"
	echo "--- text output"; cat "$T"
fi
net_done
