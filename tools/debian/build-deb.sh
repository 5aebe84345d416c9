#!/bin/sh
# Builds aoe-xdp_VERSION_ARCH.deb from what `make all` built, with Debian's
# own tools only (make install into a staging tree, dpkg-shlibdeps for the
# library dependencies, dpkg-deb). No maintainer scripts: installing
# changes nothing that runs (systemctl enable --now aoe-xdp does).
#   tools/debian/build-deb.sh BUILD-DIR VERSION
set -eu
mkdir -p "$1"
BUILD=$(cd "$1" && pwd)
VERSION=$2
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
ARCH=$(dpkg --print-architecture)
STAGE=$BUILD/deb/root
DEB=$BUILD/aoe-xdp_${VERSION}_$ARCH.deb

rm -rf "$BUILD/deb"
mkdir -p "$STAGE/DEBIAN"
# Debian 12 keeps units and udev rules under /lib (the /usr move comes later).
make -s -C "$TOP" install DESTDIR="$STAGE" PREFIX=/usr UNITDIR=/lib/systemd/system \
	UDEVRULESDIR=/lib/udev/rules.d BUILD="$1" >/dev/null
strip --strip-unneeded "$STAGE/usr/sbin/aoe-xdp" "$STAGE/usr/sbin/aoe-target"
gzip -9n "$STAGE/usr/share/man/man8/aoe-xdp.8"
install -D -m 0644 "$HERE/copyright" "$STAGE/usr/share/doc/aoe-xdp/copyright"
gzip -9nc "$TOP/README.md" >"$STAGE/usr/share/doc/aoe-xdp/README.md.gz"
chmod 0644 "$STAGE/usr/share/doc/aoe-xdp/README.md.gz"

# Library dependencies, as dpkg-shlibdeps finds them (it wants a
# debian/control to read: a minimal one in a scratch source folder).
mkdir -p "$BUILD/deb/src/debian"
cp "$HERE/control.shlibs" "$BUILD/deb/src/debian/control"
DEPENDS=$(cd "$BUILD/deb/src" && dpkg-shlibdeps -O \
	-e"$STAGE/usr/sbin/aoe-xdp" -e"$STAGE/usr/sbin/aoe-target" 2>/dev/null |
	sed -n 's/^shlibs:Depends=//p')
[ -n "$DEPENDS" ] || { echo "build-deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

SIZE=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE@/$SIZE/" \
	-e "s/@DEPENDS@/$DEPENDS/" "$HERE/control.in" >"$STAGE/DEBIAN/control"
install -m 0644 "$HERE/conffiles" "$STAGE/DEBIAN/conffiles"
(cd "$STAGE" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -print |
	sed 's|^\./||' | sort | xargs md5sum) >"$STAGE/DEBIAN/md5sums"
dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$DEB" >/dev/null
echo "$DEB"
