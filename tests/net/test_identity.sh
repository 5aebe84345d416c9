#!/bin/bash
# A device keeps its disk's identity (issue 9). e1.1 is served by aoe-target
# A on i0 <-> t0; the daemon uses it through the FUSE export.
#   - A restarted on a disk of another size, with another serial, without
#     FLUSH support: each time the restarted A is refused (it announces
#     itself as it starts: no I/O has to fail first), the device goes down,
#     its I/O fails with EIO at once, and stat says what differs; A
#     restarted on the old disk is accepted again and the data is there.
#   - After the dead timeout (A gone, I/O pending), A comes back on another
#     disk: the device stays down.
#   - `aoe-xdp revalidate e1.1` accepts the new disk: up, the FUSE file has
#     the new size.
#   - A stranger B on a second wire answers config for e1.1 with another
#     serial: it is refused and gets no read or write, while the device keeps
#     working on A.
. "$(dirname "$0")/iolib.sh"
io_init
need jq

DEV=e1.1
IMG=$TMP/disk.img
truncate -s 8M "$IMG"
two_wires
MAC_A=$(mac_of tgt "$T0")
MAC_B=$(mac_of tgt "$T1")

start_a() { target_start tgt -q -i "$T0" "$@"; PID_A=$LAST_PID; }
stop_a() { kill "$PID_A"; wait "$PID_A" 2>/dev/null; }

# refused_for WHAT: A is refused and what differs names WHAT.
refused_for() {
	[ "$(target_json $DEV "$MAC_A" .identity)" = refused ] &&
		target_json $DEV "$MAC_A" .refused | grep -q -- "$1"
}
read_fails() { ! dd if="$F" of=/dev/null bs=4k count=1 iflag=direct status=none 2>/dev/null; }
read_back_ok() { dd if="$F" bs=1M count=1 iflag=direct status=none | cmp -s - "$TMP/data"; }

start_a "1.1:$IMG"
daemon_start ini --export fuse --dead-timeout 3 "$I0" "$I1" >"$TMP/attach.out" 2>&1
check "attach" test $? -eq 0
F=$(fuse_file $DEV)
random_file "$TMP/data" 1
check "write 1 MiB" put "$TMP/data" "$F"

# restarted_as LABEL WHAT [aoe-target options...] BACKING: A comes back as
# another disk; it is refused for WHAT; then the right disk again.
restarted_as() {
	local label=$1 what=$2 t0 ms
	shift 2
	stop_a
	start_a "$@"
	check "[$label] the restarted A is refused for its $what" wait_for 5 refused_for "$what"
	check "[$label] ... the device is down" wait_for 5 dev_state $DEV down
	check "[$label] ... stat says why" \
		sh -c "timeout 5 '$AOE_XDP' stat --json | jq -r '.devices[0].error' | grep -q '$what'"
	t0=$(now_ms)
	read_fails
	check "[$label] ... a read fails" test $? -eq 0
	ms=$(($(now_ms) - t0))
	check "[$label] ... at once (${ms} ms)" test "$ms" -lt 1000
	stop_a
	start_a "1.1:$IMG"
	check "[$label] A on the old disk is accepted again" wait_for 10 dev_state $DEV up
	check "[$label] ... and the data is there" read_back_ok
}
restarted_as size sectors 1.1:ram:16M
restarted_as serial serial --serial OTHER-SERIAL "1.1:$IMG"
restarted_as flush flush --no-flush "1.1:$IMG"

# After the dead timeout: gone with a read pending, back as another disk.
stop_a
read_fails
check "a read while A is gone fails (dead timeout 3 s)" test $? -eq 0
check "... the device is down" dev_state $DEV down
start_a --serial REPLACED "1.1:$IMG"
check "A back on another disk: refused" wait_for 10 refused_for serial
check "... the device stays down" not wait_for 3 dev_state $DEV up

# revalidate: the new disk on purpose (another size, to see the export follow).
stop_a
start_a 1.1:ram:16M
wait_for 5 refused_for sectors
innet ini "$AOE_XDP" revalidate $DEV >"$TMP/revalidate.out" 2>&1
check "aoe-xdp revalidate $DEV exits 0" test $? -eq 0 || cat "$TMP/revalidate.out"
check "... the device is up" dev_state $DEV up
check "... A is accepted" test "$(target_json $DEV "$MAC_A" .identity)" = ok
check "... the FUSE file has the new size" test "$(stat -c %s "$F")" = $((16 * 1024 * 1024))
check "... and takes writes" put "$TMP/data" "$F"
check "... that read back" read_back_ok

# A stranger answers for e1.1 on the second wire.
target_start tgt -q -i "$T1" --serial STRANGER --stats-file "$TMP/b.json" 1.1:ram:16M
PID_B=$LAST_PID
stranger_refused() { [ "$(target_json $DEV "$MAC_B" .identity)" = refused ]; }
innet ini "$AOE_XDP" discover "$I0" >/dev/null 2>&1	# B answers this query
check "a stranger B answering for $DEV is refused" wait_for 10 stranger_refused
check "... stat says its serial differs" \
	sh -c "timeout 5 '$AOE_XDP' stat --json | jq -r '.devices[0].targets[] | select(.mac == \"$MAC_B\") | .refused' | grep -q serial"
random_file "$TMP/data" 4
check "... the device keeps working on A: write 4 MiB" put "$TMP/data" "$F"
check "... and read it back" sh -c "dd if='$F' bs=1M count=4 iflag=direct status=none | cmp -s - '$TMP/data'"
kill "$PID_B"
wait "$PID_B" 2>/dev/null
check "... B was asked IDENTIFY only: no read, no write" \
	jq -e '.requests.ata_read == 0 and .requests.ata_write == 0 and .requests.ata_identify > 0' "$TMP/b.json"

if [ "$FAILS" -gt 0 ]; then
	echo "--- daemon log"; tail -n 40 "$AOE_XDP_RUN_DIR/aoe-xdp.log"
	echo "--- stat"; "$AOE_XDP" stat
fi
net_done
