#!/bin/busybox sh
# shellcheck shell=dash # busybox ash: dash plus "local"
# PID 1 of the test VM (copied to /init by mkinitramfs.sh).
#
# Mounts the host root (9p tag "hostroot", read-only) at /root and the run's
# scratch share (9p tag "work", writable) over the very path it has on the
# host, loads the modules the run asked for, then makes the host root the
# root (see below) and runs <scratch>/run.sh (written by run-vm.sh) with its
# stdout and stderr going to <scratch>/stdout and <scratch>/stderr, which the
# host streams. The exit code goes to <scratch>/rc; then the VM powers off.
# The console (ttyS0) carries kernel messages and this script's progress
# and errors.
#
# Settings come from <scratch>/vm.conf (sourced):
#   VM_MODE     run | shell (shell: run.sh on the console, interactive)
#   VM_SCRATCH  host path of the scratch share
#   VM_KDIR     kernel cache folder (dpkg -x root), VM_KVER its version
#   VM_MODULES  modules to load: from /modules when the initramfs has them,
#               else with modprobe
# and <scratch>/rw.list: extra writable shares (tags rw0, rw1, ...), one host
# path a line, mounted at the same path.
#
# The host root has no modules for this kernel: modprobe needs
# `-d $VM_KDIR` (run-vm.sh puts it in MODPROBE_OPTIONS), and the kernel's
# own module autoloading goes through /bin/vm-modprobe, which adds it.
#
# The command runs with the host root moved onto / (as switch_root does),
# not merely chrooted into: a process that enters a mount namespace (setns,
# `nsenter -m`, as tests/net/lib.sh does) lands on that namespace's root,
# which would otherwise be the initramfs. This shell and the kernel's
# module helper keep the initramfs as their root and reach the host root
# through a recursive bind mount at /host.

/bin/busybox --install -s /bin
export PATH=/bin
NINEP=trans=virtio,version=9p2000.L,msize=512000
R=/root

mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
exec </dev/console >/dev/console 2>&1

say() {
	echo "vm-init: [$(cut -d' ' -f1 /proc/uptime)s] $*"
}

# No rc file is written, so run-vm.sh reports a VM failure and shows these
# console lines.
fail() {
	say "$*"
	poweroff -f
}

# Loads module $1 and its dependencies from /modules. /modules/deps has a
# line "name: dependency ... name" per module, in load order, with "-" spelled
# "_" as in /proc/modules; /modules/boot names the modules that mount 9p.
# Returns 1 if the module is not there. A dependency may fail (a soft one
# such as crc32c-intel needs a CPU feature TCG lacks); the module must load.
load_local() {
	local line dep
	line=$(grep "^$1:" /modules/deps) || return 1
	for dep in ${line#*:}; do
		grep -q "^$dep " /proc/modules && continue
		insmod "/modules/$dep.ko" 2>/dev/null || [ "$dep" != "$1" ] ||
			fail "insmod $dep failed"
	done
}

load_modules() { # module...
	local m remote=
	for m in "$@"; do
		load_local "$m" || remote="$remote $m"
	done
	[ -z "$remote" ] && return 0
	# shellcheck disable=SC2086 # a list of names
	vm-modprobe -a $remote ||
		fail "modprobe$remote failed (kernel $VM_KVER from $VM_KDIR)"
}

mount_host_root() {
	mkdir -p $R /share
	mount -t 9p -o ro,$NINEP,cache=loose hostroot $R ||
		fail "cannot mount the host root (9p tag hostroot)"
	mount -t 9p -o $NINEP work /share || fail "cannot mount the scratch share (9p tag work)"
	# shellcheck source=/dev/null # written by run-vm.sh
	. /share/vm.conf || fail "cannot read vm.conf from the scratch share"
	mount -t proc proc $R/proc
	mount -t sysfs sys $R/sys
	mount -t devtmpfs dev $R/dev
	# What udev would add: bash's <(...) needs /dev/fd.
	ln -s /proc/self/fd $R/dev/fd
	ln -s /proc/self/fd/0 $R/dev/stdin
	ln -s /proc/self/fd/1 $R/dev/stdout
	ln -s /proc/self/fd/2 $R/dev/stderr
	mkdir -p $R/dev/pts $R/dev/shm
	mount -t devpts -o newinstance,ptmxmode=0666 devpts $R/dev/pts
	mount -t tmpfs tmpfs $R/dev/shm
	mount -t tmpfs tmpfs $R/tmp
	mount -t tmpfs tmpfs $R/run
	mount -t bpf bpf $R/sys/fs/bpf
}

# /host: the host root with everything mounted in it so far, seen from the
# initramfs even after /root moved onto /. From here on $R is /host.
bind_host_root() {
	mkdir -p /host
	mount --rbind $R /host || fail "cannot bind the host root at /host"
	R=/host
}

# The kernel runs /proc/sys/kernel/modprobe (in this initramfs) to autoload.
setup_modprobe() {
	cp "$R$VM_SCRATCH/vm.conf" /vm.conf
	cat >/bin/vm-modprobe <<-'EOF'
	#!/bin/sh
	. /vm.conf
	exec chroot /host /sbin/modprobe -d "$VM_KDIR" "$@"
	EOF
	chmod +x /bin/vm-modprobe
	echo /bin/vm-modprobe >/proc/sys/kernel/modprobe
}

mount_shares() {
	local n=0 dir
	mkdir -p "$R$VM_SCRATCH"
	mount -o move /share "$R$VM_SCRATCH" || fail "cannot mount the scratch share at $VM_SCRATCH"
	while read -r dir; do
		mkdir -p "$R$dir"
		mount -t 9p -o $NINEP "rw$n" "$R$dir" || fail "cannot mount share rw$n at $dir"
		n=$((n + 1))
	done <"$R$VM_SCRATCH/rw.list"
}

say "init started"
read -r boot_modules </modules/boot
for m in $boot_modules; do
	load_local "$m" || fail "the initramfs lacks module $m"
done
mount_host_root
mount_shares
bind_host_root
setup_modprobe
# shellcheck disable=SC2086 # a list of names
load_modules $VM_MODULES
hostname vm
ip link set lo up
say "running the command"

S=$R$VM_SCRATCH
# The host root onto /; "chroot ." (from inside it) makes it the command's
# root. This shell still resolves paths in the initramfs.
{ cd /root && mount -o move /root /; } || fail "cannot move the host root onto /"
if [ "$VM_MODE" = shell ]; then
	setsid -c chroot . /bin/bash "$VM_SCRATCH/run.sh" <>/dev/ttyS0 >&0 2>&0
else
	chroot . /bin/bash "$VM_SCRATCH/run.sh" </dev/null >>"$S/stdout" 2>>"$S/stderr"
fi
echo $? >"$S/rc"
say "command exited"
poweroff -f
