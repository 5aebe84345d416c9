#!/bin/bash
# Runs a command inside a throw-away VM whose kernel has ublk_drv and the
# kernel aoe driver (the host kernel has neither and cannot load modules).
#
#   tools/vm/run-vm.sh [options] [--] COMMAND [ARG...]
#   tools/vm/run-vm.sh --shell            interactive shell (make vm-shell)
#
# Options (each has an environment default):
#   --timeout SEC   VM_TIMEOUT (300): stop the VM after SEC seconds, exit 124
#   --mem MB        VM_MEM (1024)
#   --smp N         VM_SMP (1: boots about 2 s faster than 2 under TCG;
#                   ask for 2 when a test needs real parallelism)
#   --modules "a b" modules to load besides VM_MODULES (veth ublk_drv aoe ext4)
#   --env NAME[=VALUE]  pass a variable into the guest (repeatable); CI, BUILD,
#                   TERM, V, PATH and the names listed in VM_ENV always pass
#   --rw DIR        share the host folder DIR writable at the same path
#                   (repeatable); everything else from the host is read-only
#   --shell         an interactive shell instead of COMMAND (leave with
#                   Ctrl-D; Ctrl-A x kills the VM)
#
# The guest sees the host's / read-only at the same paths (so build outputs
# under the checkout are there), with its own tmpfs on /tmp and /run, and
# bpffs on /sys/fs/bpf. COMMAND runs as root in the caller's working
# directory with VM_GUEST=1, HOME=/tmp, MODPROBE_OPTIONS (so `modprobe NAME`
# finds the VM kernel's modules) and VM_SCRATCH: a writable folder the host
# can read while the VM runs (deleted afterwards unless VM_KEEP=1).
# COMMAND's stdin is empty; its stdout and stderr stream to ours (in the
# guest they are files on the scratch share, so output is block-buffered).
# The guest has no network but lo; tests build their own veth pairs.
#
# The kernel (fetched once, see get-kernel.sh) and the initramfs live in
# VM_CACHE, by default $BUILD/vm.
#
# Exit status: COMMAND's, or 124 when it timed out, or 125 when the VM failed
# (qemu did not start, the guest did not boot, a module did not load); the
# message says which. VM_CONSOLE=1 also streams the guest console to stderr;
# VM_APPEND adds kernel parameters. VM_ACCEL=kvm|tcg forces an accelerator;
# by default KVM is used only when a probe boot shows it works on this host
# (the result is cached).
set -u
# shellcheck source=tools/vm/common.sh
. "$(dirname "$0")/common.sh"

EXIT_TIMEOUT=124
EXIT_VM_FAILED=125
ALWAYS_PASSED_ENV="CI BUILD TERM V PATH"
GUEST_PATH_DIRS=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
KVM_PROBE_SECONDS=10
# Grace period for qemu to exit after SIGTERM before SIGKILL.
KILL_AFTER_SECONDS=5
# How often tail checks whether qemu has exited.
TAIL_POLL_SECONDS=0.1
CONSOLE_LINES_SHOWN=20
# A throw-away test VM needs neither crypto self-tests nor speculation
# mitigations; both cost boot time under TCG (about half a second each).
KERNEL_ARGS="console=ttyS0 quiet panic=-1 cryptomgr.notests mitigations=off"

usage() {
	sed -n '2,/^set -u/{/^set -u/d;s/^# \{0,1\}//;p}' "$0" >&2
	exit 2
}

failed() {
	echo "vm: $*" >&2
	exit $EXIT_VM_FAILED
}

# Single-quotes $1 for a POSIX shell (vm.conf is read by busybox sh).
shell_quote() {
	printf "'%s'" "${1//\'/\'\\\'\'}"
}

parse_args() {
	TIMEOUT=${VM_TIMEOUT:-300}
	MEM=${VM_MEM:-1024}
	SMP=${VM_SMP:-1}
	MODULES=${VM_MODULES-$VM_DEFAULT_MODULES}
	MODE=run
	ENV_ARGS=()
	RW_DIRS=()
	local dir
	while [ $# -gt 0 ]; do
		case $1 in
		--timeout) TIMEOUT=${2:?}; shift 2 ;;
		--mem) MEM=${2:?}; shift 2 ;;
		--smp) SMP=${2:?}; shift 2 ;;
		--modules) MODULES="$MODULES ${2?}"; shift 2 ;;
		--env) ENV_ARGS+=("${2:?}"); shift 2 ;;
		--rw) dir=$(cd "${2:?}" && pwd) || failed "--rw $2: no such folder"
			RW_DIRS+=("$dir"); shift 2 ;;
		--shell) MODE=shell; shift ;;
		--) shift; break ;;
		-h|--help) usage ;;
		-*) echo "vm: unknown option $1" >&2; usage ;;
		*) break ;;
		esac
	done
	COMMAND=("$@")
	[ $MODE = shell ] || [ ${#COMMAND[@]} -gt 0 ] || usage
	for n in "$TIMEOUT" "$MEM" "$SMP"; do
		case $n in ''|*[!0-9]*) echo "vm: '$n' is not a number" >&2; usage ;; esac
	done
}

