#!/bin/bash
# An ext4 filesystem on /dev/ublkbN, served by aoe-target and then by vblade
# (file-backed, in the guest's /tmp): attach exports the device under the
# by-aoe link and in `stat`, with the disk's size and, when the target's
# IDENTIFY offers FLUSH, a write-back cache; the partition scan at start
# reads without errors; mkfs.ext4, mount, random files, sync, umount,
# fsck -fn clean; the device reads back (O_DIRECT) exactly the backing file;
# after a remount the files read back as written; detach removes the
# device.
# Exit: 0 pass, 77 skip (no qemu or VM kernel), 1 fail.
# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/lib.sh"

DISK_MIB=32
FILE_KIB=(2800 2100 1400 700 64 3)	# the files written: 7 MiB in all
DISCOVER_SECONDS=2

# flush_offered eS.N: the target's IDENTIFY offers FLUSH CACHE (EXT), as
# discovery (asking the daemon) reports it.
flush_offered() {
	[ "$("$AOE_XDP" discover --json "$I0" | jq -r ".devices[] | select(.name == \"$1\") | .flush")" = true ]
}

write_cache_is() { [ "$(cat "/sys/block/${1#/dev/}/queue/write_cache")" = "$2" ]; }

size_is() { [ "$(blockdev --getsize64 "$1")" = "$2" ]; }

# The files are made once in $TMP/orig and copied in every round.
make_files() {
	local i
	mkdir -p "$TMP/orig/sub" || return 1
	for i in "${!FILE_KIB[@]}"; do
		random_file "$TMP/orig/file$i" "${FILE_KIB[$i]}" || return 1
	done
	cp "$TMP/orig/file1" "$TMP/orig/sub/copy"
}

write_files() { cp -a "$TMP/orig/." "$1/"; }

# files_intact DIR BACKING: every file reads back as written; for one that
# does not, which sectors differ, and whether the disk (BACKING, read with
# debugfs) holds the right data, which tells a read from a write problem.
files_intact() {
	local f bad=0
	while read -r f; do
		cmp -s "$TMP/orig/$f" "$1/$f" && continue
		bad=1
		echo "  $f differs from what was written:"
		# Diagnosis only: which sectors differ, and where their content came from.
		command -v python3 >/dev/null && \
			"$VM_TOP/tests/vm/sector_diff.py" "$TMP/orig/$f" "$1/$f" "$TMP"/orig/file*
		if debugfs -R "cat /$f" "$2" 2>/dev/null | cmp -s - "$TMP/orig/$f"; then
			echo "  (the backing file holds it right: the read went wrong)"
		else
			echo "  (the backing file holds the same wrong data: the write went wrong)"
		fi
	done < <(cd "$TMP/orig" && find . -type f | sed 's|^\./||' | sort)
	return $bad
}

# One round: a target on $I0 serving $name from $backing is already up.
fs_round() { # who name backing flush-expected(yes|ifidentify)
	local who=$1 name=$2 backing=$3 dev mnt=$TMP/mnt
	klog_mark
	check "$who: attach exports $name" attach --timeout $DISCOVER_SECONDS "$I0"
	check "$who: by-aoe/$name is a /dev/ublkbN and stat shows it" ublk_exported "$name"
	dev=$(ublk_of "$name")
	is_ublk "$dev" || { fail "$who: no device, round skipped"; daemon_stop; return; }
	log "$who: $name is $dev"
	check "$who: blockdev --getsize64 $dev is the disk's $((DISK_MIB << 20)) bytes" \
		size_is "$dev" $((DISK_MIB << 20))
	check "$who: stat's capacity is the same" \
		test "$(stat_json ".devices[] | select(.name == \"$name\") | .bytes")" = $((DISK_MIB << 20))
	if [ "$4" = yes ]; then
		check "$who: IDENTIFY offers FLUSH" flush_offered "$name"
		check "$who: $dev has a write-back cache" write_cache_is "$dev" "write back"
	elif flush_offered "$name"; then
		check "$who: IDENTIFY offers FLUSH, $dev has a write-back cache" write_cache_is "$dev" "write back"
	else
		check "$who: no FLUSH in IDENTIFY, $dev is write through" write_cache_is "$dev" "write through"
	fi
	check "$who: the partition scan at start read $dev without I/O errors" no_io_errors_on "$dev"
	klog_mark
	check "$who: mkfs.ext4 $dev" mkfs.ext4 -q -F "$dev"
	check "$who: mount $dev" mount_dev "$dev" "$mnt"
	check "$who: write random files" write_files "$mnt"
	check "$who: sync" sync -f "$mnt/file0"
	check "$who: umount" umount "$mnt"
	check "$who: fsck.ext4 -fn is clean" fsck_clean "$dev"
	check "$who: $dev reads back (O_DIRECT) exactly the backing file" same_data "$dev" "$backing"
	check "$who: remount" mount_dev "$dev" "$mnt"
	check "$who: the files read back as written" files_intact "$mnt" "$backing"
	check "$who: umount again" umount "$mnt"
	check "$who: no I/O errors on $dev in the kernel log since" no_io_errors_on "$dev"
	detach_checked "$who" "$dev"
	check "$who: by-aoe/$name is gone" not test -e "$AOE_XDP_RUN_DIR/by-aoe/$name"
}

guest() {
	local backing
	vm_guest_init
	make_files || exit 1
	backing=$TMP/target.img
	truncate -s ${DISK_MIB}M "$backing"
	target_start "$T0" 1.1:"$backing"
	fs_round aoe-target e1.1 "$backing" yes
	kill "$TARGET_PID"

	backing=$TMP/vblade.img
	truncate -s ${DISK_MIB}M "$backing"
	vblade_start tgt 2 3 "$T0" "$backing"
	fs_round vblade e2.3 "$backing" ifidentify
	vm_done
}

vm_main 170 "$VM_UBLK_MODULES"
