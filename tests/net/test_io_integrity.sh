#!/bin/bash
# Data integrity through the FUSE export, against vblade and aoe-target
# (file-backed), at MTU 1500 (1024 bytes per frame) and MTU 9000 (8704, 17 sectors over several UMEM chunks):
# one daemon on four veth pairs, one device behind each. For every device:
#   - random data written with dd (conv=notrunc,fsync), read back with
#     O_DIRECT, equal to what was written and to the target's backing file;
#   - writes and reads at odd byte offsets and lengths (read-modify-write
#     in the export) equal to the same edits made to a local copy;
#   - many unaligned writes into shared sectors in flight at once
#     (libaio, O_DIRECT): none undoes another;
#   - fio randwrite with crc32c verify, bs 4k and 64k (psync), and 4k with
#     16 requests in flight (libaio);
#   - an ext4 made through a loop device on the FUSE file: files written,
#     fsck -fn clean, read back equal after a fresh loop device.
# A fifth device, aoe-target on a sparse 3 TiB file (6442450944 sectors),
# takes odd-sized writes across sector 2^28 (the LBA28 limit) and 2^32
# (32-bit sector numbers) and at its very end, where a write that crosses
# the end writes what fits and fails with ENOSPC, and a read returns what
# is left.
. "$(dirname "$0")/iolib.sh"
io_init
need vblade jq fio losetup mkfs.ext4 fsck.ext4

MIB=16
SIZE=$((MIB * 1024 * 1024))
ns_add ini
ns_add tgt

# label target MTU shelf.slot payload
CASES=(
	"vb1500 vblade 1500 1.1 1024"
	"vb9000 vblade 9000 1.2 8704"
	"at1500 aoe-target 1500 2.1 1024"
	"at9000 aoe-target 9000 2.2 8704"
)
IFACES=()
BIG_IMG=$TMP/big.img
BIG_SIZE=$((3 << 40))
if truncate -s "$BIG_SIZE" "$BIG_IMG" 2>/dev/null; then
	ifc=$(uniq_if ibig)
	tif=$(uniq_if tbig)
	IFACES+=("$ifc")
	veth_pair ini "$ifc" tgt "$tif"
	target_start tgt -q -i "$tif" "2.9:$BIG_IMG"
else
	log "no sparse 3 TiB file in $TMP: the large-LBA part is left out"
	BIG_IMG=
fi
for c in "${CASES[@]}"; do
	read -r label kind mtu addr _ <<<"$c"
	ifc=$(uniq_if "i$label")
	tif=$(uniq_if "t$label")
	IFACES+=("$ifc")
	veth_pair ini "$ifc" tgt "$tif" "$mtu"
	truncate -s "$SIZE" "$TMP/$label.img"
	if [ "$kind" = vblade ]; then
		vblade_start tgt "${addr%.*}" "${addr#*.}" "$tif" "$TMP/$label.img"
	else
		target_start tgt -q -i "$tif" "$addr:$TMP/$label.img"
	fi
done

daemon_start ini --export fuse "${IFACES[@]}" >"$TMP/attach.out" 2>&1
check "attach on ${#IFACES[@]} interfaces with --export fuse" test $? -eq 0
cat "$TMP/attach.out"

EDITS=$TMP/edits.bin
EDITS_SIZE=$((2 * 1024 * 1024))
random_file "$EDITS" 2

