#!/bin/bash
# aoe-target with many requests in flight, from aoe-probe: 64 outstanding
# reads are all answered, once; a target with buffer count 1 advertises it
# and serves one request at a time. Prints answer rates at depth 1 and 64
# for a RAM device, a file-backed one and vblade (information only: two
# shared cores).
. "$(dirname "$0")/targetlib.sh"
target_init

head -c $((8 << 20)) /dev/urandom >"$TMP/disk1.img"
tgt_start main 1.1:"$TMP/disk1.img" 1.2:ram:4M
vblade_9_9 "$TMP/disk1.img"

for t in 1.2 1.1 9.9; do
	for depth in 1 64; do
		echo "rate e$t depth $depth: $(probe -w 1000 -t $t burst 20000 $depth)"
	done
done
expect "64 outstanding reads all answered" 'sent=2000 answered=2000 dups=0 errors=0 malformed=0' \
	probe -w 1000 -t 1.2 burst 2000 64
tgt_stop main

tgt_start bufcnt1 -b 1 4.1:ram:1M
expect "bufcnt 1 advertised" 'bufcnt=1 ' probe -t 4.1 config
expect "bufcnt 1: one request at a time works" 'sent=50 answered=50 ' probe -t 4.1 burst 50 1
tgt_stop bufcnt1
net_done
