#!/bin/bash
# /dev/etherd/eS.N with the ublk export, and an fstab line written for the
# kernel aoe driver, "/dev/etherd/e1.1 /mnt ext4 _netdev 0 0", used as it
# is (bound over /etc/fstab; `mount -a -O _netdev` mounts such lines at
# boot, `mount /mnt` by hand). Both ways the link is made:
#   1. no udev (this VM has none): the daemon, started as systemd starts
#      it (attach --foreground, $NOTIFY_SOCKET), links /dev/etherd/e1.1 to
#      /dev/ublkbN before it says READY=1 (a _netdev mount follows READY:
#      the listener looks at the link when READY arrives); mkfs and mount
#      through the fstab line; flush keeps the device while mounted or
#      open, then removes its ublk disk and link (a discovery brings both
#      back); detach removes the link;
#   2. udev: systemd-udevd started with tools/udev/60-aoe-xdp.rules (as
#      make install puts it, in udev's runtime rules folder): udev makes
#      the link from the rule (udevadm info lists it), the daemon leaves
#      it alone, the filesystem mounts again through the same line with
#      its file intact, and the link goes with the device.
# Exit: 0 pass, 77 skip (no qemu or VM kernel), 1 fail.
# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/lib.sh"

FSTAB_LINE="/dev/etherd/e1.1 /mnt ext4 _netdev 0 0"
RULE=$VM_TOP/tools/udev/60-aoe-xdp.rules

# etherd_ublk eS.N: /dev/etherd/eS.N is a link to a live ublk disk.
etherd_ublk() { is_ublk "$(readlink -f "/dev/etherd/$1")"; }
mounted_from() { [ "$(findmnt -n -o SOURCE /mnt)" = "$1" ]; }
# What the daemon said, as it started (attach's output) and since (its log):
# how many links it made itself.
daemon_links() { cat "$TMP/attach.out" "$AOE_XDP_RUN_DIR/aoe-xdp.log" 2>/dev/null | grep -c ' -> /dev/ublkb'; }
udev_lists() { udevadm info -q symlink "$1" | tr ' ' '\n' | grep -qx 'etherd/e1.1'; }

# A listener on $TMP/notify.sock, as systemd's: on READY=1 it writes what
# /dev/etherd/e1.1 is at that moment to $TMP/ready.
start_listener() {
	/usr/bin/python3 - "$TMP/notify.sock" "$TMP/ready" <<'EOF' &
import os, socket, stat, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
while b"READY=1" not in s.recv(4096).split(b"\n"):
    pass
link = "/dev/etherd/e1.1"
what = "missing"
if os.path.islink(link):
    what = "block" if stat.S_ISBLK(os.stat(link).st_mode) else "other"
open(sys.argv[2], "w").write(what + "\n")
EOF
	PIDS+=("$!")
	wait_for 5 test -S "$TMP/notify.sock"
}

start_udev() {
	command -v udevadm >/dev/null && [ -x /lib/systemd/systemd-udevd ] || {
		fail "udev is not installed (make deps installs it)"
		return 1
	}
	mkdir -p /run/udev/rules.d
	sed "s|@SBINDIR@|$(dirname "$AOE_XDP")|g" "$RULE" >/run/udev/rules.d/60-aoe-xdp.rules
	/lib/systemd/systemd-udevd &
	UDEVD=$!
	PIDS+=("$UDEVD")
	wait_for 10 test -S /run/udev/control
}

