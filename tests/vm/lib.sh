# shellcheck shell=bash
# Shared by the ublk VM tests. Each test is one script that runs twice: on
# the host it boots one VM (tools/vm/run-vm.sh) running itself; inside the
# VM (VM_GUEST=1) it runs its guest() function, which builds veth pairs
# into a network namespace, starts targets there and drives aoe-xdp in the
# guest's root namespace (the kernel aoe driver only works there).
#
#   . "$(dirname "$0")/lib.sh"
#   guest() { vm_guest_init; target_start "$T0" 1.1:ram:8M; ...; vm_done; }
#   vm_main TIMEOUT_SECONDS "MODULES" [run-vm.sh options]
#
# Inside the guest, tests/net/lib.sh supplies check, wait_for, jq_check,
# bg, ns_add, vblade_start, stat_json, daemon_stop and the EXIT trap.
set -u
VM_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VM_SELF=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
# The modules the tests need at boot. Not the kernel aoe driver: loaded
# without aoe_iflist it listens on every interface; the interop test loads
# it for its own interface.
# shellcheck disable=SC2034 # for the tests that source this file
VM_UBLK_MODULES="veth ublk_drv ext4"

# --- on the host ---------------------------------------------------------------

vm_skip() {
	echo "skipped: $*"
	exit 77
}

# vm_main TIMEOUT MODULES [run-vm.sh options]: on the host, boot a VM that
# loads MODULES and runs this script, and exit with its status; in the
# guest, run guest().
vm_main() {
	local timeout=$1 modules=$2 start rc kdir bin
	shift 2
	if [ "${VM_GUEST:-}" = 1 ]; then
		guest
		return
	fi
	cd "$VM_TOP" || exit 1
	command -v qemu-system-x86_64 >/dev/null || vm_skip "qemu-system-x86_64 is not installed (make deps)"
	[ -x /bin/busybox ] || vm_skip "busybox-static is not installed (make deps)"
	kdir=$(tools/vm/get-kernel.sh) || vm_skip "no VM kernel: tools/vm/get-kernel.sh failed (see above)"
	tools/vm/mkinitramfs.sh "$kdir" >/dev/null || exit 1
	for bin in "${BUILD:-build}/aoe-xdp" "${BUILD:-build}/aoe-target"; do
		[ -x "$bin" ] || { echo "missing $bin: run make before the VM tests"; exit 1; }
	done
	start=$(date +%s%N)
	VM_MODULES=$modules tools/vm/run-vm.sh --timeout "$timeout" "$@" -- "$VM_SELF"
	rc=$?
	echo "vm: $((($(date +%s%N) - start) / 1000000)) ms in all, exit status $rc"
	# tests/run.sh shows a skipped test's last line.
	[ "$rc" = 77 ] && echo "skipped inside the VM (the reason is above)"
	exit "$rc"
}

# --- in the guest -----------------------------------------------------------------

if [ "${VM_GUEST:-}" = 1 ]; then
	# shellcheck source=tests/net/lib.sh
	. "$VM_TOP/tests/net/lib.sh"
fi

# Not the default /run/aoe-xdp, which also holds the interface locks: this
# folder must hold only what the daemon documents.
VM_RUN_DIR=/run/aoe-xdp-vm
MOUNTS=()

vm_cleanup() {
	local m
	for m in "${MOUNTS[@]}"; do
		umount "$m" 2>/dev/null
	done
	net_cleanup
}

# A private run dir, a clean kernel log, namespace "tgt" for the targets
# and a veth pair into it: $I0 in the guest's root namespace, $T0 in tgt.
vm_guest_init() {
	net_init
	trap 'vm_cleanup' EXIT
	export AOE_XDP_RUN_DIR=$VM_RUN_DIR
	mkdir -p "$AOE_XDP_RUN_DIR"
	dmesg --clear
	ns_add tgt
	I0=$(uniq_if i0)
	T0=$(uniq_if t0)
	wire "$I0" "$T0"
	log "guest up $(cut -d' ' -f1 /proc/uptime)s, kernel $(uname -r)"
}

# wire ROOT_IF TGT_IF: a veth pair from the guest's root namespace into tgt.
wire() {
	ip link add "$1" type veth peer name "$2" netns "$P-tgt" || exit 1
	sysctl -qw "net.ipv6.conf.$1.disable_ipv6=1"
	ip netns exec "$P-tgt" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1"
	ip link set "$1" up
	ip -n "$P-tgt" link set "$2" up
}

