#!/bin/bash
# aoe-target on a veth pair at MTU 9000, asked by aoe-probe: it advertises
# 17 sectors per command (8704 bytes, what fits in the frame), serves a
# 17-sector read equal to its backing file, and answers 64 such reads in
# flight at once.
. "$(dirname "$0")/targetlib.sh"
target_init 9000

head -c $((8 << 20)) /dev/urandom >"$TMP/disk1.img"
tgt_start jumbo 5.1:"$TMP/disk1.img"
expect "MTU 9000: 17 sectors per command" 'scnt=17 ' probe -t 5.1 config
expect "MTU 9000: read 17 sectors" 'status=0x40 .*data=8704$' probe -t 5.1 read 1000 17 -o "$TMP/rj"
check "MTU 9000: data equals the file" cmp -s <(sectors_file "$TMP/disk1.img" 1000 17) "$TMP/rj"
expect "MTU 9000: 64 outstanding 17-sector reads" 'sent=640 answered=640 dups=0 errors=0 malformed=0' \
	probe -w 1000 -t 5.1 burst 640 64 -n 17
tgt_stop jumbo
net_done
