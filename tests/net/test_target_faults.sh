#!/bin/bash
# aoe-target's fault injection, one fault per target (e4.1, RAM), driven
# by aoe-probe: --drop (ATA only, the same seed drops the same requests,
# another seed others), --fault-all (config too), --stall-after and
# SIGUSR1, --dup, --reorder, --delay/--jitter (config not delayed by
# default), --ata-error (IDENTIFY spared); hostile frames (aoe-probe noise)
# against all of them at once leave it answering. Each fault shows in the
# stats file.
. "$(dirname "$0")/targetlib.sh"
target_init

# burst_list: which of 200 reads, all sent at once, were answered.
burst_list() { probe -w 300 -t 4.1 burst 200 200 --list | sed -n 's/.* list=//p'; }

tgt_start drop1 --drop 30 --seed 42 4.1:ram:1M
L1=$(burst_list)
answered=$(tr ',' '\n' <<<"$L1" | grep -c .)
check "drop 30%: some but not all answered ($answered/200)" test "$answered" -gt 0 -a "$answered" -lt 200
same "drop: stats count the drops" $((200 - answered)) "$(tgt_stats drop1 .faults.dropped)"
expect "drop applies to ATA only: config answered" '^config e4\.1' probe -t 4.1 config
tgt_stop drop1
tgt_start drop2 --drop 30 --seed 42 4.1:ram:1M
L2=$(burst_list)
tgt_stop drop2
same "drop: same seed, same answered requests" "$L1" "$L2"
tgt_start drop3 --drop 30 --seed 43 4.1:ram:1M
L3=$(burst_list)
tgt_stop drop3
check "drop: another seed, another set" test "$L1" != "$L3"

tgt_start dropall --drop 100 --fault-all 4.1:ram:1M
expect "--fault-all: config dropped too" '^no answer$' probe -w 200 -t 4.1 config
tgt_stop dropall

tgt_start stall --stall-after 5 4.1:ram:1M
expect "stall-after 5: 5 of 10 answered" 'sent=10 answered=5 ' probe -w 300 -t 4.1 burst 10 10
expect "stalled: config ignored too" '^no answer$' probe -w 200 -t 4.1 config
kill -USR1 "${TPID[stall]}"
expect "SIGUSR1: answering again" 'sent=10 answered=10 ' probe -w 300 -t 4.1 burst 10 10
expect "SIGUSR1 cleared --stall-after" 'sent=20 answered=20 ' probe -w 300 -t 4.1 burst 20 20
same "stall: ignored frames counted" 6 "$(tgt_stats stall .faults.stalled_ignored)"
tgt_stop stall

tgt_start dup --dup 100 4.1:ram:1M
expect "dup 100%: every answer twice" 'sent=20 answered=20 dups=20 ' probe -w 300 -t 4.1 burst 20 20 --linger
tgt_stop dup

tgt_start reorder --reorder 50 --seed 7 4.1:ram:1M
expect "reorder 50%: all answered once" 'sent=100 answered=100 dups=0 ' probe -w 300 -t 4.1 burst 100 100 --linger
check "reorder: answers were held" test "$(tgt_stats reorder .faults.reordered)" -gt 10
tgt_stop reorder

tgt_start delay --delay 300 --jitter 50 4.1:ram:1M
t0=$(date +%s%N)
expect "delay: answered" 'status=0x40' probe -w 2000 -t 4.1 read 0 1
ms=$((($(date +%s%N) - t0) / 1000000))
check "delay 300 +- 50 ms: took at least 250 ms ($ms)" test "$ms" -ge 250
expect "delay: config is not delayed by default" '^config e4\.1' probe -w 200 -t 4.1 config
same "delay: stats" 1 "$(tgt_stats delay .faults.delayed)"
tgt_stop delay

tgt_start ataerr --ata-error 100 4.1:ram:1M
expect "ata-error 100%: read fails" 'error=0 status=0x51 err=0x04' probe -t 4.1 read 0 1
expect "ata-error: IDENTIFY still works" 'status=0x40' probe -t 4.1 identify
same "ata-error: stats" 1 "$(tgt_stats ataerr .faults.errored)"
tgt_stop ataerr

tgt_start noise --dup 10 --reorder 10 --delay 1 --jitter 1 --fault-all --seed 5 \
	4.1:ram:1M 4.2:ram:1M
expect "hostile frames sent" '^noise sent=20000$' probe -t 4.1 noise 20000 11
expect "after hostile frames: still answering" '^config e4\.1 .*error=0' probe -t 4.1 config
check "hostile frames were counted as invalid" test "$(tgt_stats noise .ignored.invalid)" -gt 1000
tgt_stop noise
net_done
