#!/bin/bash
# A target that stops answering, with attach --dead-timeout 4 and
# --rediscover 0 (no periodic discovery: a down device must come back by
# itself all the same) and --rto-max-ms 1000. The daemon fails a device
# once one of its frames has gone unanswered for the dead timeout since its
# first send, and checks that on time, not when a retransmit falls due: the
# RTO cap does not bound the failure time (it did once; now it only keeps
# retransmits to the silent target frequent). Two rounds on one device,
# e5.5 from aoe-target:
#   write: aoe-target --stall-after N stops answering in the middle of a
#          dd write; SIGUSR1 resumes it;
#   read:  SIGSTOP freezes aoe-target, then a dd read starts; SIGCONT.
# In each round: the pending dd fails with an I/O error (not the step
# watchdog), and the time from the dd's start to its failure lies between
# the dead timeout less 0.5 s and the dead timeout plus 2 s. (No frame of
# the dd is sent before the dd starts, so it cannot fail before the dead
# timeout: the 0.5 s is slack for the clocks; the 2 s covers the part of
# the write that ran before the stall and a loaded host.) stat shows the
# device down with an error saying why and its failed requests counted;
# new reads and writes fail at once (< 1 s); once the target answers again
# the device comes back up by itself within 8 s, and I/O through the same
# FUSE file works with the right data.
. "$(dirname "$0")/iolib.sh"
io_init
need jq

DEAD_S=4
RTO_MAX_MS=1000
EARLY_MS=500	# how much sooner than the dead timeout a failure may come
MARGIN_MS=2000	# ... and how much later
AT_ONCE_MS=1000
BACK_S=8	# down devices are rediscovered every 2 s
DEV=e5.5
MIB=8
one_wire
IMG=$TMP/disk.img
truncate -s $((MIB * 1024 * 1024)) "$IMG"
# 1500 ATA requests: IDENTIFY, then about 1.5 MiB of the first write.
target_start tgt -q --stall-after 1500 -i "$T0" "5.5:$IMG"
TPID=$LAST_PID

daemon_start ini --export fuse --dead-timeout $DEAD_S --rediscover 0 \
	--rto-max-ms $RTO_MAX_MS "$I0" >"$TMP/attach.out" 2>&1
check "attach --dead-timeout $DEAD_S --rediscover 0 --rto-max-ms $RTO_MAX_MS" test $? -eq 0
F=$(fuse_file $DEV)
random_file "$TMP/data" "$MIB"

# pending_fails ROUND OUT COMMAND...: the dd fails with an I/O error no
# sooner than EARLY_MS before the dead timeout and no later than MARGIN_MS
# after it, timed from the dd's start.
pending_fails() {
	local round=$1 out=$2 rc
	shift 2
	timed "$@" 2>"$out"
	rc=$?
	log "[$round] the pending dd exited $rc after $ELAPSED_MS ms: $(head -n 1 "$out")"
	check "[$round] the dd pending on the silent target fails" test $rc -ne 0 -a $rc -ne 124
	check "[$round] ... with an I/O error" grep -q "Input/output error" "$out"
	check "[$round] ... not before the dead timeout (${DEAD_S}s) less ${EARLY_MS}ms" \
		test "$ELAPSED_MS" -ge $((DEAD_S * 1000 - EARLY_MS))
	check "[$round] ... and within ${DEAD_S}s + ${MARGIN_MS}ms" test "$ELAPSED_MS" -le $((DEAD_S * 1000 + MARGIN_MS))
}

# while_down ROUND: the device is down, its failed requests counted, and
# new I/O fails at once.
while_down() {
	local round=$1
	stat_save "$TMP/$round.down.json"
	jq_check "[$round] stat: $DEV down with an error saying why, failed requests counted (errors > 0)" \
		"$TMP/$round.down.json" \
		'.devices[0] | .state == "down" and (.error | type) == "string" and .errors > 0'
	timed bounded 10 dd if="$F" of=/dev/null bs=4k count=1 iflag=direct status=none 2>/dev/null
	check "[$round] a new read fails" test $? -ne 0
	check "[$round] ... at once ($ELAPSED_MS ms < $AT_ONCE_MS ms)" test "$ELAPSED_MS" -lt $AT_ONCE_MS
	timed bounded 10 dd if="$TMP/data" of="$F" bs=4k count=1 conv=notrunc status=none 2>/dev/null
	check "[$round] a new write fails" test $? -ne 0
	check "[$round] ... at once ($ELAPSED_MS ms < $AT_ONCE_MS ms)" test "$ELAPSED_MS" -lt $AT_ONCE_MS
}

# back_up ROUND: after the target resumed, the device is up again by
# itself and the same FUSE file carries I/O with the right data.
back_up() {
	local round=$1
	timed wait_for $BACK_S dev_state $DEV up
	check "[$round] $DEV is up again by itself within ${BACK_S}s" test $? -eq 0
	log "[$round] up again after $ELAPSED_MS ms"
	random_file "$TMP/$round.new" "$MIB"
	check "[$round] writing $MIB MiB through the same $F works" put "$TMP/$round.new" "$F"
	check "[$round] reading it back works" get "$F" "$TMP/$round.back"
	same_bytes "[$round] ... equal to what was written" "$TMP/$round.back" "$TMP/$round.new"
	same_bytes "[$round] ... and to the backing file" "$IMG" "$TMP/$round.new"
}

# Round 1: the target stalls in the middle of a write.
pending_fails write "$TMP/write.err" put "$TMP/data" "$F"
while_down write
kill -USR1 "$TPID"
back_up write

# Round 2: the target is frozen before a read starts.
kill -STOP "$TPID"
pending_fails read "$TMP/read.err" get "$F" "$TMP/read.back"
while_down read
kill -CONT "$TPID"
back_up read

stat_save "$TMP/end.json"
jq_check "after going down twice the device is up" "$TMP/end.json" '.devices[0].state == "up"'
io_done
