#!/bin/bash
# aoe-xdp and the kernel's aoe driver on one AoE disk (aoe-target,
# file-backed):
# 1. what aoe-xdp writes through /dev/ublkbN, the kernel driver reads back
#    through /dev/etherd/e1.1 (aoe-xdp detached first);
# 2. the kernel driver alone, served by aoe-target: mkfs.ext4, mount, write
#    files, umount, fsck.ext4 -fn clean, files intact after a remount;
# 3. both on the same interface at once: aoe-xdp's XDP program passes the
#    kernel's responses (tag bit 31 clear) to the kernel and keeps its own;
#    each side reads what the other wrote, reads in parallel agree with the
#    disk, the kernel driver still works after aoe-xdp detaches.
# Exit: 0 pass, 77 skip (no qemu or VM kernel), 1 fail.
# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/lib.sh"

DISK_MIB=32
PATTERN_KIB=4096
DISCOVER_SECONDS=2
KERNEL_DISCOVER_SECONDS=20
KDEV=/dev/etherd/e1.1

# The kernel driver: load it for one interface, wait for the disk.
kernel_aoe_start() {
	modprobe aoe aoe_iflist="$I0" || return 1
	wait_kernel_disk $KDEV $KERNEL_DISCOVER_SECONDS
}

kernel_size_is() { [ "$(blockdev --getsize64 $KDEV)" = $((DISK_MIB << 20)) ]; }

files_written() { # dir
	random_file "$1/a" 1024 && random_file "$1/b" 300 && mkdir "$1/d" && cp "$1/a" "$1/d/a2" &&
		(cd "$1" && find . -type f | sort | xargs sha256sum) >"$TMP/kernel-fs.sums"
}
files_intact() { (cd "$1" && sha256sum --quiet -c "$TMP/kernel-fs.sums"); }

# 1. aoe-xdp writes, the kernel driver reads.
ublk_then_kernel() {
	local dev
	check "1: aoe-xdp attach exports e1.1" attach --timeout $DISCOVER_SECONDS "$I0"
	dev=$(ublk_of e1.1)
	is_ublk "$dev" || { fail "1: no /dev/ublkbN; part skipped"; daemon_stop; return; }
	check "1: write $PATTERN_KIB KiB through $dev at 1 MiB" write_at "$dev" "$TMP/p1" 1024
	check "1: $dev reads it back" same_at "$dev" "$TMP/p1" 1024
	detach_checked 1 "$dev"
	check "1: the kernel driver finds $KDEV" kernel_aoe_start
	check "1: $KDEV has the disk's size" kernel_size_is
	check "1: $KDEV reads back what aoe-xdp wrote" same_at $KDEV "$TMP/p1" 1024
	check "1: all of $KDEV equals the backing file" same_data $KDEV "$TMP/disk.img"
}

# 2. The kernel driver alone, with a filesystem.
kernel_fs() {
	local mnt=$TMP/kmnt
	check "2: mkfs.ext4 $KDEV" mkfs.ext4 -q -F $KDEV
	check "2: mount $KDEV" mount_dev $KDEV "$mnt"
	check "2: write files" files_written "$mnt"
	check "2: umount" umount "$mnt"
	check "2: fsck.ext4 -fn is clean" fsck_clean $KDEV
	check "2: remount" mount_dev $KDEV "$mnt"
	check "2: the files' checksums match" files_intact "$mnt"
	check "2: umount again" umount "$mnt"
}

# parallel_reads DEV1 DEV2: both whole devices read at once, each equal to
# the backing file.
parallel_reads() {
	local a b
	same_data "$1" "$TMP/disk.img" &
	a=$!
	same_data "$2" "$TMP/disk.img" &
	b=$!
	wait $a && wait $b
}

xdp_count() { stat_json ".interfaces[0].xdp.$1"; }

# 3. Both initiators on one interface.
shared_interface() {
	local dev kernel_passed
	check "3: aoe-xdp attach beside the kernel driver" attach --timeout $DISCOVER_SECONDS "$I0"
	dev=$(ublk_of e1.1)
	is_ublk "$dev" || { fail "3: no /dev/ublkbN; part skipped"; return; }
	klog_mark
	check "3: all of $KDEV still equals the backing file" same_data $KDEV "$TMP/disk.img"
	check "3: aoe-xdp writes at 8 MiB, the kernel driver reads it" \
		written_then_read "$dev" $KDEV "$TMP/p2" 8192
	check "3: the kernel driver writes at 16 MiB, aoe-xdp reads it" \
		written_then_read $KDEV "$dev" "$TMP/p3" 16384
	check "3: parallel whole-disk reads through both equal the backing file" parallel_reads "$dev" $KDEV
	kernel_passed=$(xdp_count pass_kernel_tag)
	log "3: XDP passed $kernel_passed kernel responses, redirected $(xdp_count redirected)"
	check "3: the XDP program passed the kernel's responses to it" test "${kernel_passed:-0}" -gt 0
	# The kernel's answers never reach aoe-xdp: it would count them as
	# late (an unknown tag) or bad_tag; late answers of its own come only
	# from its retransmits, at most one each.
	"$AOE_XDP" stat --json >"$TMP/shared.json"
	# shellcheck disable=SC2016 # a jq program
	jq_check "3: none of the kernel's answers reached aoe-xdp" "$TMP/shared.json" \
		'([.devices[].targets[].retransmits] | add) as $resent | .received |
		 .bad_tag == 0 and .bad_src == 0 and .malformed == 0 and .late <= $resent'
	check "3: no I/O errors on $dev" no_io_errors_on "$dev"
	check "3: no I/O errors on $KDEV" no_io_errors_on "etherd!e1.1"
	detach_checked 3 "$dev"
	check "3: $KDEV still reads after aoe-xdp left" same_at $KDEV "$TMP/p3" 16384
}

guest() {
	vm_guest_init
	random_file "$TMP/p1" $PATTERN_KIB
	random_file "$TMP/p2" $PATTERN_KIB
	random_file "$TMP/p3" $PATTERN_KIB
	truncate -s ${DISK_MIB}M "$TMP/disk.img"
	target_start "$T0" 1.1:"$TMP/disk.img"
	ublk_then_kernel
	if [ -b $KDEV ]; then
		kernel_fs
		shared_interface
	else
		fail "no $KDEV: parts 2 and 3 skipped"
	fi
	vm_done
}

vm_main 170 "$VM_UBLK_MODULES"
