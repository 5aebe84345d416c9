#!/bin/bash
# make demo: the whole aoe-xdp user story, narrated. Every step says what it
# does, shows the command as you would type it, then runs it:
#
#   a file-backed aoe-target in a network namespace, on a veth pair
#   aoe-xdp attach on the other end: the remote disk becomes /dev/ublkbN
#   ext4 on it, mount, a file written and read back (checksums shown)
#   aoe-xdp stat, and the XDP program's counters through bpftool
#   teardown: umount, detach, target stopped, namespaces removed
#
# Teardown also runs on failure and on Ctrl-C. Exit 0 only if every step
# worked.
#
# ublk needs /dev/ublk-control. Where the kernel has none (and modprobe
# ublk_drv cannot make one), the demo runs itself inside the test VM
# (tools/vm/run-vm.sh: Debian's 6.12 kernel, which has ublk_drv), so you see
# the real ublk path rather than the FUSE fallback.
#
# Settings (environment): DEMO_DISK_MB (256) target file size, DEMO_FILE_MB
# (32) size of the file written through ext4, BUILD (build).
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
AOE_XDP=$BUILD/aoe-xdp
AOE_TARGET=$BUILD/aoe-target
DISK_MB=${DEMO_DISK_MB:-256}
FILE_MB=${DEMO_FILE_MB:-32}
SHELF_SLOT=1.1
VM_TIMEOUT_SECONDS=300
VM_MEM_MB=1024
# How long to wait for aoe-target's pid file and for processes to exit.
READY_TRIES=50
READY_POLL_SECONDS=0.1
DAEMON_EXIT_SECONDS=15
TARGET_EXIT_SECONDS=5

START_NS=$(date +%s%N)

# --- narration ---------------------------------------------------------------

step() { printf '\n==> %s\n' "$*"; }

# shellcheck source=tools/bench/narrate.sh
. tools/bench/narrate.sh

die() {
	echo "demo: FAILED: $*" >&2
	exit 1
}

elapsed() { echo "$(( ($(date +%s%N) - START_NS) / 1000000 )) ms"; }

# --- ublk here, or in the VM -------------------------------------------------

have_ublk() {
	[ -c /dev/ublk-control ] && return 0
	modprobe -q ublk_drv 2>/dev/null || return 1
	# udev may create the node a moment after the module loads.
	for _ in $(seq $READY_TRIES); do
		[ -c /dev/ublk-control ] && return 0
		sleep $READY_POLL_SECONDS
	done
	return 1
}

run_in_vm() {
	local rc
	step "this kernel ($(uname -r)) has no ublk: running the demo inside a VM with Debian's 6.12 kernel (tools/vm/run-vm.sh), so you see the real ublk path"
	command -v qemu-system-x86_64 >/dev/null ||
		die "qemu-system-x86_64 is missing: run 'make deps' (package qemu-system-x86)"
	run tools/vm/run-vm.sh --timeout $VM_TIMEOUT_SECONDS --mem $VM_MEM_MB \
		--env DEMO_DISK_MB="$DISK_MB" --env DEMO_FILE_MB="$FILE_MB" -- tools/demo.sh
	rc=$?
	echo
	if [ $rc = 0 ]; then
		echo "demo: every step worked; $(elapsed) in all, VM boot included"
	else
		echo "demo: FAILED (exit status $rc) after $(elapsed)"
	fi
	exit $rc
}

# --- the story -------------------------------------------------------------------

# Names carry our pid: nothing else on the machine uses them.
NS_TGT=aoedemo-tgt-$$
NS_INI=aoedemo-ini-$$
IF_TGT=dt$$
IF_INI=di$$
DIR=
MNT=

make_wire() {
	step "creating network namespaces $NS_TGT (target) and $NS_INI (initiator), joined by a veth pair"
	run ip netns add "$NS_TGT" || return 1
	run ip netns add "$NS_INI" || return 1
	run ip link add "$IF_INI" netns "$NS_INI" type veth peer name "$IF_TGT" netns "$NS_TGT" ||
		return 1
	run ip -n "$NS_INI" link set "$IF_INI" up && run ip -n "$NS_TGT" link set "$IF_TGT" up
}

start_target() {
	local pidfile=$DIR/aoe-target.pid pid
	step "creating a $DISK_MB MiB target file"
	run truncate -s "${DISK_MB}M" "$DIR/disk.img" || return 1
	step "serving it as AoE disk e$SHELF_SLOT with aoe-target in $NS_TGT"
	# setsid: Ctrl-C reaches every process of the terminal's foreground
	# group; the target must outlive it, or unmounting a file system with
	# unwritten data would wait for aoe-xdp's dead timeout (3 minutes).
	echo "\$ $(cmdline setsid ip netns exec "$NS_TGT" "$AOE_TARGET" -i "$IF_TGT" \
		--pidfile "$pidfile" "$SHELF_SLOT:$DIR/disk.img") &"
	# setsid and ip netns exec both exec: $! is aoe-target's own pid.
	setsid ip netns exec "$NS_TGT" "$AOE_TARGET" -i "$IF_TGT" --pidfile "$pidfile" \
		"$SHELF_SLOT:$DIR/disk.img" &
	pid=$!
	for _ in $(seq $READY_TRIES); do
		[ -s "$pidfile" ] && return 0
		kill -0 $pid 2>/dev/null || break
		sleep $READY_POLL_SECONDS
	done
	echo "aoe-target did not start (no $pidfile)"
	return 1
}

