#!/bin/bash
# aoe-target against vblade: the same requests from aoe-probe to e1.1
# (aoe-target) and e9.9 (vblade), both -b 16 on copies of one 8 MiB file,
# get the same answers in the fields both must agree on (config, IDENTIFY,
# reads with the same data, a write landing in both files, ATA and AoE
# errors, mask list, reserve list).
. "$(dirname "$0")/targetlib.sh"
target_init

head -c $((8 << 20)) /dev/urandom >"$TMP/disk1.img"
head -c 1024 /dev/urandom >"$TMP/rand2"
tgt_start main -b 16 1.1:"$TMP/disk1.img"
vblade_9_9 "$TMP/disk1.img"

# norm: the fields both must agree on; the rest (model, fwver, exact ATA
# error codes) are the implementation's own.
norm() {
	sed -E 's/^(\w+) e[0-9]+\.[0-9]+ mac=[^ ]+/\1/; s/ (fwver|model|serial|fw|flush_ext)=("[^"]*"|[^ ]*)//g' |
		sed -E 's/status=0x(.)(.) err=0x..( scnt=[0-9]+)?/ata_ok=\2/; s/ata_ok=[13579bdf]/ata_ok=no/; s/ata_ok=[02468ace]/ata_ok=yes/'
}

# xcheck DESCRIPTION PROBE-ARGS...: the same normalized answer from e1.1
# and e9.9.
xcheck() {
	local what="vs vblade: $1" a b
	shift
	a=$(probe -w 300 -t 1.1 "$@" | norm)
	b=$(probe -w 300 -t 9.9 "$@" | norm)
	if [ "$a" = "$b" ]; then
		ok "$what"
		return 0
	fi
	fail "$what"
	echo "  aoe-target: $a"
	echo "  vblade:     $b"
	return 1
}

xcheck "config force set" config fset xcheck
xcheck "config read" config
xcheck "config test" config test xcheck
xcheck "config test mismatch" config test xcheckX
xcheck "config prefix" config prefix xch
xcheck "identify" identify
for lba in 0 100 200 16382; do
	xcheck "read at $lba" read $lba 2 -o "$TMP/x_$lba"
	probe -t 9.9 read $lba 2 -o "$TMP/v_$lba" >/dev/null
	check "vs vblade: same data at $lba" cmp -s "$TMP/x_$lba" "$TMP/v_$lba"
done
xcheck "LBA28 read" read 200 2 --lba28 -o "$TMP/x28"
probe -t 9.9 read 200 2 --lba28 -o "$TMP/v28" >/dev/null
check "vs vblade: same LBA28 data" cmp -s "$TMP/x28" "$TMP/v28"
xcheck "write" write 500 2 -f "$TMP/rand2"
both_hold() { cmp -s <(sectors_file "$TMP/disk1.img" 500 2) "$1" && cmp -s <(sectors_file "$TMP/vdisk.img" 500 2) "$1"; }
check "vs vblade: both backing files hold the write" both_hold "$TMP/rand2"
xcheck "read past the end" read 16384 1
xcheck "write across the end" write 16383 2 -p 7
xcheck "unknown ATA command" ata 0x99
xcheck "FLUSH CACHE" flush
xcheck "unknown AoE command" aoe 9
xcheck "short write data" write 10 2 -p 1 --data-sectors 1
xcheck "IDENTIFY with 2 sectors" ata 0xec 0 2
xcheck "mask list read" mask read
xcheck "mask list add" mask edit add "$PROBE_MAC"
# No delete: vblade 25 crashes when it removes a mask list entry (rmmask()
# measures the list in entries, not bytes). Our MAC stays listed there.
xcheck "reserve read" reserve read
tgt_stop main
net_done