# edit OFF LEN [COUNT]: COUNT consecutive writes of LEN bytes at byte OFF,
# to the device ($F) and to the local copy ($L); each write is fsynced.
edit() {
	local off=$1 len=$2 n=${3:-1} src
	src=$(((off * 7) % (EDITS_SIZE - len * n)))
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
	local label=$1 r bad=0
	EDIT_FAILS=0
	edit 1 1
	edit 511 2
	edit 1000 1000
	edit 3583 3
	edit 4095 4098
	edit 12345 300000
	edit 777777 1000 64
	edit 2000001 513 9
	edit $((SIZE - 7)) 7
	edit 0 512
	check "[$label] unaligned writes: dd exits 0" test "$EDIT_FAILS" -eq 0
	get "$F" "$TMP/back"
	same_bytes "[$label] after unaligned writes the device equals the local copy" "$TMP/back" "$L"
	same_bytes "[$label] ... and so does the backing file" "$BACKING" "$L"
	for r in "1 1" "511 2" "3583 3" "4095 4098" "12345 300000" "777777 1000 64" \
		"1000001 333 17" "$((SIZE - 100)) 1000" "$((SIZE / 2 - 1)) 3585"; do
		# shellcheck disable=SC2086
		read_same $r || { echo "  read $r differs"; bad=$((bad + 1)); }
	done
	check "[$label] unaligned reads (odd offsets and lengths, across the device end) equal the local copy" \
		test "$bad" -eq 0
}

# shared_sectors LABEL BS: 48 asynchronous direct writes of BS bytes (not
# whole sectors) side by side, all in flight at once, so neighbours share
# sectors: each is a read-modify-write in the export, and none may undo
# another (the kernel does not serialize async direct writes to a file).
# fio's crc32c verify reads every block back.
shared_sectors() {
	local label=$1 bs=$2 out=$TMP/fio-shared-$1-$2.json
	bounded 60 fio --name=shared --filename="$F" --rw=write --bs="$bs" --size=$((bs * 48)) \
		--offset=5000001 --ioengine=libaio --iodepth=48 --direct=1 --fallocate=none \
		--verify=crc32c --do_verify=1 --verify_fatal=1 --verify_state_save=0 \
		--output-format=json --output="$out" >"$out.err" 2>&1
	check "[$label] 48 concurrent ${bs}-byte O_DIRECT writes sharing sectors (libaio) verify" \
		test $? -eq 0 || cat "$out.err"
}

# fio_verify LABEL BS ENGINE DEPTH: randwrite of 4 MiB with crc32c verify.
fio_verify() {
	local label=$1 bs=$2 eng=$3 qd=$4 out=$TMP/fio-$1-$2-$3.json
	bounded 60 fio --name=verify --filename="$F" --size=4M --offset=4M --rw=randwrite \
		--bs="$bs" --ioengine="$eng" --iodepth="$qd" --direct=1 --fallocate=none \
		--verify=crc32c --do_verify=1 --verify_fatal=1 --verify_state_save=0 \
		--output-format=json --output="$out" >"$out.err" 2>&1
	check "[$label] fio randwrite bs=$bs $eng iodepth=$qd with crc32c verify exits 0" test $? -eq 0 ||
		cat "$out.err" "$out"
	jq_check "[$label] ... wrote 4 MiB, verified 4 MiB, no error" "$out" \
		'.jobs[0].error == 0 and .jobs[0].write.io_bytes == 4194304 and
		 .jobs[0].read.io_bytes == 4194304'
}

# A tree of files to put on ext4: one large, many small, in directories.
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
	local label=$1 mnt=$TMP/mnt-$1 loop
	mkdir -p "$mnt"
	loop=$(losetup -f --show "$F") || { fail "[$label] losetup on $F"; return; }
	LOOPS+=("$loop")
	check "[$label] mkfs.ext4 on $loop (over $F)" bounded "$STEP_TIMEOUT" mkfs.ext4 -q -F "$loop"
	check "[$label] mount it" bounded "$STEP_TIMEOUT" mount "$loop" "$mnt" || return
	MOUNTS+=("$mnt")
	check "[$label] copy $(du -sk "$TREE" | cut -f1) KiB of files onto it" \
		bounded "$STEP_TIMEOUT" cp -a "$TREE" "$mnt/"
	check "[$label] umount" bounded "$STEP_TIMEOUT" umount "$mnt"
	losetup -d "$loop"
	# Straight from the FUSE file: no cache of the loop device in between.
	bounded "$STEP_TIMEOUT" fsck.ext4 -fn "$F" >"$TMP/fsck-$label.out" 2>&1
	check "[$label] fsck.ext4 -fn is clean" test $? -eq 0 || cat "$TMP/fsck-$label.out"
	loop=$(losetup -f --show -r "$F") || { fail "[$label] second losetup"; return; }
	LOOPS+=("$loop")
	check "[$label] a fresh loop device shows the same files" same_tree_on "$loop" "$mnt"
	umount "$mnt" 2>/dev/null
	losetup -d "$loop"
}