# target_start IFACE [aoe-target options] SHELF.SLOT:BACKING...: aoe-target
# in tgt, started once it wrote its pid file. Sets TARGET_PID. (Replaces
# tests/net/lib.sh's target_start, which takes a namespace first.)
target_start() {
	local ifname=$1 pidfile=$TMP/target-${#PIDS[@]}.pid
	shift
	bg tgt "$AOE_TARGET" -i "$ifname" --pidfile "$pidfile" "$@"
	# shellcheck disable=SC2034 # for the tests
	TARGET_PID=$LAST_PID
	wait_for 10 test -s "$pidfile" && return 0
	cat "$LAST_LOG"
	echo "aoe-target on $ifname did not start"
	exit 1
}

# attach [attach options] IFACE...: aoe-xdp attach in the root namespace;
# remembers the daemon for daemon_stop. AOE_XDP_ATTACH_OPTS (passed in by
# VM_ENV=AOE_XDP_ATTACH_OPTS) adds options, to run a test with a setting
# that is not the default, e.g. --tx-kick uring.
attach() {
	# shellcheck disable=SC2086 # words for attach
	"$AOE_XDP" attach ${AOE_XDP_ATTACH_OPTS:-} "$@" || return 1
	DAEMON_PID=$(cat "$AOE_XDP_RUN_DIR/aoe-xdp.pid" 2>/dev/null)
	[ -n "$DAEMON_PID" ]
}

# ublk_of eS.N: the block device the by-aoe link names, e.g. /dev/ublkb0.
ublk_of() { readlink "$AOE_XDP_RUN_DIR/by-aoe/$1"; }

# export_of eS.N: the export path `aoe-xdp stat` shows.
export_of() { stat_json ".devices[] | select(.name == \"$1\") | .export"; }

# is_ublk PATH: PATH is a /dev/ublkbN block device.
is_ublk() { [[ $1 =~ ^/dev/ublkb[0-9]+$ ]] && [ -b "$1" ]; }

# ublk_exported eS.N: the link names a live ublk block device and stat
# shows the same path.
ublk_exported() {
	local dev
	dev=$(ublk_of "$1") && is_ublk "$dev" && [ "$(export_of "$1")" = "$dev" ]
}

ublk_nodes() { find /dev -maxdepth 1 \( -name 'ublkb*' -o -name 'ublkc*' \) | sort; }
no_ublk_nodes() { [ -z "$(ublk_nodes)" ]; }

# klog_mark: later checks look only at kernel messages from here on.
KLOG_MARK=0
klog_mark() { KLOG_MARK=$(dmesg | wc -l); }
klog_since_mark() { dmesg | tail -n +$((KLOG_MARK + 1)); }

# Kernel messages about I/O errors on DEV since the mark.
io_errors_on() { klog_since_mark | grep -E "(I/O|Buffer I/O) error,? (on )?dev ${1#/dev/}\b"; }
no_io_errors_on() {
	local lines
	lines=$(io_errors_on "$1") || return 0
	echo "  kernel log: $(wc -l <<<"$lines") I/O error lines on $1, first ones:"
	head -n 4 <<<"$lines" | sed 's/^/    /'
	return 1
}

# random_file PATH KIB: KIB KiB of random bytes.
random_file() { head -c "$(($2 * 1024))" /dev/urandom >"$1"; }

# same_data DEVICE FILE: the device, read with O_DIRECT, equals FILE.
same_data() { dd if="$1" bs=1M iflag=direct status=none | cmp - "$2"; }

# write_at DEV FILE OFFSET_KIB: FILE onto DEV at OFFSET_KIB (a multiple of
# 64), O_DIRECT.
write_at() {
	dd if="$2" of="$1" bs=64k seek=$(($3 / 64)) oflag=direct conv=notrunc status=none
}

# same_at DEV FILE OFFSET_KIB: DEV holds FILE at OFFSET_KIB (O_DIRECT read).
same_at() {
	dd if="$1" bs=64k skip=$(($3 / 64)) count=$(($(stat -c %s "$2") / 65536)) iflag=direct \
		status=none | cmp - "$2"
}

# written_then_read WRITER READER FILE OFFSET_KIB
written_then_read() { write_at "$1" "$3" "$4" && same_at "$2" "$3" "$4"; }

# wait_kernel_disk DEV SECONDS: the kernel aoe driver shows DEV (asking it
# to discover again every second: the first broadcast may go before the
# link is up).
wait_kernel_disk() {
	local i
	for ((i = 0; i < $2; i++)); do
		[ -b "$1" ] && return 0
		echo 1 >/dev/etherd/discover
		sleep 1
	done
	[ -b "$1" ]
}

# mount_dev DEVICE DIR: mounted, and unmounted by the EXIT trap if need be.
mount_dev() {
	mkdir -p "$2" && mount "$1" "$2" || return 1
	MOUNTS+=("$2")
}

fsck_clean() {
	local out
	out=$(fsck.ext4 -fn "$1" 2>&1) && return 0
	echo "  fsck.ext4 -fn $1:"
	printf '    %s\n' "$out"
	return 1
}

# fio_passed STATUS JSON STDERR MIB: a write+verify fio job exited 0, and
# its JSON report shows no error and MIB MiB written and read back.
fio_passed() {
	local want=$(($4 << 20)) summary
	summary=$(jq -r '.jobs[0] | "error \(.error) written \(.write.io_bytes) read back \(.read.io_bytes)"' "$2" 2>&1)
	[ "$1" = 0 ] && [ "$summary" = "error 0 written $want read back $want" ] && return 0
	echo "  fio exited $1: $summary (want error 0, $want bytes each way)"
	sed 's/^/    /' "$3" | head -n 12
	return 1
}

# detach_checked WHO [DEV]: detach $I0; the daemon exits, DEV goes away.
detach_checked() {
	check "$1: detach" "$AOE_XDP" detach "$I0"
	check "$1: the daemon exits" wait_for 10 daemon_gone "$DAEMON_PID"
	DAEMON_PID=
	[ -z "${2:-}" ] || check "$1: $2 is gone" wait_for 10 not test -e "$2"
}

running() { kill -0 "$1" 2>/dev/null; }
daemon_gone() { [ -n "${1:-}" ] && ! running "$1"; }

# show_daemon_log: the daemon's log, for a failed check.
show_daemon_log() {
	echo "  $AOE_XDP_RUN_DIR/aoe-xdp.log:"
	sed 's/^/    /' "$AOE_XDP_RUN_DIR/aoe-xdp.log" 2>/dev/null | tail -n 30
}

# vm_done: like net_done, with the kernel log's tail when a check failed.
vm_done() {
	if [ "$FAILS" -gt 0 ]; then
		show_daemon_log
		echo "  dmesg (last 30 lines):"
		dmesg | tail -n 30 | sed 's/^/    /'
	fi
	log "guest done at $(cut -d' ' -f1 /proc/uptime)s"
	net_done
}
