#!/bin/bash
# One device, e4.4 (one backing file), behind two aoe-targets on two veth
# pairs: i0 <-> t0 (target A), i1 <-> t1 (target B); the daemon attaches
# to i0 and i1. The targets delay their answers a little so a 32 MiB dd
# through the FUSE file lasts a few seconds. Checks:
#   - stat: one device, two targets;
#   - while a 32 MiB write runs, both targets carry frames;
#   - kill -9 of target B mid-transfer: the write still completes, data
#     equal to what was written (read back, and in the backing file);
#   - stat: B tainted, A not; the device up, no request failed;
#   - B restarted: it rejoins (tainted false) within a bounded time and
#     carries frames again; a read of 32 MiB during which A is killed
#     completes with the right data too;
#   - A restarted and rejoined: `aoe-xdp detach i1` in the middle of a
#     16 MiB write: the write completes on i0 with the right data, the
#     daemon keeps i0 only, and nothing of it is left on i1.
. "$(dirname "$0")/iolib.sh"
io_init
need jq

MIB=32
SIZE=$((MIB * 1024 * 1024))
DEV=e4.4
REJOIN_S=5	# probes go out every 0.5 s: a restarted target answers the next one
two_wires
MAC_A=$(mac_of tgt "$T0")
MAC_B=$(mac_of tgt "$T1")
IMG=$TMP/disk.img
truncate -s "$SIZE" "$IMG"
# 32 frames of 1 KiB every 4 ms: about 8 MB/s per target.
TARGET_OPTS=(-q --bufcnt 32 --delay 4)
start_a() { target_start tgt "${TARGET_OPTS[@]}" -i "$T0" "4.4:$IMG"; PID_A=$LAST_PID; }
start_b() { target_start tgt "${TARGET_OPTS[@]}" -i "$T1" "4.4:$IMG"; PID_B=$LAST_PID; }
start_a
start_b

daemon_start ini --export fuse "$I0" "$I1" >"$TMP/attach.out" 2>&1
check "attach $I0 $I1" test $? -eq 0
F=$(fuse_file $DEV)
stat_save "$TMP/stat0.json"
jq_check "stat: one device $DEV with two targets, A ($MAC_A) and B ($MAC_B)" "$TMP/stat0.json" \
	--arg a "$MAC_A" --arg b "$MAC_B" \
	'(.devices | length) == 1 and .devices[0].name == "e4.4" and
	 ([.devices[0].targets[].mac] | sort) == ([$a, $b] | sort)'

# kill_mid NAME PID MAC: once the transfer is under way and both targets
# have carried frames, kill -9 the target.
kill_mid() {
	local name=$1 pid=$2 mac=$3 moved=$4
	wait_for 20 "$moved"
	stat_save "$TMP/before-kill-$name.json"
	jq_check "both targets carried frames before the kill of $name" \
		"$TMP/before-kill-$name.json" 'all(.devices[0].targets[]; .frames > 0)'
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	log "killed target $name ($mac, pid $pid)"
}

# only_tainted ROUND NAME DEAD-MAC LIVE-MAC: after the round, the killed
# target is tainted, the other not, the device up, no request failed.
only_tainted() {
	stat_save "$TMP/after-$1.json"
	jq_check "after the $1: $2 tainted, the other not, $DEV up, no request failed" \
		"$TMP/after-$1.json" --arg dead "$3" --arg live "$4" \
		'.devices[0] | .state == "up" and .errors == 0 and
		 (.targets[] | select(.mac == $dead) | .tainted == true) and
		 (.targets[] | select(.mac == $live) | .tainted == false)'
}

# Round 1: a write; B dies.
random_file "$TMP/data" "$MIB"
t0=$(now_ms)
bg_io put "$TMP/data" "$F"
write_8m() { written_at_least $DEV $((8 * 1024 * 1024)); }
kill_mid B "$PID_B" "$MAC_B" write_8m
check "B is tainted within 5 s of its death (A still carries the write)" \
	wait_for 5 tainted_is $DEV "$MAC_B" true
wait "$IO_PID"
check "the 32 MiB write completes (dd exits 0)" test $? -eq 0
log "write took $(($(now_ms) - t0)) ms"
only_tainted write B "$MAC_B" "$MAC_A"
same_bytes "the backing file holds what was written" "$IMG" "$TMP/data"

# B comes back.
start_b
t0=$(now_ms)
check "restarted B rejoins (tainted false) within ${REJOIN_S}s" \
	wait_for $REJOIN_S tainted_is $DEV "$MAC_B" false
log "B rejoined after $(($(now_ms) - t0)) ms"

# Round 2: a read; A dies.
frames_b=$(target_json $DEV "$MAC_B" .frames)
bg_io get "$F" "$TMP/back"
read_8m() { [ "$(dev_json $DEV .read_bytes)" -ge $((8 * 1024 * 1024)) ]; }
kill_mid A "$PID_A" "$MAC_A" read_8m
wait "$IO_PID"
check "the 32 MiB read completes (dd exits 0)" test $? -eq 0
same_bytes "read back equals what was written" "$TMP/back" "$TMP/data"
check "B carried frames of the read after it rejoined" \
	test "$(target_json $DEV "$MAC_B" .frames)" -gt "$frames_b"
only_tainted read A "$MAC_A" "$MAC_B"

# Round 3: one interface goes away in the middle of a write.
start_a
check "restarted A rejoins within ${REJOIN_S}s" wait_for $REJOIN_S tainted_is $DEV "$MAC_A" false
random_file "$TMP/data3" 16
written0=$(dev_json $DEV .write_bytes)
bg_io put "$TMP/data3" "$F"
write_4m() { written_at_least $DEV $((written0 + 4 * 1024 * 1024)); }
wait_for 20 write_4m
innet ini "$AOE_XDP" detach "$I1" >"$TMP/detach.out" 2>&1
check "aoe-xdp detach $I1 in the middle of a write exits 0" test $? -eq 0 || cat "$TMP/detach.out"
wait "$IO_PID"
check "... the 16 MiB write completes (dd exits 0)" test $? -eq 0
get "$F" "$TMP/back3" count=16
same_bytes "... read back equals what was written" "$TMP/back3" "$TMP/data3"
same_bytes "... and so does the backing file" "$IMG" "$TMP/data3" $((16 * 1024 * 1024))
stat_save "$TMP/after-detach.json"
jq_check "... the daemon keeps $I0 only, $DEV up, no request failed" "$TMP/after-detach.json" \
	--arg i0 "$I0" \
	'[.interfaces[].name] == [$i0] and .devices[0].state == "up" and .devices[0].errors == 0'
check "... no XDP program left on $I1" xdp_clear ini "$I1"
check "... no pins left for $I1" test ! -e "/sys/fs/bpf/aoe-xdp/$I1"
check "... while $I0 keeps its program" xdp_attached ini "$I0"

io_done
