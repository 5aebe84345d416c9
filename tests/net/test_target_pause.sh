#!/bin/bash
# aoe-target's pause: a target that stops like a stopped process, queues
# the requests that come, and on resume executes and answers them in
# arrival order (issue 9's rollback needs exactly that). aoe-probe's train
# sends one-sector writes to LBA 0, write N filled with byte N, and prints
# the answers in the order they come:
#   - SIGTSTP pauses, SIGUSR1 resumes: nothing is answered during the
#     pause, everything after it, in order, and the sector holds the last
#     write; the same with --pause-after 3 (3 answered at once) and with a
#     real SIGSTOP/SIGCONT of a target without pause options;
#   - --pause-ms resumes by itself, and --pause-after fires once;
#   - --pause-backlog 3 drops what comes after 3: the sector holds write 3;
#   - --stall-after drops: its writes never reach the disk;
#   - under SIGSTOP the RX ring (as many frames as the start-up log says)
#     holds the requests, the rest are dropped and counted;
#   - the stats file counts pauses, queued, dropped and replayed requests.
# Each check also runs where its feature is missing (a target without the
# pause, or with the default backlog) and must fail there.
. "$(dirname "$0")/quirklib.sh"

ptarget() { shelf_target "$@" ram:1M; }

ptarget 1 --pause-after 0 --pause-ms 1500
ptarget 2
ptarget 3
ptarget 4 --pause-after 3
ptarget 5 --pause-after 0 --pause-backlog 3 --pause-ms 1000
ptarget 6 --pause-after 0 --pause-ms 1000
ptarget 7 --stall-after 0
ptarget 8
ptarget 9

# train SHELF COUNT WAIT-MS: the train's output in $TRAIN.
train() { TRAIN=$(probe "$1" -w "$3" train "$2" 0 2>&1); }
order_is() { sed -n 's/^train .* order=//p' <<<"$TRAIN" | grep -qx "$1"; }
first_ms() { sed -n 's/^answer n=[0-9]* ms=\(-\{0,1\}[0-9]*\) .*/\1/p' <<<"$TRAIN" | head -n 1; }
# sector_is SHELF BYTE: LBA 0 of eSHELF.1 holds 512 bytes of BYTE.
sector_is() {
	probe "$1" -w 1000 read 0 1 -o "$TMP/sector" >/dev/null &&
		cmp -s "$TMP/sector" <(head -c 512 /dev/zero | tr '\0' "\\$(printf %03o "$2")")
}
answers_in() { grep -c '^answer ' "$1"; }

# either DESCRIPTION SHELF CONTROL-SHELF FUNCTION [ARGS...]: FUNCTION SHELF
# ARGS passes, FUNCTION CONTROL-SHELF ARGS fails.
either() {
	local what=$1 shelf=$2 control=$3 fn=$4
	shift 4
	check "$what" "$fn" "$shelf" "$@"
	check "$what: fails on e$control.1" quiet not "$fn" "$control" "$@"
}

# held SHELF COUNT BEFORE PAUSE RESUME: runs PAUSE (a command; "true" for
# none), starts a train of COUNT writes, and checks that once they are
# sent only the first BEFORE are answered (half a second later), then runs
# RESUME and checks that all COUNT are answered, in order, and that the
# sector holds write COUNT.
held() {
	local shelf=$1 count=$2 before=$3 pause=$4 resume=$5 out=$TMP/train-$1 pid early
	$pause
	probe "$shelf" -w 5000 train "$count" 0 >"$out" 2>&1 &
	pid=$!
	wait_for 5 grep -q '^sent' "$out"
	sleep 0.5
	early=$(answers_in "$out")
	$resume
	wait "$pid"
	TRAIN=$(cat "$out")
	if [ "$early" != "$before" ]; then
		echo "  $early answered before the resume, want $before"
		return 1
	fi
	order_is "$(seq -s, 1 "$count")" && sector_is "$shelf" "$count" || { echo "  $TRAIN"; return 1; }
}

echo "# SIGTSTP pauses, SIGUSR1 resumes"
tstp() { kill -TSTP "${TPID[2]}"; wait_log 5 "${TLOG[2]}" 'SIGTSTP: paused'; }
usr1() { kill -USR1 "${TPID[2]}"; }
check "SIGTSTP: 5 writes held, answered in order after SIGUSR1, the last one wins" \
	held 2 5 0 tstp usr1
