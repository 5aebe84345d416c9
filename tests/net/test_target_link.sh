#!/bin/bash
# aoe-target when its link changes: with the interface down it does not
# answer, once it is up again it does; when the interface is deleted it
# exits with status 1 and says so.
. "$(dirname "$0")/targetlib.sh"
target_init

tgt_start flap 4.1:ram:1M
expect "before a link flap: answered" 'status=0x40' probe -t 4.1 read 0 1
ip -n "$P-tgt" link set dev "$T0" down
# With the target's end down, the initiator's end loses its carrier too:
# once the kernel has noticed (its link watch may take a second), the
# probe's send fails with ENOBUFS instead of going nowhere. Either way
# nothing is answered.
expect "link down: no answer" '^no answer$|send: No buffer space available' \
	probe -w 200 -t 4.1 read 0 1
ip -n "$P-tgt" link set dev "$T0" up
wait_for 3 quiet probe -w 100 -t 4.1 config
expect "link up again: answered" 'status=0x40' probe -t 4.1 read 0 1
tgt_stop flap

tgt_start gone 4.1:ram:1M
ip -n "$P-tgt" link del "$T0"
gone_pid=${TPID[gone]}
wait_for 5 not kill -0 "$gone_pid"
wait "$gone_pid"
same "interface deleted: aoe-target exits with status 1" 1 $?
expect "interface deleted: says so" "interface '$T0' is gone" cat "${TLOG[gone]}"
net_done
