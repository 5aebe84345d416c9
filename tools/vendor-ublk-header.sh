#!/bin/bash
# Refreshes include/linux/ublk_cmd.h, the ublk UAPI header aoe-xdp builds
# against. Debian 12's linux-libc-dev ships the 6.1 header, which lacks the
# ioctl-encoded commands (UBLK_U_*) the 6.12 driver expects, so the 6.12
# header is vendored unmodified from Debian's linux-headers-6.12.*-common
# package (GPL-2.0 WITH Linux-syscall-note, as its SPDX line says). Because
# `-Iinclude` comes before the system paths, `#include <linux/ublk_cmd.h>`
# picks this copy.
#
#   tools/vendor-ublk-header.sh           the newest 6.12 package apt offers
#   UBLK_HDR_PKG=linux-headers-6.12.N+deb12-common pins one.
#
# Nothing is installed: the package is fetched with `apt-get download` and
# unpacked with `dpkg -x` into a temporary folder.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dest=$top/include/linux/ublk_cmd.h

die() { echo "vendor-ublk-header: $*" >&2; exit 1; }

pkg=${UBLK_HDR_PKG:-$(apt-cache pkgnames linux-headers-6.12 2>/dev/null |
	grep -E '^linux-headers-6\.12\.[0-9]+\+deb12-common$' | sort -V | tail -n 1)}
[ -n "$pkg" ] || die "apt offers no linux-headers-6.12.*-common: run 'apt-get update' with bookworm-security or bookworm-backports in the sources"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
( cd "$work" && apt-get download -qq "$pkg" ) >"$work/apt.log" 2>&1 ||
	{ cat "$work/apt.log" >&2; die "apt-get download $pkg failed: check the network and the Debian mirrors"; }
dpkg -x "$work"/*.deb "$work/root"
src=$(find "$work/root" -path '*/include/uapi/linux/ublk_cmd.h' | head -n 1)
[ -n "$src" ] || die "$pkg holds no include/uapi/linux/ublk_cmd.h"
grep -q UBLK_U_IO_FETCH_REQ "$src" || die "$pkg's ublk_cmd.h lacks UBLK_U_IO_FETCH_REQ: not a 6.12 header"
mkdir -p "$(dirname "$dest")"
cp "$src" "$dest"
echo "vendor-ublk-header: include/linux/ublk_cmd.h from $pkg"
