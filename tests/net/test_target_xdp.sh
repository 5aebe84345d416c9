#!/bin/bash
# aoe-target --io xdp (AF_XDP, copy mode, its own UMEM and XDP program):
# at MTU 1500 (e2.1) and 9000 (e2.2, whose 17-sector writes and answers
# span three UMEM chunks each way), on two veth pairs, one daemon with the
# FUSE export:
#   - discover finds both with the payload their MTU allows;
#   - 8 MiB written and read back through each equal the data, and the
#     target's backing file equals it too;
#   - each target exits 0 on SIGTERM and says it answered over AF_XDP,
#     with its rate.
. "$(dirname "$0")/iolib.sh"
io_init
need jq cmp

ns_add ini
ns_add tgt
case_wire a && IA=$WIRE_I TA=$WIRE_T
case_wire j 9000 && IJ=$WIRE_I TJ=$WIRE_T
truncate -s 16M "$TMP/e2.1.img" "$TMP/e2.2.img"
target_start tgt --io xdp -i "$TA" "2.1:$TMP/e2.1.img"
PA=$LAST_PID LA=$LAST_LOG
target_start tgt --io xdp -i "$TJ" "2.2:$TMP/e2.2.img"
PJ=$LAST_PID LJ=$LAST_LOG

innet ini "$AOE_XDP" discover --timeout 2 --json "$IA" "$IJ" >"$TMP/discover.json" 2>"$TMP/discover.err"
check "discover through both AF_XDP targets exits 0" test $? -eq 0 || cat "$TMP/discover.err"
jq_check "... finds e2.1 with 1024 bytes a frame and e2.2 with 8704" "$TMP/discover.json" \
	'[.devices[] | {(.name): .payload}] | add == {"e2.1": 1024, "e2.2": 8704}'

daemon_start ini --export fuse "$IA" "$IJ" >"$TMP/attach.out" 2>&1
check "attach $IA $IJ" test $? -eq 0 || cat "$TMP/attach.out"
for dev in e2.1 e2.2; do
	random_file "$TMP/$dev.data" 8
	check "[$dev] write 8 MiB" put "$TMP/$dev.data" "$(fuse_file "$dev")"
	check "[$dev] read it back" get "$(fuse_file "$dev")" "$TMP/$dev.back" count=8
	same_bytes "[$dev] read back equals what was written" "$TMP/$dev.back" "$TMP/$dev.data"
	same_bytes "[$dev] the backing file equals it" "$TMP/$dev.img" "$TMP/$dev.data" $((8 << 20))
done
daemon_stop

# stopped NAME PID LOG: SIGTERM, exit 0, the rate line names AF_XDP.
stopped() {
	kill -TERM "$2"
	wait "$2"
	check "[$1] aoe-target exits 0 on SIGTERM" test $? -eq 0
	check "[$1] ... and says how many answers it sent over AF_XDP, and how fast" \
		grep -Eq 'exiting: [1-9][0-9]* answers sent \(AF_XDP\), [1-9][0-9]* a second' "$3"
	grep exiting "$3"
}
stopped e2.1 "$PA" "$LA"
stopped e2.2 "$PJ" "$LJ"
io_done
