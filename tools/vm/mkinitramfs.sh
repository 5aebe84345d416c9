#!/bin/bash
# Builds the test VM's initramfs for a kernel folder made by get-kernel.sh and
# prints its path: $VM_CACHE/initramfs-<kver>.cpio.
#
#   tools/vm/mkinitramfs.sh KERNEL_DIR
#
# Contents: busybox-static, tools/vm/guest-init.sh as /init, and, decompressed,
# VM_BOOT_MODULES (random seed and 9p over virtio) and VM_DEFAULT_MODULES
# with everything they depend on. /modules/deps has one line per module,
# "name: dependency ... name" in insmod order (empty for builtin modules);
# /modules/boot lists VM_BOOT_MODULES. The guest loads any other module with
# modprobe from KERNEL_DIR over 9p. The archive is not compressed: inflating
# it would cost boot time under TCG. Rebuilt only when an input is newer;
# silent otherwise.
set -eu
# shellcheck source=tools/vm/common.sh
. "$(dirname "$0")/common.sh"

BOOT_MODULES="$VM_BOOT_MODULES $VM_DEFAULT_MODULES"
BUSYBOX=/bin/busybox
INIT=$VM_REPO/tools/vm/guest-init.sh

up_to_date() { # output inputs...
	local out=$1 in
	shift
	[ -f "$out" ] || return 1
	for in in "$@"; do
		[ "$in" -nt "$out" ] && return 1
	done
	return 0
}

# Prints the files modprobe would insmod for module $3, dependencies first.
module_files() { # kdir kver module
	modprobe -d "$1" -S "$2" --show-depends "$3" | awk '$1 == "insmod" { print $2 }'
}

add_module() { # kdir kver module stage
	local f name names=
	for f in $(module_files "$1" "$2" "$3"); do
		name=$(basename "$f")
		name=${name%.xz}
		name=${name%.ko}
		name=${name//-/_}
		names="$names $name"
		[ -f "$4/modules/$name.ko" ] && continue
		case $f in
		*.xz) xz -dc "$f" >"$4/modules/$name.ko" ;;
		*) cp "$f" "$4/modules/$name.ko" ;;
		esac || vm_die "cannot unpack module $f"
	done
	echo "$3:$names" >>"$4/modules/deps"
}

build() { # kdir kver out
	local stage=$3.stage.$$ m
	rm -rf "$stage"
	# shellcheck disable=SC2064 # expand now
	trap "rm -rf '$stage' '$3.tmp'" EXIT
	mkdir -p "$stage"/{bin,dev,proc,sys,root,share,modules}
	cp "$BUSYBOX" "$stage/bin/busybox"
	install -m 0755 "$INIT" "$stage/init"
	for m in $BOOT_MODULES; do
		modprobe -d "$1" -S "$2" --show-depends "$m" >/dev/null 2>&1 ||
			vm_die "module $m is not in $1: remove that folder and rerun get-kernel.sh"
		add_module "$1" "$2" "$m" "$stage"
	done
	echo "$VM_BOOT_MODULES" >"$stage/modules/boot"
	(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$3.tmp" ||
		vm_die "cpio failed while writing $3"
	mv "$3.tmp" "$3"
}

main() {
	if [ $# != 1 ] || [ ! -d "$1" ]; then
		echo "usage: $0 KERNEL_DIR (from get-kernel.sh)" >&2
		exit 2
	fi
	local kdir kver out
	kdir=$(cd "$1" && pwd)
	kver=$(basename "$kdir")
	# The initramfs has no C library: busybox must be the static build.
	if [ ! -x "$BUSYBOX" ] || ! LC_ALL=C ldd "$BUSYBOX" 2>&1 | grep -q 'not a dynamic executable'; then
		vm_die "$BUSYBOX is missing or not static: install busybox-static (make deps)"
	fi
	vm_cache_dir
	out=$VM_CACHE/initramfs-$kver.cpio
	set -- "$0" "$INIT" "$BUSYBOX" "$kdir/.complete" "$VM_REPO/tools/vm/common.sh"
	if ! up_to_date "$out" "$@"; then
		vm_lock_cache
		up_to_date "$out" "$@" || build "$kdir" "$kver" "$out"
	fi
	echo "$out"
}

main "$@"
