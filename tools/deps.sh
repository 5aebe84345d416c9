#!/bin/sh
# Installs every Debian package that building, testing, the demo and the
# benchmarks need. Idempotent; silent when everything is already present.
set -eu

PKGS="make gcc clang llvm pkg-config libbpf-dev libxdp-dev bpftool libelf-dev
zlib1g-dev liburing-dev libfuse3-dev fuse3 libcriterion-dev libclang-rt-14-dev
iproute2 iputils-ping procps psmisc util-linux mount e2fsprogs kmod jq vblade tshark fio
qemu-system-x86 busybox-static cpio xz-utils zstd xdp-tools
python3-prometheus-client udev man-db dpkg-dev bash-completion gnuplot-nox"

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$missing" >&2
	echo "deps: run 'sudo make deps' to install them" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
