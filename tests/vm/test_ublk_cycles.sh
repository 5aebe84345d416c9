#!/bin/bash
# attach/detach 20 times: each attach makes a /dev/ublkbN that reads, each
# detach removes it and ends the daemon. Afterwards nothing is left: no
# /dev/ublkb* or /dev/ublkc*, no pins under /sys/fs/bpf/aoe-xdp, no XDP
# program on the interface, no aoe-xdp process, and in the run directory
# only the daemon's log and an empty by-aoe/.
# Then a device left by a SIGKILLed daemon whose target never comes back:
# the next attach (--dead-timeout 3) removes it within the dead timeout,
# and a read that was waiting on it fails instead of hanging. Nothing is
# left after that either.
# Exit: 0 pass, 77 skip (no qemu or VM kernel), 1 fail.
# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/lib.sh"

CYCLES=20
DISCOVER_SECONDS=1
DEAD_SECONDS=3
# The stale device must be gone this long after the attach that found it:
# the dead timeout plus time for STOP_DEV and DEL_DEV under emulation.
STALE_GONE_SECONDS=$((DEAD_SECONDS + 12))
READ_KIB=64

# What may stay in the run directory once the daemon is gone.
run_dir_clean() {
	local extra
	extra=$(cd "$AOE_XDP_RUN_DIR" && find . -mindepth 1 ! -path ./aoe-xdp.log ! -path ./by-aoe)
	[ -z "$extra" ] && return 0
	echo "  left in $AOE_XDP_RUN_DIR: $(tr '\n' ' ' <<<"$extra")"
	return 1
}

no_pins() {
	local pins
	pins=$(find /sys/fs/bpf/aoe-xdp -mindepth 1 2>/dev/null)
	[ -z "$pins" ] && return 0
	echo "  pins left: $(tr '\n' ' ' <<<"$pins")"
	return 1
}

no_xdp_on() { ! ip -d link show "$1" | grep -q 'prog/xdp'; }
no_daemon_process() { ! pgrep -x aoe-xdp >/dev/null; }

# nothing_left WHEN: the checks that follow a full stop.
nothing_left() {
	check "$1: no /dev/ublkb* or /dev/ublkc*" no_ublk_nodes
	check "$1: no pins under /sys/fs/bpf/aoe-xdp" no_pins
	check "$1: no XDP program on $I0" no_xdp_on "$I0"
	check "$1: no aoe-xdp process" no_daemon_process
	check "$1: the run directory holds only aoe-xdp.log and an empty by-aoe/" run_dir_clean
}

# One cycle; says what went wrong, if anything.
cycle() {
	local dev out=$TMP/attach.out
	attach --timeout $DISCOVER_SECONDS "$I0" >"$out" 2>&1 || { echo "  attach failed:"; cat "$out"; return 1; }
	dev=$(ublk_of e1.1)
	is_ublk "$dev" || { echo "  no /dev/ublkbN after attach:"; cat "$out"; return 1; }
	dd if="$dev" of=/dev/null bs=${READ_KIB}k count=1 iflag=direct status=none ||
		{ echo "  reading $dev failed"; return 1; }
	"$AOE_XDP" detach "$I0" || { echo "  detach failed"; return 1; }
	wait_for 10 daemon_gone "$DAEMON_PID" || { echo "  the daemon did not exit"; return 1; }
	DAEMON_PID=
	no_ublk_nodes || { echo "  left after detach: $(ublk_nodes | tr '\n' ' ')"; return 1; }
}

cycles() {
	local i t0=$SECONDS
	for ((i = 1; i <= CYCLES; i++)); do
		check "cycle $i: attach exports, a read works, detach removes all" cycle
	done
	log "$CYCLES cycles in $((SECONDS - t0)) s"
}

# read_start DEV: a direct read in the background (it waits while the
# device has no daemon); sets READ_PID, its status goes to $TMP/read.rc.
read_start() {
	(dd if="$1" of=/dev/null bs=4k count=1 iflag=direct status=none 2>"$TMP/read.err"
	 echo $? >"$TMP/read.rc") &
	READ_PID=$!
	PIDS+=("$READ_PID")
}

both_gone() { daemon_gone "$1" && daemon_gone "$2"; }

read_failed() { [ -s "$TMP/read.rc" ] && [ "$(cat "$TMP/read.rc")" != 0 ]; }

stale_device() {
	local dev old_pid t0
	check "stale: attach" attach --timeout $DISCOVER_SECONDS "$I0"
	dev=$(ublk_of e1.1)
	is_ublk "$dev" || { fail "stale: no /dev/ublkbN; part skipped"; return; }
	old_pid=$DAEMON_PID
	kill -9 "$old_pid"
	kill "$TARGET_PID"
	check "stale: daemon and target are gone" wait_for 5 both_gone "$old_pid" "$TARGET_PID"
	read_start "$dev"
	sleep 1
	check "stale: a read of $dev waits (no daemon)" running "$READ_PID"
	t0=$SECONDS
	check "stale: attach with --dead-timeout $DEAD_SECONDS (no target answers)" \
		attach --dead-timeout $DEAD_SECONDS --timeout $DISCOVER_SECONDS "$I0"
	check "stale: $dev is still there right after" test -b "$dev"
	check "stale: $dev is removed within ${STALE_GONE_SECONDS}s" wait_for $STALE_GONE_SECONDS not test -e "$dev"
	log "stale: $dev was gone $((SECONDS - t0)) s after the attach began"
	check "stale: by-aoe/e1.1 is gone" not test -e "$AOE_XDP_RUN_DIR/by-aoe/e1.1"
	check "stale: the waiting read failed instead of hanging" wait_for 5 read_failed
	check "stale: the daemon still answers stat" quiet "$AOE_XDP" stat
	detach_checked stale
}

guest() {
	vm_guest_init
	target_start "$T0" 1.1:ram:8M
	cycles
	nothing_left "after $CYCLES cycles"
	stale_device
	nothing_left "after the stale device"
	vm_done
}

vm_main 170 "$VM_UBLK_MODULES"
