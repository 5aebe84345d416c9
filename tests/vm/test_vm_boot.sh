#!/bin/bash
# Boots the test VM once and checks, inside, what the VM tests rely on:
# modprobe ublk_drv gives /dev/ublk-control; the kernel aoe driver loads,
# finds a vblade target across a veth pair into a network namespace and reads
# back exactly what it serves; bpftool, libxdp (xdp-filter), fio with io_uring,
# modprobe of a module not in the initramfs, and mkfs.ext4 + mount work.
# Prints the boot time (qemu start to the command's first line of output):
# measured and shown, not asserted.
# Exit: 0 pass, 77 skip (no qemu), 1 fail.
set -u
cd "$(dirname "$0")/../.." || exit 1
SELF=$PWD/tests/vm/test_vm_boot.sh
VM_TIMEOUT_SECONDS=240

# --- inside the VM ----------------------------------------------------------

DISK_BYTES=$((1024 * 1024))
SHELF=1
SLOT=1
DISCOVER_SECONDS=15

failures=0

uptime_ms() {
	local up
	read -r up _ </proc/uptime
	echo $((${up/./} * 10))
}

check() { # description command...
	local what=$1 t0 verdict=ok
	shift
	t0=$(uptime_ms)
	"$@" || { verdict=FAIL; failures=$((failures + 1)); }
	printf '%-4s - %s (%d ms)\n' $verdict "$what" $(($(uptime_ms) - t0))
}

# Waits up to $1 seconds for block device $2, asking the driver to discover
# targets again every second (vblade may start after the first broadcast).
wait_for_aoe_disk() { # seconds device
	local i
	for ((i = 0; i < $1; i++)); do
		[ -b "$2" ] && return 0
		echo 1 >/dev/etherd/discover
		sleep 1
	done
	[ -b "$2" ]
}

aoe_read_matches() { # device file
	dd if="$1" bs=64k iflag=direct status=none | cmp - "$2"
}

xdp_filter_loads() { # ifname
	xdp-filter load "$1" && xdp-loader status "$1" | grep -q xdpfilt && xdp-filter unload "$1"
}

ext4_on_loop_works() {
	local img=/tmp/ext4.img mnt=/tmp/ext4.mnt
	truncate -s 32M $img && mkfs.ext4 -q -F $img && e2fsck -fn $img >/dev/null 2>&1 &&
		modprobe loop && mkdir -p $mnt && mount -o loop $img $mnt &&
		echo hello >$mnt/f && umount $mnt
}

fio_io_uring_runs() {
	fio --name=vmcheck --ioengine=io_uring --rw=randread --bs=4k --size=1M \
		--filename=/tmp/fio.dat --minimal >/tmp/fio.out
}

guest() {
	local ns=vmboot$$ disk=/tmp/aoe-disk.img vblade_pid dev=/dev/etherd/e$SHELF.$SLOT
	echo "guest: up $(cut -d' ' -f1 /proc/uptime)s, kernel $(uname -r)"
	check "modprobe ublk_drv gives /dev/ublk-control" eval "modprobe ublk_drv && test -c /dev/ublk-control"
	check "modprobe aoe gives /dev/etherd/discover" eval "modprobe aoe && test -c /dev/etherd/discover"
	check "veth pair into netns $ns" eval "ip netns add $ns &&
		ip link add aoe0 type veth peer name aoe1 netns $ns &&
		ip link set aoe0 up && ip -n $ns link set aoe1 up"
	head -c $DISK_BYTES /dev/urandom >$disk
	ip netns exec "$ns" vblade $SHELF $SLOT aoe1 $disk >/tmp/vblade.log 2>&1 &
	vblade_pid=$!
	echo aoe0 >/dev/etherd/interfaces
	check "kernel aoe driver finds vblade's $dev" wait_for_aoe_disk $DISCOVER_SECONDS $dev
	check "dd from $dev matches the served file" aoe_read_matches $dev $disk
	kill $vblade_pid
	check "bpftool prog runs" eval "bpftool prog >/dev/null"
	check "libxdp: xdp-filter loads and unloads on aoe0" xdp_filter_loads aoe0
	check "fio with io_uring runs" fio_io_uring_runs
	check "modprobe loop, mkfs.ext4, fsck, mount -o loop" ext4_on_loop_works
	echo "guest: done at $(cut -d' ' -f1 /proc/uptime)s"
	[ $failures = 0 ]
}

# --- on the host ------------------------------------------------------------

skip() {
	echo "skipped: $*"
	exit 77
}

# Prints each line of the VM's output, and before the first one the time
# since $1 (ns since the epoch).
timestamp_first_line() { # start-ns
	local line first=1
	while IFS= read -r line; do
		if [ $first = 1 ]; then
			first=0
			echo "boot: $(( ($(date +%s%N) - $1) / 1000000 )) ms from qemu start to the first line"
		fi
		printf '%s\n' "$line"
	done
}

host() {
	local start rc kdir
	command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
	[ -x /bin/busybox ] || skip "busybox-static is not installed (make deps)"
	# The first run downloads the kernel: keep that out of the boot time.
	kdir=$(tools/vm/get-kernel.sh) && tools/vm/mkinitramfs.sh "$kdir" >/dev/null || exit 1
	start=$(date +%s%N)
	tools/vm/run-vm.sh --timeout $VM_TIMEOUT_SECONDS -- "$SELF" 2>&1 | timestamp_first_line "$start"
	rc=${PIPESTATUS[0]}
	echo "vm: $(( ($(date +%s%N) - start) / 1000000 )) ms in all, exit status $rc"
	[ "$rc" = 0 ]
}

if [ "${VM_GUEST:-}" = 1 ]; then
	guest
else
	host
fi
