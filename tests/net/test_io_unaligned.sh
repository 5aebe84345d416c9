#!/bin/bash
# Writes and reads that are not whole sectors, through the FUSE export,
# on every device of the integrity matrix (iolib.sh). Each backing file
# starts as random bytes, with a local copy:
#   - writes at odd byte offsets and lengths (read-modify-write in the
#     export) leave the device, and the target's backing file, equal to
#     the same edits made to the local copy; reads at odd offsets and
#     lengths (some across the device's end) return the local copy's bytes;
#   - 48 asynchronous direct writes of 100 and of 700 bytes side by side,
#     all in flight at once (libaio), share sectors: none undoes another.
. "$(dirname "$0")/iolib.sh"
io_init
need fio
matrix_start random

edits_init

# edit OFF LEN [COUNT]: COUNT consecutive writes of LEN bytes at byte OFF,
# to the device ($F) and to the local copy ($L); each write is fsynced.
edit() {
	local off=$1 len=$2 n=${3:-1} src
	src=$(edit_src "$off" $((len * n)))
	bounded "$STEP_TIMEOUT" dd if="$EDITS" of="$F" bs="$len" count="$n" skip="$src" \
		seek="$off" iflag=skip_bytes oflag=seek_bytes conv=notrunc,fsync status=none ||
		{ echo "  dd write of $n x $len bytes at $off failed"; EDIT_FAILS=$((EDIT_FAILS + 1)); }
	dd if="$EDITS" of="$L" bs="$len" count="$n" skip="$src" seek="$off" \
		iflag=skip_bytes oflag=seek_bytes conv=notrunc status=none
}

# read_same OFF LEN [COUNT]: COUNT reads of LEN bytes from byte OFF give
# the device's bytes equal to the local copy's.
read_same() {
	local off=$1 len=$2 n=${3:-1}
	bounded "$STEP_TIMEOUT" dd if="$F" of="$TMP/ra" bs="$len" count="$n" skip="$off" \
		iflag=skip_bytes status=none || return 1
	dd if="$L" of="$TMP/rb" bs="$len" count="$n" skip="$off" iflag=skip_bytes status=none
	cmp "$TMP/ra" "$TMP/rb"
}

# Odd offsets and lengths: single bytes, sector and frame (1024, 3584, 8704)
# boundaries crossed, a write larger than one FUSE request, the device's
# last bytes, and runs of 1000-byte writes that share sectors.
unaligned() {
	local r bad=0
	L=$TMP/$LABEL.local
	cp "$BACKING" "$L"
	EDIT_FAILS=0
	edit 1 1
	edit 511 2
	edit 1000 1000
	edit 3583 3
	edit 4095 4098
	edit 12345 300000
	edit 777777 1000 64
	edit 2000001 513 9
	edit $((MATRIX_SIZE - 7)) 7
	edit 0 512
	check "[$LABEL] unaligned writes: dd exits 0" test "$EDIT_FAILS" -eq 0
	get "$F" "$TMP/back"
	same_bytes "[$LABEL] after unaligned writes the device equals the local copy" "$TMP/back" "$L"
	same_bytes "[$LABEL] ... and so does the backing file" "$BACKING" "$L"
	for r in "1 1" "511 2" "3583 3" "4095 4098" "12345 300000" "777777 1000 64" \
		"1000001 333 17" "$((MATRIX_SIZE - 100)) 1000" "$((MATRIX_SIZE / 2 - 1)) 3585"; do
		# shellcheck disable=SC2086
		read_same $r || { echo "  read $r differs"; bad=$((bad + 1)); }
	done
	check "[$LABEL] unaligned reads (odd offsets and lengths, across the device end) equal the local copy" \
		test "$bad" -eq 0
}

# shared_sectors BS: 48 asynchronous direct writes of BS bytes (not whole
# sectors) side by side, all in flight at once, so neighbours share
# sectors: each is a read-modify-write in the export, and none may undo
# another (the kernel does not serialize async direct writes to a file).
# fio's crc32c verify reads every block back.
shared_sectors() {
	local bs=$1 out=$TMP/fio-shared-$LABEL-$1.json
	bounded 60 fio --name=shared --filename="$F" --rw=write --bs="$bs" --size=$((bs * 48)) \
		--offset=5000001 --ioengine=libaio --iodepth=48 --direct=1 --fallocate=none \
		--verify=crc32c --do_verify=1 --verify_fatal=1 --verify_state_save=0 \
		--output-format=json --output="$out" >"$out.err" 2>&1
	check "[$LABEL] 48 concurrent ${bs}-byte O_DIRECT writes sharing sectors (libaio) verify" \
		test $? -eq 0 || cat "$out.err"
}

sub_sector() {
	unaligned
	shared_sectors 100
	shared_sectors 700
}

matrix_each sub_sector
devices_fine 4
io_done