# The guest mounts its own tmpfs over /tmp and /run, hiding the host's.
check_paths() {
	local p
	for p in "$PWD" "$VM_REPO"; do
		case $p in
		/tmp|/tmp/*|/run|/run/*)
			failed "$p is under /tmp or /run, which the guest replaces with a tmpfs: work from a folder outside them" ;;
		esac
	done
	for p in "$PWD" "${RW_DIRS[@]}"; do
		case $p in *$'\n'*) failed "path '$p' contains a newline" ;; esac
	done
}

export_line() { # name value
	printf 'export %s=%q\n' "$1" "$2"
}

# Writes the shell script the guest runs: environment, cwd, command.
write_run_script() { # file
	local name kv rows cols
	{
		for kv in $ALWAYS_PASSED_ENV ${VM_ENV:-} "${ENV_ARGS[@]}"; do
			name=${kv%%=*}
			[[ $name =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || failed "'$kv' (--env or VM_ENV) is not a variable name"
			if [ "$name" != "$kv" ]; then
				export_line "$name" "${kv#*=}"
			elif [ -n "${!name+x}" ]; then
				export_line "$name" "${!name}"
			fi
		done
		export_line PATH "${PATH:+$PATH:}$GUEST_PATH_DIRS"
		export_line MODPROBE_OPTIONS "-d $KDIR"
		export_line VM_SCRATCH "$SHARE"
		echo 'export VM_GUEST=1 HOME=/tmp'
		printf 'cd -- %q || exit %d\n' "$PWD" $EXIT_VM_FAILED
		if [ $MODE = shell ]; then
			[ -t 0 ] && read -r rows cols < <(stty size) &&
				printf 'stty rows %d cols %d\n' "$rows" "$cols"
			echo 'export debian_chroot=vm'
			echo 'exec /bin/bash -i'
		else
			printf 'exec'
			printf ' %q' "${COMMAND[@]}"
			echo
		fi
	} >"$1"
}

write_vm_conf() { # file
	{
		echo "VM_MODE=$MODE"
		echo "VM_SCRATCH=$(shell_quote "$SHARE")"
		echo "VM_KDIR=$(shell_quote "$KDIR")"
		echo "VM_KVER=$(shell_quote "$KVER")"
		echo "VM_MODULES=$(shell_quote "$MODULES")"
	} >"$1"
}

# The uncompressed kernel boots faster (PVH entry, no decompressor).
kernel_image() {
	if [ -f "$KDIR/boot/vmlinux-$KVER" ]; then
		echo "$KDIR/boot/vmlinux-$KVER"
	else
		echo "$KDIR/boot/vmlinuz-$KVER"
	fi
}

# KVM is used only if this host can run a guest with it: a /dev/kvm that
# opens is not enough (nested setups fail at the first instruction). The
# probe boots the kernel without an initramfs: a working KVM reaches the
# "cannot mount root" panic in well under a second.
probe_kvm() {
	local out=$RUN/kvm-probe.log
	( timeout -k 1 $KVM_PROBE_SECONDS qemu-system-x86_64 -nodefaults -no-user-config \
		-display none -accel kvm -cpu host -m 256 -no-reboot \
		-kernel "$(kernel_image)" -append "console=ttyS0 panic=-1" \
		-serial "file:$out" || true ) >/dev/null 2>&1
	grep -q 'Kernel panic' "$out" 2>/dev/null
}

choose_accel() {
	local cached
	cached=$VM_CACHE/accel-$(uname -r)
	case ${VM_ACCEL:-auto} in
	kvm|tcg) echo "$VM_ACCEL" >"$RUN/accel"; cached=$RUN/accel ;;
	auto) ;;
	*) failed "VM_ACCEL=$VM_ACCEL: use kvm, tcg or auto" ;;
	esac
	if [ ! -f "$cached" ]; then
		if [ -r /dev/kvm ] && [ -w /dev/kvm ] && probe_kvm; then
			echo kvm >"$RUN/accel"
		else
			echo tcg >"$RUN/accel"
		fi
		mv "$RUN/accel" "$cached"
	fi
	if [ "$(cat "$cached")" = kvm ]; then
		ACCEL=(-accel kvm -cpu host)
	else
		ACCEL=(-accel tcg)
	fi
}

# A 9p share: tag, host path, extra -fsdev options.
add_share() {
	local id=fs$SHARES
	SHARES=$((SHARES + 1))
	QEMU+=(-fsdev "local,id=$id,path=$2,security_model=none,multidevs=remap$3"
		-device "virtio-9p-pci,fsdev=$id,mount_tag=$1")
}

qemu_args() {
	local n=0 dir
	QEMU=(qemu-system-x86_64 -nodefaults -no-user-config -display none -no-reboot
		"${ACCEL[@]}" -m "$MEM" -smp "$SMP"
		-kernel "$(kernel_image)" -initrd "$INITRD"
		-append "$KERNEL_ARGS ${VM_APPEND:-}"
		-device virtio-rng-pci
		-pidfile "$RUN/qemu.pid")
	SHARES=0
	add_share hostroot / ,readonly=on
	add_share work "$SHARE" ""
	for dir in "${RW_DIRS[@]}"; do
		add_share "rw$n" "$dir" ""
		n=$((n + 1))
	done
	if [ $MODE = shell ]; then
		QEMU+=(-serial mon:stdio)
	else
		QEMU+=(-serial "file:$RUN/console")
	fi
}

prepare() {
	command -v qemu-system-x86_64 >/dev/null ||
		failed "qemu-system-x86_64 not found: run 'make deps' (package qemu-system-x86)"
	vm_cache_dir || exit $EXIT_VM_FAILED
	KDIR=$("$VM_REPO/tools/vm/get-kernel.sh") || failed "no VM kernel (see above)"
	KVER=$(basename "$KDIR")
	INITRD=$("$VM_REPO/tools/vm/mkinitramfs.sh" "$KDIR") || failed "no initramfs (see above)"
	RUN=$(mktemp -d "${TMPDIR:-/tmp}/aoe-vm.XXXXXX") || failed "mktemp failed: is ${TMPDIR:-/tmp} writable?"
	SHARE=$RUN/share
	mkdir "$SHARE"
	: >"$SHARE/rw.list"
	[ ${#RW_DIRS[@]} -gt 0 ] && printf '%s\n' "${RW_DIRS[@]}" >"$SHARE/rw.list"
	: >"$SHARE/stdout"
	: >"$SHARE/stderr"
	: >"$RUN/console"
	write_run_script "$SHARE/run.sh"
	write_vm_conf "$SHARE/vm.conf"
	choose_accel
	qemu_args
}

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	local pid
	[ -n "${RUN:-}" ] || return 0
	pid=$(cat "$RUN/qemu.pid" 2>/dev/null) && kill -KILL "$pid" 2>/dev/null
	# shellcheck disable=SC2086 # a list of pids
	[ -n "${TAIL_PIDS:-}" ] && kill $TAIL_PIDS 2>/dev/null
	if [ "${VM_KEEP:-0}" = 1 ]; then
		echo "vm: kept $RUN" >&2
	else
		rm -rf "$RUN"
	fi
}

# Streams a file while qemu (pid $1) lives, then its last bytes.
follow() { # pid file fd
	# shellcheck disable=SC2261 # stdout to fd $3, tail's complaints away
	tail -c +1 -s $TAIL_POLL_SECONDS --pid="$1" -f "$2" >&"$3" 2>/dev/null &
	TAIL_PIDS="${TAIL_PIDS:-} $!"
}

show_console() { # lines
	echo "vm: last console lines:" >&2
	tail -n "$1" "$RUN/console" 2>/dev/null | sed 's/^/vm:   /' >&2
}

explain_failure() { # qemu-status
	if [ -s "$RUN/qemu.err" ]; then
		echo "vm: qemu exited with status $1:" >&2
		sed 's/^/vm:   /' "$RUN/qemu.err" >&2
	fi
	echo "vm: the guest stopped before the command finished" >&2
	show_console $CONSOLE_LINES_SHOWN
	exit $EXIT_VM_FAILED
}

run_batch() {
	local qemu status
	timeout -k $KILL_AFTER_SECONDS "$TIMEOUT" "${QEMU[@]}" </dev/null >"$RUN/qemu.err" 2>&1 &
	qemu=$!
	# shellcheck disable=SC2064 # expand now
	trap "kill -TERM $qemu 2>/dev/null; wait $qemu; exit 130" INT TERM HUP
	follow $qemu "$SHARE/stdout" 1
	follow $qemu "$SHARE/stderr" 2
	[ "${VM_CONSOLE:-0}" = 1 ] && follow $qemu "$RUN/console" 2
	wait $qemu
	status=$?
	# shellcheck disable=SC2086 # a list of pids
	wait $TAIL_PIDS
	TAIL_PIDS=
	if [ $status = $EXIT_TIMEOUT ]; then
		echo "vm: timed out after ${TIMEOUT}s (raise --timeout or VM_TIMEOUT)" >&2
		show_console 5
		exit $EXIT_TIMEOUT
	fi
	[ -s "$SHARE/rc" ] || explain_failure $status
	exit "$(cat "$SHARE/rc")"
}

run_shell() {
	"${QEMU[@]}"
	local status=$?
	[ -s "$SHARE/rc" ] || explain_failure $status
	exit "$(cat "$SHARE/rc")"
}

main() {
	parse_args "$@"
	check_paths
	trap cleanup EXIT
	prepare
	if [ $MODE = shell ]; then
		run_shell
	else
		run_batch
	fi
}

main "$@"
