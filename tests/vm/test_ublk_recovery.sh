#!/bin/bash
# A daemon killed with SIGKILL in the middle of a verified fio write load,
# then `aoe-xdp attach` again on the same interface: the new daemon takes
# the quiesced /dev/ublkbN back (USER_RECOVERY_REISSUE), the held I/O is
# reissued, fio ends without an I/O error and its verification passes;
# `stat` and the by-aoe link show the same /dev/ublkbN as before. Twice:
# on the raw device, and on a file in ext4 (umount and fsck -fn clean
# afterwards).
# Exit: 0 pass, 77 skip (no qemu or VM kernel), 1 fail.
# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/lib.sh"

DISK_MIB=64
LOAD_MIB=8		# written by fio, 4 KiB blocks at QD16
LOAD_IOPS=400		# about 5 s of writes: the kill lands in the middle
KILL_AFTER_BYTES=$((1 << 20))	# written by fio before the kill
DISCOVER_SECONDS=2
FIO_SECONDS=90		# fio must be done this long after the new attach

# Bytes written to DEV so far, from the block layer's counters: cheap to
# read (aoe-xdp stat takes a second or more under emulation).
bdev_written() { # dev
	local f
	read -ra f <"/sys/block/${1#/dev/}/stat"
	echo $((f[6] * 512))
}
# wrote_enough DEV SINCE: fio wrote KILL_AFTER_BYTES since SINCE bytes.
wrote_enough() { [ $(($(bdev_written "$1") - $2)) -ge $KILL_AFTER_BYTES ]; }

# fio_load_start DEV FILE: the verified write load on FILE (on DEV), in the
# background; LOAD_BASE is what DEV had written before.
fio_load_start() {
	LOAD_BASE=$(bdev_written "$1")
	shift
	FIO_OUT=$TMP/fio-$RANDOM.json
	fio --name=load --filename="$1" --size=${LOAD_MIB}M --direct=1 --ioengine=io_uring \
		--iodepth=16 --rw=randwrite --bs=4k --rate_iops=$LOAD_IOPS \
		--verify=crc32c --verify_fatal=1 --do_verify=1 --verify_state_save=0 \
		--output-format=json --output="$FIO_OUT" 2>"$FIO_OUT.err" &
	FIO_PID=$!
	PIDS+=("$FIO_PID")
}

fio_load_passed() {
	wait "$FIO_PID"
	fio_passed $? "$FIO_OUT" "$FIO_OUT.err" $LOAD_MIB
}

# kill_and_recover WHO DEV: kill -9 the daemon mid-load and attach again.
kill_and_recover() {
	local who=$1 dev=$2 old_pid=$DAEMON_PID written
	check "$who: fio wrote ${KILL_AFTER_BYTES} bytes" wait_for 30 wrote_enough "$dev" "$LOAD_BASE"
	kill -9 "$old_pid"
	written=$(($(bdev_written "$dev") - LOAD_BASE))
	check "$who: the kill landed in fio's write phase ($written of $((LOAD_MIB << 20)) bytes written)" \
		test $written -lt $((LOAD_MIB << 20))
	check "$who: the daemon is gone after SIGKILL" wait_for 5 daemon_gone "$old_pid"
	check "$who: fio is still running (its I/O waits, it did not fail)" running "$FIO_PID"
	check "$who: $dev is still there" test -b "$dev"
	sleep 1
	check "$who: fio still waits a second later" running "$FIO_PID"
	check "$who: attach again takes the device back" attach --timeout $DISCOVER_SECONDS "$I0"
	check "$who: a new daemon runs" test "$DAEMON_PID" != "$old_pid"
	check "$who: stat shows the same $dev" test "$(export_of e1.1)" = "$dev"
	check "$who: by-aoe/e1.1 still names $dev" test "$(ublk_of e1.1)" = "$dev"
	check "$who: fio finishes" wait_for $FIO_SECONDS not running "$FIO_PID"
	check "$who: fio saw no I/O error and its verification passed" fio_load_passed
	check "$who: no I/O errors on $dev in the kernel log" no_io_errors_on "$dev"
}

raw_round() {
	local dev
	klog_mark
	check "raw: attach" attach --timeout $DISCOVER_SECONDS "$I0"
	dev=$(ublk_of e1.1)
	is_ublk "$dev" || { fail "raw: no /dev/ublkbN; round skipped"; return; }
	klog_mark
	fio_load_start "$dev" "$dev"
	kill_and_recover raw "$dev"
	detach_checked raw "$dev"
}

mkfs_mount() { mkfs.ext4 -q -F "$1" && mount_dev "$1" "$2"; }

fs_round() {
	local dev mnt=$TMP/mnt
	klog_mark
	check "ext4: attach" attach --timeout $DISCOVER_SECONDS "$I0"
	dev=$(ublk_of e1.1)
	is_ublk "$dev" || { fail "ext4: no /dev/ublkbN; round skipped"; return; }
	check "ext4: mkfs.ext4 and mount" mkfs_mount "$dev" "$mnt"
	klog_mark
	fio_load_start "$dev" "$mnt/load"
	kill_and_recover ext4 "$dev"
	check "ext4: umount" umount "$mnt"
	check "ext4: fsck.ext4 -fn is clean" fsck_clean "$dev"
	detach_checked ext4 "$dev"
}

guest() {
	vm_guest_init
	need fio
	truncate -s ${DISK_MIB}M "$TMP/target.img"
	target_start "$T0" 1.1:"$TMP/target.img"
	raw_round
	fs_round
	vm_done
}

vm_main 170 "$VM_UBLK_MODULES"
