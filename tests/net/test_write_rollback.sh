#!/bin/bash
# No acknowledged write rolled back by a target that pauses and resumes
# (issue 9; the scenario is in rollback.sh). One disk image behind two
# targets, A on i0 <-> t0 and B on i1 <-> t1; the daemon uses both through
# its FUSE export. A is stopped (vblade: SIGSTOP; aoe-target: its pause,
# SIGTSTP, which queues what arrives and runs it in order on SIGUSR1),
# phase 1 writes P1, phase 2 overwrites it with P2, A resumes and executes
# the P1 frames it had queued. For vblade and aoe-target, MTU 1500 and
# 9000, sequential and random overlapping writes, two seeds each:
#   - both phases complete (no EIO: B carries everything);
#   - once A's late answers are in, the image holds the newest data, and
#     so does a read through the export;
#   - stat says A's old writes were executed late and written over
#     (guard.rollbacks_caught > 0), so the danger did happen each time.
. "$(dirname "$0")/iolib.sh"
. "$(dirname "$0")/rollback.sh"
io_init
need jq vblade

DEV=$RB_DEV
SIZE=$((1024 * 1024))
# A part of the matrix: RB_KINDS, RB_MTUS, RB_PATTERNS, RB_SEEDS.
SEEDS=${RB_SEEDS:-"11 29"}
SETTLE_S=20	# A's backlog answered, copies resolved, rewrites done

two_wires 9000
set_mtu() {
	local i
	for i in "$I0" "$I1"; do ip -n "$P-ini" link set "$i" mtu "$1"; done
	for i in "$T0" "$T1"; do ip -n "$P-tgt" link set "$i" mtu "$1"; done
}

# start_targets KIND IMAGE: A on t0, B on t1, both serving IMAGE as e7.1.
start_targets() {
	if [ "$1" = vblade ]; then
		vblade_start tgt 7 1 "$T0" "$2"
		PID_A=$LAST_PID
		vblade_start tgt 7 1 "$T1" "$2"
		PID_B=$LAST_PID
	else
		target_start tgt -q --bufcnt 16 -i "$T0" "7.1:$2"
		PID_A=$LAST_PID
		target_start tgt -q --bufcnt 16 -i "$T1" "7.1:$2"
		PID_B=$LAST_PID
	fi
}

# pause_a / resume_a: a stopped process, or aoe-target's pause fault.
pause_a() { if [ "$1" = vblade ]; then kill -STOP "$PID_A"; else kill -TSTP "$PID_A"; fi; }
resume_a() { if [ "$1" = vblade ]; then kill -CONT "$PID_A"; else kill -USR1 "$PID_A"; fi; }

stop_targets() {
	kill -CONT "$PID_A" 2>/dev/null
	kill "$PID_A" "$PID_B" 2>/dev/null
	wait "$PID_A" "$PID_B" 2>/dev/null
}

# rollback_case KIND MTU PATTERN SEED
rollback_case() {
	local kind=$1 mtu=$2 pattern=$3 seed=$4 label="$1 mtu $2 $3 seed $4"
	local dir=$TMP/$kind-$mtu-$pattern-$seed img diff caught
	img=$dir/disk.img
	rb_plan "$dir" "$seed" "$pattern" "$SIZE"
	cp "$dir/base" "$img"
	truncate -s $((4 * SIZE)) "$img"
	set_mtu "$mtu"
	start_targets "$kind" "$img"
	if ! daemon_start ini --export fuse "$I0" "$I1" >"$dir/attach.out" 2>&1 ||
	    ! wait_for 10 rb_two_targets_ok; then
		fail "[$label] attach with two verified targets"
		cat "$dir/attach.out"
		stop_targets
		daemon_stop
		return
	fi
	F=$(fuse_file $DEV)
	pause_a "$kind"
	timed bounded "$STEP_TIMEOUT" rb_phase "$dir" 1 "$F"
	check "[$label] phase 1 (P1) completes while A is stopped (${ELAPSED_MS} ms)" test $? -eq 0
	timed bounded "$STEP_TIMEOUT" rb_phase "$dir" 2 "$F"
	check "[$label] phase 2 (P2 over P1) completes (${ELAPSED_MS} ms)" test $? -eq 0
	resume_a "$kind"
	timed wait_for $SETTLE_S rb_settled
	check "[$label] A's queued copies resolved within ${SETTLE_S}s (${ELAPSED_MS} ms)" \
		test $? -eq 0
	diff=$(rb_diff "$img" "$dir/expected" "$SIZE")
	check "[$label] the image holds the newest data ${diff:+($diff)}" test -z "$diff"
	get "$F" "$dir/back" count=1
	same_bytes "[$label] a read through the export gives the newest data" \
		"$dir/back" "$dir/expected" "$SIZE"
	caught=$(dev_json $DEV .guard.rollbacks_caught)
	check "[$label] A executed old writes late and they were written over (${caught:-?})" \
		test "${caught:-0}" -gt 0
	log "[$label] $(dev_json $DEV '.guard | tostring')"
	daemon_stop
	stop_targets
}

for kind in ${RB_KINDS:-vblade aoe-target}; do
	for mtu in ${RB_MTUS:-1500 9000}; do
		for pattern in ${RB_PATTERNS:-seq rand}; do
			for seed in $SEEDS; do
				rollback_case "$kind" "$mtu" "$pattern" "$seed"
			done
		done
	done
done

if [ "$FAILS" -gt 0 ] && [ -f "$AOE_XDP_RUN_DIR/aoe-xdp.log" ]; then
	echo "--- daemon log (last run)"; tail -n 60 "$AOE_XDP_RUN_DIR/aoe-xdp.log"
fi
net_done
