#!/usr/bin/env bash
# gofnd's libmicrohttpd: Debian 12's own 0.9.75-6, built from Debian's source
# package with our patches (*.patch here, in name order) and linked
# statically into gofnd only. Why: 0.9.75 answers some malformed requests
# itself (request line or headers over its connection memory, a bad
# Content-Length, a bad request line, bad chunked framing) with HTML bodies
# compiled into src/microhttpd/connection.c and no hook to replace them;
# json-error-bodies.patch makes them gofnd's JSON error body, and
# pool-no-zeroing.patch stops it zeroing a kept-alive connection's memory
# pool for every request (docs/design.md, "libmicrohttpd").
#
#   build.sh           build once into the prefix (a no-op when it is there)
#   build.sh --prefix  print the prefix (CMake asks; nothing is built)
#
# The prefix is keyed by the version and by the sha256 of this script and the
# patches, so a changed patch or flag builds anew and never mixes with an old
# build. Cached under GOFN_DEPS_CACHE (default /var/cache/gofn as root, else
# ~/.cache/gofn): CI's fresh machine builds it once (about a minute), then
# every `make build` finds it. The downloads are checked against the sha256s
# pinned below (the .dsc's own Checksums-Sha256), not just the .dsc.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
VERSION=0.9.75
DEBREV=6
MIRROR=${GOFN_DEBIAN_MIRROR:-http://deb.debian.org/debian}
POOL=$MIRROR/pool/main/libm/libmicrohttpd
# name sha256 (the .dsc pins the other two; dpkg-source checks them again)
FILES=(
	"libmicrohttpd_${VERSION}-${DEBREV}.dsc c0f8a9cd77c41285d2d48fc68bbee2e460a55042fcd5d3f6b9946c017d4b6846"
	"libmicrohttpd_${VERSION}.orig.tar.xz 796e7e217a4802679fcac667a4e98501c53185dcf50ca0583870e84192620131"
	"libmicrohttpd_${VERSION}-${DEBREV}.debian.tar.xz 566c247bfbf67e20858705ae695f58db747d50ed8512f2bc46a28bef9086e5af"
)
# No HTTPS (gofnd speaks plain HTTP behind its deployment's TLS), so the
# static library needs nothing beyond libc; no docs, examples or curl tests.
CONFIGURE_FLAGS=(--disable-shared --enable-static --with-pic --enable-https=no
	--disable-doc --disable-examples --disable-curl --disable-nls)

if [[ -n "${GOFN_DEPS_CACHE:-}" ]]; then
	cache=$GOFN_DEPS_CACHE
elif [[ $(id -u) -eq 0 ]]; then
	cache=/var/cache/gofn
else
	cache=${XDG_CACHE_HOME:-$HOME/.cache}/gofn
fi
key=$(cat "$HERE/build.sh" "$HERE"/*.patch | sha256sum | cut -c1-12)
prefix=$cache/libmicrohttpd-$VERSION-$DEBREV-$key

if [[ "${1:-}" == --prefix ]]; then
	echo "$prefix"
	exit 0
fi
[[ -f "$prefix/lib/libmicrohttpd.a" ]] && exit 0

mkdir -p "$cache"
exec 9>"$cache/libmicrohttpd.lock"
flock 9 # another install-deps run may be building the same prefix
[[ -f "$prefix/lib/libmicrohttpd.a" ]] && exit 0

work=$(mktemp -d "$cache/libmicrohttpd.build.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "install-deps: building libmicrohttpd $VERSION-$DEBREV with gofn's patches into $prefix (once)"
for f in "${FILES[@]}"; do
	read -r name sum <<<"$f"
	curl -fsSL --retry 3 -o "$work/$name" "$POOL/$name" || {
		echo "install-deps: cannot fetch $POOL/$name (set GOFN_DEBIAN_MIRROR to a Debian mirror that has it)" >&2
		exit 1
	}
	echo "$sum  $work/$name" | sha256sum -c --quiet - || {
		echo "install-deps: $name does not have the pinned sha256 $sum" >&2
		exit 1
	}
done
# dpkg-source checks the tarballs against the .dsc and applies Debian's
# own patches (debian/patches), as Debian's binary package has them. Its
# complaint that it cannot check the .dsc's signature (no Debian keyring)
# goes to the log: the pinned sha256s above are what we trust.
(cd "$work" && dpkg-source --no-copy -x "libmicrohttpd_${VERSION}-${DEBREV}.dsc" src) >"$work/dpkg-source.log" 2>&1 || {
	cat "$work/dpkg-source.log"
	exit 1
}
for p in "$HERE"/*.patch; do
	patch -d "$work/src" -p1 --forward --quiet <"$p"
done
# Debian's hardening flags, as debian/rules builds it (hardening=+all).
export DEB_BUILD_MAINT_OPTIONS=hardening=+all
CFLAGS=$(dpkg-buildflags --get CFLAGS)
CPPFLAGS=$(dpkg-buildflags --get CPPFLAGS)
(
	cd "$work/src"
	./configure --prefix="$prefix" "${CONFIGURE_FLAGS[@]}" CFLAGS="$CFLAGS" CPPFLAGS="$CPPFLAGS" >"$work/configure.log" 2>&1 ||
		{
			tail -n 30 "$work/configure.log"
			exit 1
		}
	make -C src/microhttpd -j "$(nproc)" >"$work/make.log" 2>&1 || {
		tail -n 30 "$work/make.log"
		exit 1
	}
	for d in src/microhttpd src/include; do
		make -C "$d" install DESTDIR="$work/dest" >>"$work/make.log" 2>&1 || {
			tail -n 30 "$work/make.log"
			exit 1
		}
	done
)
rm -f "$work/dest$prefix"/lib/*.la # as debian/rules does
# Whole or nothing: a build killed halfway leaves no prefix behind.
rm -rf "$prefix.tmp"
mv "$work/dest$prefix" "$prefix.tmp"
mv "$prefix.tmp" "$prefix"
echo "install-deps: libmicrohttpd built: $prefix/lib/libmicrohttpd.a"
