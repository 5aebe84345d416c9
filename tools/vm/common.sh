# shellcheck shell=bash
# Shared by the VM scripts: where the cache lives and how to lock it.
# Sourced, not run. Sets VM_REPO (repository root) and VM_CACHE (absolute).

VM_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# Loaded in every VM unless VM_MODULES says otherwise; the initramfs carries
# them (decompressed) so that loading them costs no 9p reads and no xz.
# shellcheck disable=SC2034 # used by the scripts that source this file
VM_DEFAULT_MODULES="veth ublk_drv aoe ext4"
# What the guest loads first: virtio_rng seeds the kernel's random pool
# (without it, getrandom() blocks for ~10 s after boot under TCG), 9p and
# 9pnet_virtio mount the host root.
# shellcheck disable=SC2034
VM_BOOT_MODULES="virtio_rng 9p 9pnet_virtio"

# The cache follows $BUILD like every other output, so `make clean` or a
# fresh checkout starts from nothing; VM_CACHE overrides it (e.g. to keep
# the 100 MB kernel download out of a build directory that is often wiped).
vm_cache_dir() {
	local build=${BUILD:-build}
	case $build in /*) ;; *) build=$VM_REPO/$build ;; esac
	VM_CACHE=${VM_CACHE:-$build/vm}
	case $VM_CACHE in /*) ;; *) VM_CACHE=$VM_REPO/$VM_CACHE ;; esac
	mkdir -p "$VM_CACHE" || {
		echo "vm: cannot create cache directory $VM_CACHE: check permissions or set VM_CACHE" >&2
		return 1
	}
}

# Serialises cache updates between concurrent runs (two tests starting on a
# fresh machine must not both download and unpack). Locks the cache folder
# itself through fd 9, held until the calling script exits.
vm_lock_cache() {
	exec 9<"$VM_CACHE" && flock 9 && return 0
	echo "vm: cannot lock $VM_CACHE" >&2
	return 1
}

vm_die() {
	echo "vm: $*" >&2
	exit 1
}
