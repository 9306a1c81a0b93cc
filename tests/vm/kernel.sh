#!/usr/bin/env bash
# Prints the path of Debian 12's cloud kernel (6.1, cgroup v2 capable),
# fetched once with apt-get download into CACHE and unpacked with dpkg-deb.
# usage: kernel.sh CACHE_DIR
set -euo pipefail
cache=$1
mkdir -p "$cache"
cached=$(ls "$cache"/boot/vmlinuz-* 2>/dev/null | head -1 || true)
if [[ -n "$cached" ]]; then
	echo "$cached"
	exit 0
fi
# linux-image-cloud-amd64 is a metapackage: its one dependency is the kernel.
pkg=$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-/{print $2; exit}')
[[ -n "$pkg" ]] || {
	echo "kernel.sh: no linux-image-cloud-amd64 in the apt sources (apt-get update?)" >&2
	exit 1
}
(cd "$cache" && apt-get download -q "$pkg" >&2)
dpkg-deb -x "$cache"/"$pkg"_*.deb "$cache"
rm -f "$cache"/"$pkg"_*.deb
ls "$cache"/boot/vmlinuz-* | head -1