check "without a pause the same writes are answered at once (the check above can fail)" \
	quiet not held 9 5 0 true true

echo "# --pause-after 3, SIGUSR1"
usr1_4() { kill -USR1 "${TPID[4]}"; }
check "--pause-after 3: 3 answered, 3 held until SIGUSR1, in order" held 4 6 3 true usr1_4
check "without --pause-after all 6 are answered at once" quiet not held 9 6 3 true true

echo "# a real SIGSTOP/SIGCONT of a target without pause options"
stop3() { kill -STOP "${TPID[3]}"; }
cont3() { kill -CONT "${TPID[3]}"; }
check "SIGSTOP: writes wait in the RX ring, run in order on SIGCONT" held 3 5 0 stop3 cont3

echo "# --pause-ms 1500 resumes by itself"
resumed_late() { # SHELF: a train of 5 is answered 1 s or more after it was sent
	local ms
	train "$1" 5 3000
	ms=$(first_ms)
	[ -n "$ms" ] && [ "$ms" -ge 1000 ] && order_is 1,2,3,4,5 && sector_is "$1" 5 ||
		{ echo "  first answer after ${ms:-never} ms: $TRAIN"; return 1; }
}
either "--pause-ms 1500: answered after the pause, in order, the last one wins" 1 9 resumed_late
train 1 3 3000
ms=$(first_ms)
check "--pause-after fires once: after the pause, answers come at once (${ms:-no answer} ms)" \
	test -n "$ms" -a "${ms:-9999}" -lt 1000

echo "# --pause-backlog 3"
bounded() { # SHELF: of 6 writes during the pause, 3 run; the sector holds write 3
	train "$1" 6 2500
	order_is 1,2,3 && sector_is "$1" 3 || { echo "  $TRAIN"; return 1; }
}
either "--pause-backlog 3: writes 4-6 dropped, 1-3 run in order" 5 6 bounded

echo "# --stall-after drops, it does not hold"
train 7 3 500
check "--stall-after 0: no answer" order_is ""
kill -USR1 "${TPID[7]}"
check "--stall-after: SIGUSR1 does not run the dropped writes" sector_is 7 0

echo "# SIGSTOP: the RX ring is the backlog"
RING=$(sed -n 's/.*RX ring of \([0-9]*\) frames.*/\1/p' "${TLOG[8]}")
check "the start-up log gives the RX ring's frames ($RING)" test -n "$RING"
BURST=$((RING + 100))
# stats_now SHELF: its stats file, written on SIGUSR2.
stats_now() {
	rm -f "$TMP/$1.json"
	kill -USR2 "${TPID[$1]}"
	wait_for 5 test -s "$TMP/$1.json"
}
ring_drained() { stats_now 8 && [ "$(jq .requests.ata_read "$TMP/8.json")" = "$RING" ]; }
kill -STOP "${TPID[8]}"
probe 8 -w 300 burst "$BURST" "$BURST" >/dev/null
kill -CONT "${TPID[8]}"
wait_for 5 ring_drained

stop_targets
jq_check "SIGSTOP: $RING of $BURST requests ran after SIGCONT, the rest counted as ring drops" \
	"$TMP/8.json" --argjson ring "$RING" --argjson burst "$BURST" \
	'.requests.ata_read == $ring and .ignored.rx_ring_full == $burst - $ring'
jq_check "SIGTSTP pause: counted" "$TMP/2.json" \
	'.pause == {started: 1, queued: 5, dropped: 0, replayed: 5}'
jq_check "--pause-after 3: counted" "$TMP/4.json" \
	'.pause == {started: 1, queued: 3, dropped: 0, replayed: 3}'
jq_check "--pause-ms: one pause, 5 queued and replayed" "$TMP/1.json" \
	'.pause == {started: 1, queued: 5, dropped: 0, replayed: 5}'
jq_check "--pause-backlog 3: 3 queued, 3 dropped" "$TMP/5.json" \
	'.pause == {started: 1, queued: 3, dropped: 3, replayed: 3}'
jq_check "SIGSTOP and no pause options: no pause counted" "$TMP/3.json" '.pause.started == 0'
net_done
