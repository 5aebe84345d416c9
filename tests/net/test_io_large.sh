#!/bin/bash
# A large device through the FUSE export: aoe-target on a sparse 3 TiB
# file (6442450944 sectors). Odd-sized writes across sector 2^28 (the
# LBA28 limit), across 2^32 (32-bit sector numbers) and at its very end
# read back the same and land in the backing file there; a write that
# crosses the end writes what fits and fails with ENOSPC, and a read
# across the end returns what is left.
. "$(dirname "$0")/iolib.sh"
io_init
need jq

BIG_IMG=$TMP/big.img
BIG_SIZE=$((3 << 40))
truncate -s "$BIG_SIZE" "$BIG_IMG" 2>/dev/null || skip "no sparse 3 TiB file in $TMP"
one_wire
target_start tgt -q -i "$T0" "2.9:$BIG_IMG"
daemon_start ini --export fuse "$I0" >"$TMP/attach.out" 2>&1
check "attach $I0 with --export fuse" test $? -eq 0
cat "$TMP/attach.out"

edits_init

# region FILE OFF LEN OUT: LEN bytes of FILE from byte OFF into OUT.
region() {
	bounded "$STEP_TIMEOUT" dd if="$1" of="$4" bs=1M skip="$2" count="$3" \
		iflag=skip_bytes,count_bytes status=none
}

# big_edit OFF LEN: write LEN bytes at byte OFF of the big device; they read
# back the same, and land in the backing file.
big_edit() {
	local off=$1 len=$2 src
	src=$(edit_src "$off" "$len")
	region "$EDITS" "$src" "$len" "$TMP/want"
	bounded "$STEP_TIMEOUT" dd if="$TMP/want" of="$F" bs="$len" seek="$off" \
		oflag=seek_bytes conv=notrunc,fsync status=none
	check "[big] write $len bytes at byte $off (sector $((off / 512)))" test $? -eq 0
	region "$F" "$off" "$len" "$TMP/got"
	same_bytes "[big] ... reads back the same" "$TMP/got" "$TMP/want"
	region "$BIG_IMG" "$off" "$len" "$TMP/disk"
	same_bytes "[big] ... and is in the backing file there" "$TMP/disk" "$TMP/want"
}

F=$(fuse_file e2.9)
check "[big] $F is 3 TiB" test "$(stat -c %s "$F" 2>/dev/null)" = "$BIG_SIZE"
big_edit $(((1 << 37) - 700)) 1400
big_edit $(((1 << 41) - 3000)) $((1024 * 1024 + 333))
big_edit $((BIG_SIZE - 1000)) 1000
# Across the end: the 500 bytes that fit are written, then ENOSPC.
head -c 1000 /dev/urandom >"$TMP/tail"
bounded "$STEP_TIMEOUT" dd if="$TMP/tail" of="$F" bs=1000 seek=$((BIG_SIZE - 500)) \
	oflag=seek_bytes conv=notrunc status=none 2>"$TMP/tail.err"
check "[big] a write across the end fails" test $? -ne 0
check "[big] ... with ENOSPC" grep -q "No space left on device" "$TMP/tail.err"
head -c 500 "$TMP/tail" >"$TMP/want"
region "$BIG_IMG" $((BIG_SIZE - 500)) 1000 "$TMP/disk"
same_bytes "[big] ... after writing the 500 bytes that fit" "$TMP/disk" "$TMP/want"
bounded "$STEP_TIMEOUT" dd if="$F" of="$TMP/got" bs=1000 count=1 skip=$((BIG_SIZE - 500)) \
	iflag=skip_bytes status=none
same_bytes "[big] a read across the end returns those 500 bytes" "$TMP/got" "$TMP/want"

devices_fine 1
io_done
