#!/bin/bash
# Fetches the Debian 12 kernel the test VM boots (it has ublk_drv and aoe as
# modules, which the host kernel lacks) and prints the folder it unpacked to:
# $VM_CACHE/kernel/<kver>/ holding boot/vmlinuz-<kver>, lib/modules/<kver>/
# and, when it can be extracted, boot/vmlinux-<kver>: the uncompressed kernel,
# which qemu starts through its PVH entry point, skipping the decompressor
# (about a second under TCG).
#
#   tools/vm/get-kernel.sh            the newest cached kernel; fetch if none
#   tools/vm/get-kernel.sh --update   fetch the newest packaged kernel if it
#                                     is not cached yet
#   VM_KERNEL_PKG=linux-image-6.12.N+deb12-amd64-unsigned pins a package.
#
# Nothing is installed and nothing goes to /boot: the package is fetched with
# `apt-get download` and unpacked with `dpkg -x`. Root is needed only when the
# package lists must be refreshed. Silent when the kernel is cached.
set -eu
# shellcheck source=tools/vm/common.sh
. "$(dirname "$0")/common.sh"

# Debian 12's 6.12 backport flavour for plain amd64 (not -rt, not -cloud).
PKG_RE='^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$'

newest_cached() {
	local marker
	marker=$(printf '%s\n' "$VM_CACHE"/kernel/*/.complete | sort -V | tail -n 1)
	[ -f "$marker" ] && dirname "$marker"
	return 0
}

newest_packaged() {
	apt-cache pkgnames linux-image-6.12 2>/dev/null | grep -E "$PKG_RE" | sort -V | tail -n 1
}

refresh_lists() {
	[ "$(id -u)" = 0 ] ||
		vm_die "the package lists do not offer $1: run 'sudo apt-get update' (or set VM_KERNEL_PKG)"
	echo "vm: refreshing package lists (apt-get update)" >&2
	apt-get update -qq >/dev/null || vm_die "apt-get update failed: check the network and /etc/apt/sources.list"
}

# Downloads package $1 into folder $2; stale lists get one refresh.
download() {
	local log=$2/apt.log
	( cd "$2" && apt-get download -qq "$1" ) >"$log" 2>&1 && return 0
	refresh_lists "$1"
	( cd "$2" && apt-get download -qq "$1" ) >"$log" 2>&1 && return 0
	cat "$log" >&2
	vm_die "apt-get download $1 failed: check the network and the Debian mirrors in /etc/apt"
}

# Boot protocol setup-header fields (Documentation/arch/x86/boot.rst).
HDR_SETUP_SECTS=0x1f1
HDR_MAGIC=0x202
HDR_PAYLOAD=0x248 # payload_offset, payload_length: two le32
SECTOR=512
# Compressors other than gzip get the uncompressed size appended as le32.
SIZE_TRAILER=4

# Writes the ELF vmlinux inside bzImage $1 to $2 if it has a PVH entry note.
extract_vmlinux() { # bzimage out
	local sects offset length start magic trailer=$SIZE_TRAILER tool
	[ "$(od -An -c -j $((HDR_MAGIC)) -N 4 "$1" | tr -d ' ')" = HdrS ] || return 1
	sects=$(od -An -tu1 -j $((HDR_SETUP_SECTS)) -N 1 "$1")
	[ "$sects" -eq 0 ] && sects=4
	read -r offset length < <(od -An -tu4 -j $((HDR_PAYLOAD)) -N 8 "$1")
	start=$(((sects + 1) * SECTOR + offset))
	magic=$(od -An -tx1 -j $start -N 4 "$1" | tr -d ' ')
	case $magic in
	28b52ffd) tool="zstd -dcq" ;;
	fd377a58) tool="xz -dcq" ;;
	1f8b*) tool="gzip -dc"; trailer=0 ;;
	*) return 1 ;;
	esac
	tail -c +$((start + 1)) "$1" | head -c $((length - trailer)) | $tool >"$2" 2>/dev/null &&
		readelf -n "$2" 2>/dev/null | grep -q 'Xen.*(0x00000012)'
}

unpack() { # package kver
	local tmp=$VM_CACHE/kernel/.fetch.$$ dest=$VM_CACHE/kernel/$2
	rm -rf "$tmp" && mkdir -p "$tmp"
	# shellcheck disable=SC2064 # expand now: $tmp is local
	trap "rm -rf '$tmp'" EXIT
	echo "vm: fetching $1 (about 110 MB, once)" >&2
	download "$1" "$tmp"
	dpkg -x "$tmp"/*.deb "$tmp/root" || vm_die "dpkg -x of $1 failed: is the download complete?"
	[ -f "$tmp/root/boot/vmlinuz-$2" ] || vm_die "$1 has no boot/vmlinuz-$2: set VM_KERNEL_PKG to a kernel image package"
	depmod -b "$tmp/root" "$2" || vm_die "depmod -b $tmp/root $2 failed: is kmod installed?"
	extract_vmlinux "$tmp/root/boot/vmlinuz-$2" "$tmp/root/boot/vmlinux-$2" ||
		rm -f "$tmp/root/boot/vmlinux-$2"
	touch "$tmp/root/.complete"
	rm -rf "$dest"
	mv "$tmp/root" "$dest"
}

main() {
	local update=0 cached pkg kver
	case ${1:-} in
	--update) update=1 ;;
	"") ;;
	*) echo "usage: $0 [--update]" >&2; exit 2 ;;
	esac
	vm_cache_dir
	if [ $update = 0 ] && [ -z "${VM_KERNEL_PKG:-}" ]; then
		cached=$(newest_cached)
		[ -n "$cached" ] && { echo "$cached"; return 0; }
	fi
	mkdir -p "$VM_CACHE/kernel"
	vm_lock_cache
	pkg=${VM_KERNEL_PKG:-$(newest_packaged)}
	if [ -z "$pkg" ]; then
		refresh_lists "a linux-image-6.12.*+deb12-amd64-unsigned package"
		pkg=$(newest_packaged)
		[ -n "$pkg" ] || vm_die "no package matches $PKG_RE: is bookworm-backports or bookworm-security in the apt sources?"
	fi
	kver=${pkg#linux-image-}
	kver=${kver%-unsigned}
	[ -f "$VM_CACHE/kernel/$kver/.complete" ] || unpack "$pkg" "$kver"
	echo "$VM_CACHE/kernel/$kver"
}

main "$@"
