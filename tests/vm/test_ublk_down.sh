#!/bin/bash
# A ublk device whose target stops answering goes down: pending and new
# I/O fail with EIO within the dead timeout (not a hang); when the target
# answers again the device comes back by itself and is served again under
# the same /dev/ublkbN, with the data intact.
# Exit: 0 pass, 77 skip (no qemu or VM kernel), 1 fail.
# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/lib.sh"

DEAD_SECONDS=4
# The pending read must fail by the dead timeout plus this (RTO, timer and
# emulation slack).
MARGIN_SECONDS=6
BACK_SECONDS=20
DATA_KIB=1024

# read_fails DEVICE: a direct read of the device's first MiB fails.
read_fails() { ! dd if="$1" of=/dev/null bs=1M count=1 iflag=direct status=none 2>/dev/null; }
# state_is STATE: stat shows the device in that state now.
state_is() { [ "$(stat_json '.devices[0].state')" = "$1" ]; }

guest() {
	local dev t0 secs state
	vm_guest_init
	truncate -s 64M "$TMP/disk"
	target_start "$T0" -q 1.1:"$TMP/disk"
	check "attach" attach --dead-timeout "$DEAD_SECONDS" --rto-max-ms 1000 --timeout 2 "$I0"
	check "e1.1 exported over ublk" wait_for 10 ublk_exported e1.1
	dev=$(ublk_of e1.1)
	random_file "$TMP/data" "$DATA_KIB"
	check "write before the stall" dd if="$TMP/data" of="$dev" bs=64k oflag=direct status=none

	kill -STOP "$TARGET_PID"
	t0=$(date +%s%N)
	read_fails "$dev"
	check "a read pending on the silent target fails" test $? -eq 0
	secs=$((($(date +%s%N) - t0) / 1000000000))
	log "the pending read failed after ${secs} s (dead timeout ${DEAD_SECONDS} s)"
	check "... within the dead timeout + ${MARGIN_SECONDS} s" test "$secs" -le $((DEAD_SECONDS + MARGIN_SECONDS))
	state=$(stat_json '.devices[0].state')
	check "stat says down ($state)" test "$state" = down
	t0=$(date +%s%N)
	read_fails "$dev"
	check "new I/O on the down device fails" test $? -eq 0
	secs=$((($(date +%s%N) - t0) / 1000000))
	check "... at once (${secs} ms)" test "$secs" -lt 2000

	kill -CONT "$TARGET_PID"
	check "the device comes back up by itself" wait_for "$BACK_SECONDS" state_is up
	check "under the same block device" test "$(ublk_of e1.1)" = "$dev"
	check "and serves the data written before" \
		sh -c "dd if='$dev' bs=64k count=$((DATA_KIB / 64)) iflag=direct status=none | cmp - '$TMP/data'"
	check "and takes new writes" dd if="$TMP/data" of="$dev" bs=64k seek=64 oflag=direct status=none
	detach_checked "end" "$dev"
	vm_done
}

vm_main 240 "$VM_UBLK_MODULES"
