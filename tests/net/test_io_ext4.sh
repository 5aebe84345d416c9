#!/bin/bash
# ext4 on the FUSE export, on every device of the integrity matrix
# (iolib.sh): made through a loop device on the FUSE file, a tree of files
# (one large, many small, in folders) copied onto it, fsck.ext4 -fn clean
# straight from the FUSE file, and the same files read back through a
# fresh read-only loop device.
. "$(dirname "$0")/iolib.sh"
io_init
need losetup mkfs.ext4 fsck.ext4
matrix_start

TREE=$TMP/tree
mkdir -p "$TREE/a/b" "$TREE/c"
random_file "$TREE/big" 3
for i in $(seq 40); do
	head -c $((i * 997)) /dev/urandom >"$TREE/$(echo a a/b c | cut -d' ' -f$((i % 3 + 1)))/f$i"
done

# same_tree_on DEVICE DIR: DEVICE mounts read-only on DIR and holds $TREE.
same_tree_on() {
	bounded "$STEP_TIMEOUT" mount -o ro "$1" "$2" || { echo "  mount -o ro $1 failed"; return 1; }
	bounded "$STEP_TIMEOUT" diff -r "$TREE" "$2/tree"
}

ext4_round() {
	local mnt=$TMP/mnt-$LABEL loop
	mkdir -p "$mnt"
	loop=$(losetup -f --show "$F") || { fail "[$LABEL] losetup on $F"; return; }
	LOOPS+=("$loop")
	check "[$LABEL] mkfs.ext4 on $loop (over $F)" bounded "$STEP_TIMEOUT" mkfs.ext4 -q -F "$loop"
	check "[$LABEL] mount it" bounded "$STEP_TIMEOUT" mount "$loop" "$mnt" || return
	MOUNTS+=("$mnt")
	check "[$LABEL] copy $(du -sk "$TREE" | cut -f1) KiB of files onto it" \
		bounded "$STEP_TIMEOUT" cp -a "$TREE" "$mnt/"
	check "[$LABEL] umount" bounded "$STEP_TIMEOUT" umount "$mnt"
	losetup -d "$loop"
	# Straight from the FUSE file: no cache of the loop device in between.
	bounded "$STEP_TIMEOUT" fsck.ext4 -fn "$F" >"$TMP/fsck-$LABEL.out" 2>&1
	check "[$LABEL] fsck.ext4 -fn is clean" test $? -eq 0 || cat "$TMP/fsck-$LABEL.out"
	loop=$(losetup -f --show -r "$F") || { fail "[$LABEL] second losetup"; return; }
	LOOPS+=("$loop")
	check "[$LABEL] a fresh loop device shows the same files" same_tree_on "$loop" "$mnt"
	umount "$mnt" 2>/dev/null
	losetup -d "$loop"
}

matrix_each ext4_round
devices_fine 4
io_done
