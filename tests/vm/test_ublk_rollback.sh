#!/bin/bash
# No acknowledged write rolled back, through ublk (issue 9; the scenario is
# tests/net/rollback.sh, the full matrix is tests/net/test_write_rollback.sh
# over FUSE). One disk image in the guest behind two targets, A on t0 and B
# on t1; /dev/ublkbN carries O_DIRECT writes: A is stopped (SIGSTOP), P1 is
# written, P2 over it, A resumes and executes its queued P1 frames. Each
# value of each dimension once, in two runs: vblade at MTU 1500 with
# sequential writes, aoe-target at MTU 9000 with random overlapping ones:
#   - both phases complete;
#   - once A's late answers are in, the image holds the newest data, and a
#     read through /dev/ublkbN gives it;
#   - stat shows A's old writes were executed late and written over.
# Exit: 0 pass, 77 skip (no qemu or VM kernel), 1 fail.
# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/lib.sh"

SIZE=$((1024 * 1024))
SETTLE_S=30


set_mtu() {
	local i
	for i in "$I0" "$I1"; do ip link set "$i" mtu "$1"; done
	for i in "$T0" "$T1"; do ip -n "$P-tgt" link set "$i" mtu "$1"; done
}

start_targets() {
	if [ "$1" = vblade ]; then
		vblade_start tgt 7 1 "$T0" "$2"
		PID_A=$LAST_PID
		vblade_start tgt 7 1 "$T1" "$2"
		PID_B=$LAST_PID
	else
		target_start "$T0" -q --bufcnt 16 "7.1:$2"
		PID_A=$TARGET_PID
		target_start "$T1" -q --bufcnt 16 "7.1:$2"
		PID_B=$TARGET_PID
	fi
}

# rollback_case KIND MTU PATTERN SEED
rollback_case() {
	local label="$1 mtu $2 $3" dir=$TMP/$1-$2-$3 img dev diff caught
	img=$dir/disk.img
	rb_plan "$dir" "$4" "$3" "$SIZE"
	cp "$dir/base" "$img"
	truncate -s $((8 * SIZE)) "$img"
	set_mtu "$2"
	start_targets "$1" "$img"
	if ! attach --timeout 3 "$I0" "$I1" >"$dir/attach.out" 2>&1 ||
	    ! wait_for 15 rb_two_targets_ok || ! wait_for 15 ublk_exported $RB_DEV; then
		fail "[$label] attach, two verified targets, exported over ublk"
		cat "$dir/attach.out"
	else
		dev=$(ublk_of $RB_DEV)
		kill -STOP "$PID_A"
		check "[$label] phase 1 (P1) completes while A is stopped" rb_phase "$dir" 1 "$dev"
		check "[$label] phase 2 (P2 over P1) completes" rb_phase "$dir" 2 "$dev"
		kill -CONT "$PID_A"
		check "[$label] A's queued copies resolved within ${SETTLE_S}s" \
			wait_for $SETTLE_S rb_settled
		diff=$(rb_diff "$img" "$dir/expected" "$SIZE")
		check "[$label] the image holds the newest data ${diff:+($diff)}" test -z "$diff"
		check "[$label] a read of $dev gives the newest data" \
			sh -c "dd if='$dev' bs=64k count=$((SIZE / 65536)) iflag=direct status=none |
			       cmp - '$dir/expected'"
		caught=$(rb_dev .guard.rollbacks_caught)
		check "[$label] A's old writes were executed late and written over (${caught:-?})" \
			test "${caught:-0}" -gt 0
		log "[$label] $(rb_dev '.guard | tostring')"
		check "[$label] detach --all" "$AOE_XDP" detach --all
		check "[$label] the daemon exits" wait_for 10 daemon_gone "$DAEMON_PID"
		check "[$label] $dev is gone" wait_for 10 not test -e "$dev"
		DAEMON_PID=
	fi
	kill -CONT "$PID_A" 2>/dev/null
	kill "$PID_A" "$PID_B" 2>/dev/null
	wait "$PID_A" "$PID_B" 2>/dev/null
}

guest() {
	vm_guest_init
	. "$VM_TOP/tests/net/rollback.sh"
	I1=$(uniq_if i1)
	T1=$(uniq_if t1)
	wire "$I1" "$T1"
	rollback_case vblade 1500 seq 3
	rollback_case aoe-target 9000 rand 5
	vm_done
}

vm_main 600 "$VM_UBLK_MODULES"