# flush and the ublk export: a mounted device is kept, and one a process
# holds open; then its ublk disk and link go; a discovery brings both back.
flush_round() {
	local dev=$1 out
	out=$("$AOE_XDP" flush e1.1 2>&1)
	check "flush e1.1 while mounted: exit 1" test $? -eq 1
	check "... says where it is mounted ($out)" grep -q "is mounted on /mnt" <<<"$out"
	check "... and keeps it" is_ublk "$dev"
	check "umount" umount /mnt
	exec 4<"$dev"
	out=$("$AOE_XDP" flush e1.1 2>&1)
	check "flush e1.1 while a process has it open: kept ($out)" \
		grep -q "e1.1: kept: $dev is open in process $$" <<<"$out"
	exec 4<&-
	out=$("$AOE_XDP" flush e1.1 2>&1)
	check "flush e1.1 unmounted and closed: exit 0 ($out)" test "$out" = "flushed e1.1"
	check "... $dev is gone" wait_for 10 not test -e "$dev"
	check "... and the link" wait_for 5 not test -L /dev/etherd/e1.1
	"$AOE_XDP" discover --timeout 1 "$I0" >/dev/null 2>&1
	check "a discovery exports e1.1 again, linked" wait_for 10 etherd_ublk e1.1
}

no_udev_round() {
	local dev
	check "no udev: no /run/udev/control" not test -e /run/udev/control
	start_listener
	NOTIFY_SOCKET=$TMP/notify.sock "$AOE_XDP" attach --foreground --timeout 2 "$I0" \
		>"$TMP/attach.out" 2>&1 &
	DAEMON_PID=$!
	PIDS+=("$DAEMON_PID")
	check "attach --foreground says READY=1" wait_for 20 test -s "$TMP/ready"
	check "... when /dev/etherd/e1.1 links to a block device already" \
		test "$(cat "$TMP/ready" 2>/dev/null)" = block
	check "/dev/etherd/e1.1 links to e1.1's ublk device" wait_for 10 etherd_ublk e1.1
	dev=$(readlink /dev/etherd/e1.1)
	check "... the daemon made it ($dev)" test "$(daemon_links)" = 1
	check "mkfs.ext4 through the link" mkfs.ext4 -q -F /dev/etherd/e1.1
	check "mount -a -O _netdev mounts the fstab line" mount -a -O _netdev
	MOUNTS+=(/mnt)
	check "... /mnt is $dev" mounted_from "$dev"
	random_file "$TMP/data" 512
	check "a file written" cp "$TMP/data" /mnt/data
	flush_round "$dev"
	detach_checked "no udev" "$(readlink /dev/etherd/e1.1)"
	check "... and the link with it" not test -L /dev/etherd/e1.1
}

udev_round() {
	local dev
	# udev's programs run without our environment: the run dir it reads
	# is the default one.
	export AOE_XDP_RUN_DIR=/run/aoe-xdp
	start_udev || return
	attach --timeout 2 "$I0" >"$TMP/attach.out" 2>&1
	check "attach with udev running" test $? -eq 0
	check "/dev/etherd/e1.1 links to e1.1's ublk device" wait_for 10 etherd_ublk e1.1
	dev=$(readlink -f /dev/etherd/e1.1)
	check "... udev made it from the rule (udevadm info $dev)" udev_lists "$dev"
	check "... the daemon did not" test "$(daemon_links)" = 0
	check "mount /mnt through the same fstab line" mount /mnt
	check "... /mnt is $dev" mounted_from "$dev"
	check "... the file is intact" cmp -s "$TMP/data" /mnt/data
	check "umount" umount /mnt
	detach_checked "udev" "$dev"
	check "... and udev removed the link" wait_for 10 not test -L /dev/etherd/e1.1
	kill "$UDEVD"
}

guest() {
	vm_guest_init
	# lib.sh keeps links out of the host's /dev; this /dev is the VM's own.
	export AOE_XDP_ETHERD_DIR=/dev/etherd
	truncate -s 64M "$TMP/disk"
	target_start "$T0" -q 1.1:"$TMP/disk"
	echo "$FSTAB_LINE" >"$TMP/fstab"
	mount --bind "$TMP/fstab" /etc/fstab || { fail "cannot bind $TMP/fstab over /etc/fstab"; vm_done; }
	MOUNTS+=(/etc/fstab)
	no_udev_round
	udev_round
	vm_done
}

vm_main 240 "$VM_UBLK_MODULES"