for c in "${CASES[@]}"; do
	read -r label kind mtu addr payload <<<"$c"
	dev=e$addr
	F=$(fuse_file "$dev")
	L=$TMP/$label.local
	BACKING=$TMP/$label.img
	log "$label: $kind, MTU $mtu, $dev"
	check "[$label] $F exists with the device's size" test "$(stat -c %s "$F" 2>/dev/null)" = "$SIZE"
	check "[$label] $dev is up with $payload bytes per frame" \
		test "$(dev_json "$dev" '"\(.state) \(.payload)"')" = "up $payload"

	random_file "$L" "$MIB"
	t0=$(now_ms)
	check "[$label] dd write of $MIB MiB (conv=notrunc,fsync)" put "$L" "$F"
	t1=$(now_ms)
	check "[$label] dd read back (iflag=direct)" get "$F" "$TMP/back"
	log "$label: write $((t1 - t0)) ms, read $(($(now_ms) - t1)) ms"
	same_bytes "[$label] read back equals what was written" "$TMP/back" "$L"
	same_bytes "[$label] the target's backing file equals it" "$BACKING" "$L"
	check "[$label] stat counts exactly $SIZE bytes written and read" \
		test "$(dev_json "$dev" '"\(.write_bytes) \(.read_bytes)"')" = "$SIZE $SIZE"

	unaligned "$label"
	shared_sectors "$label" 100
	shared_sectors "$label" 700
	fio_verify "$label" 4k psync 1
	fio_verify "$label" 64k psync 1
	fio_verify "$label" 4k libaio 16
	ext4_round "$label"
done

# region FILE OFF LEN OUT: LEN bytes of FILE from byte OFF into OUT.
region() {
	bounded "$STEP_TIMEOUT" dd if="$1" of="$4" bs=1M skip="$2" count="$3" \
		iflag=skip_bytes,count_bytes status=none
}

# big_edit OFF LEN: write LEN bytes at byte OFF of the big device; they read
# back the same, and land in the backing file.
big_edit() {
	local off=$1 len=$2 src
	src=$(((off * 7) % (EDITS_SIZE - len)))
	region "$EDITS" "$src" "$len" "$TMP/want"
	bounded "$STEP_TIMEOUT" dd if="$TMP/want" of="$F" bs="$len" seek="$off" \
		oflag=seek_bytes conv=notrunc,fsync status=none
	check "[big] write $len bytes at byte $off (sector $((off / 512)))" test $? -eq 0
	region "$F" "$off" "$len" "$TMP/got"
	same_bytes "[big] ... reads back the same" "$TMP/got" "$TMP/want"
	region "$BIG_IMG" "$off" "$len" "$TMP/disk"
	same_bytes "[big] ... and is in the backing file there" "$TMP/disk" "$TMP/want"
}

NDEV=4
if [ -n "$BIG_IMG" ]; then
	NDEV=5
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
fi

stat_save "$TMP/stat.json"
jq_check "all $NDEV devices still up, no request failed" "$TMP/stat.json" --argjson n $NDEV \
	'(.devices | length) == $n and all(.devices[]; .state == "up" and .errors == 0)'
if [ "$FAILS" -gt 0 ]; then
	echo "--- daemon log"; cat "$AOE_XDP_RUN_DIR/aoe-xdp.log"
	echo "--- stat"; "$AOE_XDP" stat
fi
net_done