attach() {
	step "attaching aoe-xdp to the initiator end $IF_INI: it finds the disk and exports it through ublk"
	run export AOE_XDP_RUN_DIR="$DIR/run"
	# `nsenter --net` changes only the network namespace, so /dev (the ublk
	# device) and /sys/fs/bpf (the pinned maps) stay the ones this shell
	# sees; `ip netns exec` would remount /sys. setsid keeps Ctrl-C from
	# the attaching process: the daemon reports to it once discovery is
	# done and, when it is gone, dies of SIGPIPE without cleaning up.
	run setsid nsenter --net="/run/netns/$NS_INI" "$AOE_XDP" attach --export ublk "$IF_INI" ||
		return 1
	DEV=$(readlink "$AOE_XDP_RUN_DIR/by-aoe/e$SHELF_SLOT") ||
		{ echo "aoe-xdp exported no e$SHELF_SLOT (no $AOE_XDP_RUN_DIR/by-aoe/e$SHELF_SLOT)"; return 1; }
	[ -b "$DEV" ] || { echo "$DEV is not a block device"; return 1; }
	run lsblk "$DEV"
}

use_filesystem() {
	local mnt=$MNT sum_written sum_read
	step "making an ext4 file system on $DEV"
	run mkfs.ext4 -q "$DEV" || return 1
	step "mounting it"
	run mkdir -p "$mnt" && run mount "$DEV" "$mnt" || return 1
	step "writing a $FILE_MB MiB file of random data, flushed to the disk"
	run dd if=/dev/urandom of="$mnt/data" bs=1M count="$FILE_MB" conv=fsync status=none || return 1
	run sha256sum "$mnt/data" || return 1
	sum_written=$(sha256sum <"$mnt/data")
	step "unmounting and mounting again, so the read comes from the AoE disk, not the page cache"
	run umount "$mnt" && run mount "$DEV" "$mnt" || return 1
	run sha256sum "$mnt/data" || return 1
	sum_read=$(sha256sum <"$mnt/data")
	if [ "$sum_read" != "$sum_written" ]; then
		echo "the file read back differs from the file written"
		return 1
	fi
	echo "checksums match: the data made the round trip over AoE"
}

show_counters() {
	step "aoe-xdp stat: devices, targets (window, RTT, retransmits), interfaces, drops"
	run "$AOE_XDP" stat || return 1
	step "the XDP program's own counters, read straight from its pinned map (named fields thanks to BTF)"
	run bpftool map dump pinned "/sys/fs/bpf/aoe-xdp/$IF_INI/aoe_stats"
}

# --- teardown (also on failure and Ctrl-C) ------------------------------------------

wait_gone() { # pid seconds
	for _ in $(seq $(($2 * 10))); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	echo "pid $1 did not exit within $2 s: killing it"
	kill -9 "$1" 2>/dev/null
}

# A process that wrote its pid file and still runs.
pid_from() { # file
	local pid
	pid=$(cat "$1" 2>/dev/null) && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# Teardown looks at what exists, not at how far the story got: Ctrl-C may
# come between a command and the line that would have noted its effect.
teardown() {
	local rc=$? pid ns
	trap '' INT TERM
	step "tearing down"
	if [ -n "$MNT" ] && mountpoint -q "$MNT"; then
		run umount "$MNT" || run umount -l "$MNT"
	fi
	if pid=$(pid_from "${AOE_XDP_RUN_DIR:-/nonexistent}/aoe-xdp.pid"); then
		run "$AOE_XDP" detach "$IF_INI"
		wait_gone "$pid" $DAEMON_EXIT_SECONDS
	fi
	if pid=$(pid_from "$DIR/aoe-target.pid"); then
		run kill "$pid"
		wait_gone "$pid" $TARGET_EXIT_SECONDS
	fi
	for ns in "$NS_TGT" "$NS_INI"; do
		# Deleting a namespace deletes the veth end in it, and so the pair.
		[ -e "/run/netns/$ns" ] && run ip netns del "$ns"
	done
	# aoe-xdp keeps a lock file per interface name and namespace; this
	# name was ours alone.
	rm -f /run/aoe-xdp/iface-"$IF_INI"@*.lock
	if [ $rc != 0 ] && [ -s "${AOE_XDP_RUN_DIR:-/nonexistent}/aoe-xdp.log" ]; then
		echo "--- the daemon's log ($AOE_XDP_RUN_DIR/aoe-xdp.log):"
		cat "$AOE_XDP_RUN_DIR/aoe-xdp.log"
	fi
	rm -rf "$DIR"
	echo
	if [ $rc = 0 ]; then
		echo "demo: every step worked ($(elapsed))"
	else
		echo "demo: FAILED (exit status $rc) after $(elapsed)"
	fi
	exit $rc
}

check_ready() {
	[ "$(id -u)" = 0 ] || die "the demo needs root (network namespaces, XDP, ublk): run 'sudo make demo'"
	for f in "$AOE_XDP" "$AOE_TARGET"; do
		[ -x "$f" ] || die "$f is missing: run 'make' first"
	done
	for c in ip nsenter bpftool mkfs.ext4 lsblk sha256sum; do
		command -v $c >/dev/null || die "$c is missing: run 'make deps'"
	done
}

main() {
	if ! have_ublk; then
		[ "${VM_GUEST:-}" = 1 ] && die "no /dev/ublk-control even in the VM: see tools/vm/run-vm.sh"
		run_in_vm
	fi
	check_ready
	step "aoe-xdp demo on kernel $(uname -r), which has ublk"
	DIR=$(mktemp -d /tmp/aoedemo.XXXXXX) || die "cannot create a folder in /tmp"
	MNT=$DIR/mnt
	trap teardown EXIT
	trap 'exit 130' INT TERM
	make_wire || die "cannot build the network namespaces and veth pair"
	start_target || die "aoe-target did not start"
	attach || die "aoe-xdp attach did not export e$SHELF_SLOT through ublk"
	use_filesystem || die "the file system on $DEV did not work"
	show_counters || die "cannot read the counters"
}

main "$@"
