#!/bin/bash
# The Debian package (make deb): it installs with dpkg into a scratch root
# (dpkg --root, its own package database), holds the binary, aoe-target,
# the man page, the unit, the default file (a conffile), the udev rule and
# the bash completion with the paths filled in, depends on the packages
# that hold the libraries the binaries need, and what it installed runs:
# `aoe-xdp version`, `man -w aoe-xdp` (and the page renders), and the
# completion script completes. dpkg --purge takes it all away again.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
FAILS=0
ok() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
check() { local w=$1; shift; if "$@"; then ok "$w"; else fail "$w"; fi; }
skip() { echo "SKIP: $*"; exit 77; }
not_grep() { ! grep -q "$@"; }

for c in dpkg dpkg-deb dpkg-shlibdeps man readelf; do
	command -v "$c" >/dev/null || skip "needs $c (make deps installs dpkg-dev and man-db)"
done
[ "$(id -u)" = 0 ] || skip "dpkg --root needs root"
ROOT=$(mktemp -d /tmp/aoe-deb.XXXX)
trap 'rm -rf "$ROOT" "$ROOT.service"' EXIT

DEB=$(make -s deb 2>"$ROOT.err" | tail -n 1)
check "make deb builds a package ($DEB)" test -f "$DEB" || { cat "$ROOT.err"; exit 1; }
rm -f "$ROOT.err"
check "dpkg-deb accepts it" dpkg-deb --info "$DEB" >/dev/null

# Each library the binaries link (their NEEDED entries: the rest come with
# those) belongs to a package the package depends on.
needed_libs() {
	local bin soname
	for bin in build/aoe-xdp build/aoe-target; do
		for soname in $(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			ldd "$bin" | awk -v s="$soname" '$1 == s && $3 ~ /^\// {print $3}'
		done
	done | sort -u
}
deps_cover_libs() {
	local depends lib pkg bad=0
	depends=$(dpkg-deb -f "$DEB" Depends)
	[ -n "$(needed_libs)" ] || { echo "  no NEEDED libraries found: readelf or ldd failed"; return 1; }
	for lib in $(needed_libs); do
		pkg=$(dpkg -S "$(readlink -f "$lib")" 2>/dev/null | head -n 1 | cut -d: -f1)
		[ -z "$pkg" ] && pkg=$(dpkg -S "$lib" 2>/dev/null | head -n 1 | cut -d: -f1)
		case " $depends," in
		*" $pkg "* | *" $pkg,"*) ;;
		*) echo "  $lib is in package '$pkg', not in Depends: $depends"; bad=1 ;;
		esac
	done
	return $bad
}
check "Depends names the package of every library the binaries load" deps_cover_libs

# A scratch root with an empty package database.
mkdir -p "$ROOT/var/lib/dpkg/info" "$ROOT/var/lib/dpkg/updates"
touch "$ROOT/var/lib/dpkg/status"
# Its libraries are the host's, not in the scratch database: --force-depends.
dpkg --root="$ROOT" --force-depends -i "$DEB" >"$ROOT/dpkg.out" 2>&1
check "dpkg --root -i installs it" test $? -eq 0 || cat "$ROOT/dpkg.out"
check "dpkg lists it installed" \
	test "$(dpkg --root="$ROOT" -s aoe-xdp 2>/dev/null | sed -n 's/^Status: //p')" = \
	"install ok installed"

for f in /usr/sbin/aoe-xdp /usr/sbin/aoe-target /usr/share/man/man8/aoe-xdp.8.gz \
	/lib/systemd/system/aoe-xdp.service /etc/default/aoe-xdp \
	/lib/udev/rules.d/60-aoe-xdp.rules /usr/share/bash-completion/completions/aoe-xdp \
	/usr/share/doc/aoe-xdp/copyright; do
	check "installs $f" test -s "$ROOT$f"
done
check "/etc/default/aoe-xdp is a conffile" \
	grep -q '/etc/default/aoe-xdp' "$ROOT/var/lib/dpkg/info/aoe-xdp.conffiles"
check "the unit runs /usr/sbin/aoe-xdp" \
	grep -q '^ExecStart=/usr/sbin/aoe-xdp attach --foreground' "$ROOT/lib/systemd/system/aoe-xdp.service"
check "the udev rule runs /usr/sbin/aoe-xdp" \
	grep -q 'PROGRAM="/usr/sbin/aoe-xdp --udev-name %k"' "$ROOT/lib/udev/rules.d/60-aoe-xdp.rules"
check "no @...@ left in what it installs" \
	not_grep '@[A-Z]*@' "$ROOT/lib/systemd/system/aoe-xdp.service" "$ROOT/lib/udev/rules.d/60-aoe-xdp.rules"

# systemd's own check of the unit (the binaries where this root has them;
# the man page is this root's, not the host's): silent when all is well.
unit_verifies() {
	local unit=$ROOT.service out
	sed "s|/usr/sbin/|$ROOT/usr/sbin/|g" "$ROOT/lib/systemd/system/aoe-xdp.service" >"$unit"
	out=$(systemd-analyze verify --man=no "$unit" 2>&1) && [ -z "$out" ] && return 0
	echo "$out" | sed 's/^/  /'
	return 1
}
if command -v systemd-analyze >/dev/null; then
	check "systemd-analyze verify accepts the unit, silently" unit_verifies
else
	echo "# systemd-analyze is not installed: the unit is not verified"
fi
check "the unit is Type=notify, reloads by rediscovering, before remote-fs-pre.target" \
	bash -c "grep -qx 'Type=notify' '$ROOT/lib/systemd/system/aoe-xdp.service' &&
		 grep -q '^ExecReload=/usr/sbin/aoe-xdp discover' '$ROOT/lib/systemd/system/aoe-xdp.service' &&
		 grep -qx 'Before=remote-fs-pre.target' '$ROOT/lib/systemd/system/aoe-xdp.service'"

out=$("$ROOT/usr/sbin/aoe-xdp" version 2>&1)
check "aoe-xdp version runs ($out)" grep -q '^aoe-xdp [0-9]' <<<"$out"
check "aoe-target --version runs" "$ROOT/usr/sbin/aoe-target" --version
man_path=$(MANPATH=$ROOT/usr/share/man man -w aoe-xdp 2>&1)
check "man -w aoe-xdp finds the page ($man_path)" test "$man_path" = "$ROOT/usr/share/man/man8/aoe-xdp.8.gz"
check "the page renders, with the aoetools verbs" \
	bash -c "MANPATH='$ROOT/usr/share/man' MANWIDTH=100 man aoe-xdp 2>/dev/null | grep -q 'aoe-xdp flush'"
comp=$(bash -c '. "$0"; COMP_WORDS=("$1" fl); COMP_CWORD=1; _aoe_xdp; echo "${COMPREPLY[*]}"' \
	"$ROOT/usr/share/bash-completion/completions/aoe-xdp" "$ROOT/usr/sbin/aoe-xdp")
check "the installed completion completes 'fl' to flush ($comp)" test "$comp" = flush

dpkg --root="$ROOT" --purge aoe-xdp >"$ROOT/purge.out" 2>&1
check "dpkg --purge removes it" test $? -eq 0 || cat "$ROOT/purge.out"
left=$(find "$ROOT" -type f -not -path "$ROOT/var/*" -not -name '*.out' | head)
check "... nothing of it is left ($left)" test -z "$left"
[ "$FAILS" -gt 0 ] && { echo "$FAILS check(s) failed"; exit 1; }
exit 0
