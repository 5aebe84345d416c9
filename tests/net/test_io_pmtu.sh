#!/bin/bash
# A jumbo black hole: the initiator and aoe-target at MTU 9000, a bridge
# (in a namespace of its own) between them whose port towards the
# initiator is at 1500. Config answers and IDENTIFY pass, 17-sector frames
# vanish without a word. Checks:
#   - writes and reads through FUSE across it complete and read back the
#     same, the device up throughout, no request failed;
#   - the path fell back to 2 sectors per frame (stat: sectors, the
#     learned cap, its falls), said once per size in the log;
#   - a second path to the same target through a 9000 port keeps its 17
#     sectors while the first keeps its 2: each path learns on its own.
. "$(dirname "$0")/iolib.sh"
io_init
need jq
# shellcheck disable=SC2034 # read by put and get (iolib.sh)
STEP_TIMEOUT=25

ns_add ini
ns_add br
ns_add tgt
I0=$(uniq_if i0)
B0=$(uniq_if b0)
T0=$(uniq_if t0)
B1=$(uniq_if b1)
BR=$(uniq_if br)
veth_pair ini "$I0" br "$B0" 9000 1500
veth_pair tgt "$T0" br "$B1" 9000
ip -n "$P-br" link add "$BR" type bridge || exit 1
no_ipv6 br "$BR"
ip -n "$P-br" link set "$B0" master "$BR"
ip -n "$P-br" link set "$B1" master "$BR"
ip -n "$P-br" link set "$BR" up
# The bridge takes the smallest MTU of its ports for itself; a port keeps
# its own, and frames bigger than it are dropped there.
check "the bridge port towards $I0 is at 1500" \
	test "$(ip -n "$P-br" -o link show "$B0" | sed -n 's/.* mtu \([0-9]*\) .*/\1/p')" = 1500

truncate -s 32M "$TMP/disk.img"
target_start tgt -q -i "$T0" "3.1:$TMP/disk.img"
TMAC=$(mac_of tgt "$T0")
daemon_start ini --export fuse "$I0" >"$TMP/attach.out" 2>&1
check "attach $I0 with --export fuse" test $? -eq 0
cat "$TMP/attach.out"
F=$(fuse_file e3.1)

# path_json IFACE FILTER: FILTER on the target's path through IFACE.
path_json() { target_json e3.1 "$TMAC" ".paths[] | select(.interface == \"$1\") | $2"; }
check "17 sectors per frame on $I0 to begin with (its config answer passed)" \
	test "$(path_json "$I0" .sectors)" = 17

random_file "$TMP/w1" 8
check "write 8 MiB across the black hole" put "$TMP/w1" "$F"
check "read it back" get "$F" "$TMP/r1" count=8
same_bytes "... equal to what was written" "$TMP/r1" "$TMP/w1"
devices_fine 1
check "the device never went down" not grep -q "e3.1: down" "$AOE_XDP_RUN_DIR/aoe-xdp.log"
stat_save "$TMP/stat1.json"
jq_check "the path through $I0 fell back to 2 sectors per frame (1 or 2 falls)" \
	"$TMP/stat1.json" --arg i "$I0" \
	'.devices[0].targets[0].paths[] | select(.interface == $i) |
	 .sectors == 2 and .pmtu_sectors == 2 and .pmtu_falls >= 1 and .pmtu_falls <= 2'
check "the log says so once per size" \
	test "$(grep -c 'vanish on the way' "$AOE_XDP_RUN_DIR/aoe-xdp.log")" -le 2
grep 'vanish on the way' "$AOE_XDP_RUN_DIR/aoe-xdp.log"

# A second way to the target, through a 9000 port of the same bridge.
I1=$(uniq_if i1)
B2=$(uniq_if b2)
veth_pair ini "$I1" br "$B2" 9000
ip -n "$P-br" link set "$B2" master "$BR"
innet ini "$AOE_XDP" attach --export fuse "$I1" >"$TMP/attach1.out" 2>&1
check "a second 'attach $I1' adds it" test $? -eq 0 || cat "$TMP/attach1.out"
on_two_paths() { [ "$(target_json e3.1 "$TMAC" '.paths | length')" = 2 ]; }
check "the target is reached on both" wait_for 10 on_two_paths
random_file "$TMP/w2" 8
check "write 8 MiB over both paths" put "$TMP/w2" "$F"
check "read it back" get "$F" "$TMP/r2" count=8
same_bytes "... equal to what was written" "$TMP/r2" "$TMP/w2"
devices_fine 1
stat_save "$TMP/stat2.json"
jq_check "$I1 keeps 17 sectors and never fell back; $I0 stays at 2" "$TMP/stat2.json" \
	--arg i0 "$I0" --arg i1 "$I1" \
	'.devices[0].targets[0].paths as $p |
	 ($p[] | select(.interface == $i1) | .sectors == 17 and .pmtu_falls == 0) and
	 ($p[] | select(.interface == $i0) | .sectors == 2)'
check "frames went out on $I1" test "$(path_json "$I1" .sectors)" = 17
io_done
