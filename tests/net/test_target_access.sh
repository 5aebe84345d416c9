#!/bin/bash
# Who may use an aoe-target device, asked by aoe-probe. The MAC mask list
# (AoE command 2): read, add, a bad directive, delete; an initiator not on
# a non-empty list is ignored (and counted), each device has its own list,
# an empty list answers everyone. Reserve/release (AoE command 3): a device
# reserved for another MAC refuses our writes and our reserve with AoE
# error 6 but still answers IDENTIFY, until a force set releases it.
# Command-line access: --mac-allow ignores other initiators, --read-only
# aborts writes.
. "$(dirname "$0")/targetlib.sh"
target_init
tgt_start main 1.1:ram:8M 1.2:ram:4M

expect "mask list starts empty" '^mask e1\.1 .*error=0 mcmd=0 merror=0 count=0 macs=$' probe -t 1.1 mask read
expect "mask edit: add two" "merror=0 count=2 macs=$PROBE_MAC,$OTHER_MAC\$" \
	probe -t 1.1 mask edit add "$PROBE_MAC" add "$OTHER_MAC"
expect "listed initiator is answered" 'status=0x40' probe -t 1.1 read 0 1
expect "mask edit: bad directive" 'merror=2 count=1' probe -t 1.1 mask edit add "$OTHER_MAC" bad "$OTHER_MAC"
expect "mask edit: delete ourselves" "merror=0 count=1 macs=$OTHER_MAC\$" \
	probe -t 1.1 mask edit del "$PROBE_MAC"
expect "unlisted initiator is ignored" '^no answer$' probe -w 200 -t 1.1 read 0 1
expect "the other device has its own (empty) list" 'status=0x40' probe -t 1.2 read 0 1
ip -n "$P-ini" link set dev "$I0" address "$OTHER_MAC"
expect "listed MAC is answered again" 'status=0x40' probe -t 1.1 read 0 1
expect "mask edit: empty the list" 'merror=0 count=0 macs=$' probe -t 1.1 mask edit del "$OTHER_MAC"
ip -n "$P-ini" link set dev "$I0" address "$PROBE_MAC"
expect "empty list answers everyone" 'status=0x40' probe -t 1.1 read 0 1
check "masked requests were counted" test "$(tgt_stats main .ignored.masked)" -ge 1

expect "reserve list starts empty" '^reserve e1\.1 .*error=0 rcmd=0 count=0' probe -t 1.1 reserve read
expect "reserve for another MAC" "rcmd=1 count=1 macs=$OTHER_MAC\$" probe -t 1.1 reserve set "$OTHER_MAC"
expect "reserved: our write gets AoE error 6" '^ata e1\.1 .*error=6 ' probe -t 1.1 write 0 1 -p 0
expect "reserved: IDENTIFY still works" 'error=0 status=0x40 .*sectors=16384' probe -t 1.1 identify
expect "reserved: set from outside the list gets error 6" 'error=6 ' probe -t 1.1 reserve set "$PROBE_MAC"
expect "reserve force set (release)" 'error=0 rcmd=2 count=0' probe -t 1.1 reserve fset
expect "released: write works again" 'error=0 status=0x40' probe -t 1.1 write 0 1 -p 0
same "stats: the refused write is counted too" 2 "$(tgt_stats main .requests.ata_write)"
tgt_stop main

truncate -s 1M "$TMP/ro.img"
tgt_start ro --read-only 4.1:"$TMP/ro.img"
expect "--read-only: write aborted" 'status=0x51 err=0x04' probe -t 4.1 write 0 1 -p 0
expect "--read-only: read works" 'status=0x40' probe -t 4.1 read 0 1
tgt_stop ro

tgt_start allow --mac-allow "$OTHER_MAC" 4.1:ram:1M
expect "--mac-allow: other initiators ignored" '^no answer$' probe -w 200 -t 4.1 config
same "--mac-allow: counted as masked" 1 "$(tgt_stats allow .ignored.masked)"
tgt_stop allow
net_done
