#!/bin/bash
# ext4 with an fsync-heavy load over targets with real targets' quirks
# (issue 9; README: compatibility). Four aoe-targets on one wire, each its
# own disk, each with the quirks of a target surveyed:
#   e1.1 flush-echo (ggaoed), scnt-echo, lba-advance, no-pad, err-hdr-only
#   e2.1 flush-abort (Plan 9 vblade, ATA level)
#   e3.1 flush-badarg (Plan 9 vblade, AoE level)
#   e4.1 flush-status0 and flush-ext-abort (vblade 25)
# For each: mkfs.ext4, mount, fio with --fsync=1 and verify on files while
# a loop syncs the filesystem, umount, fsck -fn clean, and the device reads
# back exactly its backing file; no request failed. Then stat: e1.1's
# target shows the flush-status-echo quirk and its flushes were sent; the
# targets of e2.1 and e3.1 refused FLUSH: marked, and their flushes
# completed unsent (there is no other target), counted; e4.1's flushes
# were sent and taken as done.
# Exit: 0 pass, 77 skip (no qemu or VM kernel), 1 fail.
# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/lib.sh"

DISK_MIB=32
FIO_MIB=1	# per job, two jobs per device: 512 writes, each followed by fsync
declare -A QUIRKS=(
	[1]="--quirk flush-echo --quirk scnt-echo --quirk lba-advance --quirk no-pad --quirk err-hdr-only"
	[2]="--quirk flush-abort"
	[3]="--quirk flush-badarg"
	[4]="--quirk flush-status0 --quirk flush-ext-abort"
)

dev_json() { stat_json ".devices[] | select(.name == \"$1\") | $2"; }

# load NAME: mkfs, mount, fio --fsync=1 with a sync loop, umount, fsck.
load() {
	local name=$1 dev mnt=$TMP/mnt-$1 sync_pid rc
	dev=$(ublk_of "$name")
	check "$name: mkfs.ext4" mkfs.ext4 -q -F "$dev"
	check "$name: mount" mount_dev "$dev" "$mnt" || return
	(while :; do sync -f "$mnt"; sleep 0.2; done) &
	sync_pid=$!
	fio --name=fsync --directory="$mnt" --numjobs=2 --size=${FIO_MIB}M --bs=4k \
		--rw=randwrite --fsync=1 --verify=crc32c --verify_fatal=1 \
		--output-format=json --output="$TMP/$name.fio.json" >"$TMP/$name.fio.err" 2>&1
	rc=$?
	kill "$sync_pid"
	wait "$sync_pid" 2>/dev/null
	check "$name: fio --fsync=1 with verify passes" test "$rc" = 0 ||
		sed 's/^/    /' "$TMP/$name.fio.err" | head -n 8
	check "$name: umount" umount "$mnt"
	check "$name: fsck.ext4 -fn is clean" fsck_clean "$dev"
	check "$name: $dev reads back exactly its backing file" same_data "$dev" "$TMP/disk$2.img"
	check "$name: no request failed" test "$(dev_json "$name" .errors)" = 0
}

declare -A TPIDS=()
dev_up() { [ "$(dev_json "$1" .state)" = up ]; }
refused() { [ "$(dev_json "$1" '.targets[0].identity')" = refused ]; }

# revalidate_bigger NAME SHELF: the target restarted on a disk twice the
# size is refused (the device goes down); `aoe-xdp revalidate` accepts it:
# up again, I/O works, and since this kernel cannot resize a live ublk
# device (UPDATE_SIZE came with 6.16) it keeps its size and the log says
# how to re-create it.
revalidate_bigger() {
	local name=$1 shelf=$2 dev pid
	dev=$(ublk_of "$name")
	pid=${TPIDS[$shelf]}
	kill "$pid"
	wait "$pid" 2>/dev/null
	truncate -s $((2 * DISK_MIB))M "$TMP/disk$shelf.img"
	target_start "$T0" -q "$shelf.1:$TMP/disk$shelf.img"
	check "$name: the target on a bigger disk is refused" wait_for 10 refused "$name"
	check "$name: revalidate" "$AOE_XDP" revalidate "$name"
	check "$name: up again" dev_up "$name"
	check "$name: $dev still has its old size" \
		test "$(blockdev --getsize64 "$dev")" = $((DISK_MIB << 20))
	check "$name: the log says how to use the new size" \
		grep -q "$name: the disk is now $((2 * DISK_MIB << 20)) bytes.*detach --all" \
		"$AOE_XDP_RUN_DIR/aoe-xdp.log"
	check "$name: I/O works" dd if="$dev" of=/dev/null bs=64k count=16 iflag=direct status=none
}

guest() {
	local s
	vm_guest_init
	for s in 1 2 3 4; do
		truncate -s ${DISK_MIB}M "$TMP/disk$s.img"
		# shellcheck disable=SC2086 # the quirk options are words
		target_start "$T0" -q ${QUIRKS[$s]} "$s.1:$TMP/disk$s.img"
		TPIDS[$s]=$TARGET_PID
	done
	check "attach" attach --timeout 3 "$I0"
	for s in 1 2 3 4; do
		check "e$s.1 exported over ublk" wait_for 10 ublk_exported "e$s.1"
	done
	for s in 1 2 3 4; do
		load "e$s.1" "$s"
	done
	check "e1.1: its target shows flush-status-echo" \
		test "$(dev_json e1.1 '.targets[0].quirks | any(.[]; . == "flush-status-echo")')" = true
	check "e1.1: flushes were sent ($(dev_json e1.1 .flushes)), none unsent" \
		test "$(dev_json e1.1 '.flushes > 0 and .flushes_unsent == 0')" = true
	for s in 2 3; do
		check "e$s.1: its target refused FLUSH: marked no_flush, flush-abort" \
			test "$(dev_json "e$s.1" '.targets[0] | .no_flush and (.quirks | any(.[]; . == "flush-abort"))')" = true
		check "e$s.1: its flushes completed unsent ($(dev_json "e$s.1" .flushes_unsent))" \
			test "$(dev_json "e$s.1" '.flushes_unsent > 0')" = true
	done
	check "e4.1: flushes were sent and taken as done, no quirk needed" \
		test "$(dev_json e4.1 '.flushes > 0 and .flushes_unsent == 0 and (.targets[0].quirks | length) == 0')" = true
	revalidate_bigger e4.1 4
	check "detach --all" "$AOE_XDP" detach --all
	vm_done
}

vm_main 420 "$VM_UBLK_MODULES"
