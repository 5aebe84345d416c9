#!/bin/bash
# aoe-target's ATA commands, asked by aoe-probe: IDENTIFY of a file-backed
# device (e1.1, 8 MiB) and a RAM device (e1.2, 4 MiB) on one target;
# reads and writes with LBA48 and LBA28, equal to the backing file; FLUSH
# CACHE (EXT) reaching fdatasync; the ATA errors (past the end, unknown
# command) and AoE errors (unknown or vendor AoE command, too little data,
# too many sectors) it answers with; the counters of its stats file, on
# SIGUSR2 and on exit.
. "$(dirname "$0")/targetlib.sh"
target_init

DISK=$TMP/disk1.img
head -c $((8 << 20)) /dev/urandom >"$DISK"
head -c 1024 /dev/urandom >"$TMP/rand2"
printf '\xa5%.0s' $(seq 1024) >"$TMP/pat_a5"
tgt_start main 1.1:"$DISK" 1.2:ram:4M

expect "identify e1.1: size, LBA48, flush" \
	'^ata e1\.1 .*error=0 status=0x40 .*data=512 sectors=16384 lba48=1 flush=1 flush_ext=1 ' \
	probe -t 1.1 identify
expect "identify e1.2: the second device" 'sectors=8192 lba48=1' probe -t 1.2 identify

expect "write 2 sectors LBA48" '^ata e1\.1 .*error=0 status=0x40 err=0x00 .*data=0$' \
	probe -t 1.1 write 100 2 -p 0xa5
expect "read them back" 'status=0x40 .*data=1024$' probe -t 1.1 read 100 2 -o "$TMP/r1"
check "read data equals the written data" cmp -s "$TMP/r1" "$TMP/pat_a5"
check "backing file holds the written data" cmp -s <(sectors_file "$DISK" 100 2) "$TMP/pat_a5"
expect "read untouched sectors" 'status=0x40' probe -t 1.1 read 7 2 -o "$TMP/r7"
check "untouched sectors equal the backing file" cmp -s <(sectors_file "$DISK" 7 2) "$TMP/r7"
expect "write to the RAM device" 'status=0x40' probe -t 1.2 write 300 2 -f "$TMP/rand2"
expect "read the RAM device" 'status=0x40' probe -t 1.2 read 300 2 -o "$TMP/r2"
check "RAM device returns what was written" cmp -s "$TMP/r2" "$TMP/rand2"

expect "LBA28 write" 'status=0x40' probe -t 1.1 write 200 2 -f "$TMP/rand2" --lba28
expect "LBA28 read" 'status=0x40 .*data=1024' probe -t 1.1 read 200 2 --lba28 -o "$TMP/r28"
check "LBA28 data round trip" cmp -s "$TMP/r28" "$TMP/rand2"
expect "LBA48 read of the LBA28 write" 'status=0x40' probe -t 1.1 read 200 2 -o "$TMP/r48"
check "LBA28 and LBA48 address the same sectors" cmp -s "$TMP/r48" "$TMP/rand2"
check "LBA28 write reached the backing file" cmp -s <(sectors_file "$DISK" 200 2) "$TMP/rand2"

expect "FLUSH CACHE" '^ata e1\.1 .*error=0 status=0x40 err=0x00' probe -t 1.1 flush
expect "FLUSH CACHE EXT" '^ata e1\.1 .*error=0 status=0x40 err=0x00' probe -t 1.1 flush ext
same "flushes reached fdatasync" 2 "$(tgt_stats main .answers.flushes_synced)"

expect "read past the end: ATA error" 'error=0 status=0x51 err=0x04 .*data=0$' probe -t 1.1 read 16384 1
expect "write across the end: ATA error" 'status=0x51 err=0x04' probe -t 1.1 write 16383 2 -p 1
expect "LBA28 read past the end: ATA error" 'status=0x51 err=0x04' probe -t 1.2 read 8192 1 --lba28
expect "unknown ATA command: ATA abort" 'status=0x51 err=0x04' probe -t 1.1 ata 0x99
expect "unknown AoE command: AoE error 1" '^aoe e1\.1 .*error=1 cmd=9' probe -t 1.1 aoe 9
expect "vendor AoE command: AoE error 1" '^aoe e1\.1 .*error=1 cmd=240' probe -t 1.1 aoe 0xf0
expect "write with less data than sectors: AoE error 2" '^ata e1\.1 .*error=2 ' \
	probe -t 1.1 write 10 2 -p 1 --data-sectors 1
expect "read of more sectors than advertised: AoE error 2" 'error=2 ' probe -t 1.1 read 10 3
expect "IDENTIFY with 2 sectors: AoE error 2" 'error=2 ' probe -t 1.1 ata 0xec 0 2

# Five writes above: three that worked, one across the end, one short of
# data. Refused ones count too.
same "stats: writes counted" 5 "$(tgt_stats main .requests.ata_write)"
same "stats: no faults without fault options" 0 "$(jq '[.faults[]] | add' "$TMP/main.json")"
jq_check "stats file is JSON with all groups" "$TMP/main.json" \
	'.requests and .bytes and .faults and .answers and .ignored'
# (Removed first: SIGUSR2 above wrote it already.)
rm -f "$TMP/main.json"
tgt_stop main
jq_check "stats file written on exit" "$TMP/main.json" '.answers.sent > 0'
net_done
