#!/bin/bash
# Data integrity through the FUSE export, against vblade and aoe-target
# (file-backed), at MTU 1500 and 9000 (the matrix in iolib.sh): for every
# device, the FUSE file has the device's size and stat shows it up with
# the payload its MTU allows; random data written with dd
# (conv=notrunc,fsync) reads back with O_DIRECT equal to what was written
# and to the target's backing file, and stat counts exactly those bytes.
. "$(dirname "$0")/iolib.sh"
io_init
matrix_start

round_trip() {
	local l=$TMP/$LABEL.local t0 t1
	check "[$LABEL] $F exists with the device's size" test "$(stat -c %s "$F" 2>/dev/null)" = "$MATRIX_SIZE"
	check "[$LABEL] $DEV is up with $PAYLOAD bytes per frame" \
		test "$(dev_json "$DEV" '"\(.state) \(.payload)"')" = "up $PAYLOAD"
	random_file "$l" "$MATRIX_MIB"
	t0=$(now_ms)
	check "[$LABEL] dd write of $MATRIX_MIB MiB (conv=notrunc,fsync)" put "$l" "$F"
	t1=$(now_ms)
	check "[$LABEL] dd read back (iflag=direct)" get "$F" "$TMP/back"
	log "$LABEL: write $((t1 - t0)) ms, read $(($(now_ms) - t1)) ms"
	same_bytes "[$LABEL] read back equals what was written" "$TMP/back" "$l"
	same_bytes "[$LABEL] the target's backing file equals it" "$BACKING" "$l"
	check "[$LABEL] stat counts exactly $MATRIX_SIZE bytes written and read" \
		test "$(dev_json "$DEV" '"\(.write_bytes) \(.read_bytes)"')" = "$MATRIX_SIZE $MATRIX_SIZE"
}

matrix_each round_trip
devices_fine 4
io_done
