#!/usr/bin/env bash
# Builds the VM's root: a newc cpio with busybox, bash, curl, jq, python3, gofnd,
# gofn-loader, the escape suite, the test scripts and the test objects,
# each executable with the shared libraries ldd names (at the same paths,
# which the sandbox's rootfs.c also relies on).
# usage: initramfs.sh BUILD_DIR OBJ_DIR OUT.cpio.gz
set -euo pipefail
build=$(cd "$1" && pwd)
objs=$(cd "$2" && pwd)
out=$3
root_src=$(cd "$(dirname "$0")/../.." && pwd)
stage=$(mktemp -d /tmp/gofn-vmroot.XXXXXX)
trap 'rm -rf "$stage"' EXIT

copy_with_libs() { # FILE [DEST]: the file (at DEST, else its own path) and its ldd closure
	local f=$1 dest=${2:-$1} lib
	mkdir -p "$stage$(dirname "$dest")"
	cp -L "$f" "$stage$dest"
	for lib in $(ldd "$f" 2>/dev/null | grep -o '/[^ ]*' | sort -u); do
		[[ -e "$stage$lib" ]] && continue
		mkdir -p "$stage$(dirname "$lib")"
		cp -L "$lib" "$stage$lib"
	done
}

mkdir -p "$stage"/{bin,sbin,proc,sys,dev,tmp,newroot,gofn/build/bin,gofn/objs,etc}
cp "$(command -v busybox)" "$stage/bin/busybox"
for t in bash curl jq setpriv; do copy_with_libs "$(command -v $t)"; done
# At the paths the scripts use (BUILD/bin/..., BUILD/tests/escape_suite).
copy_with_libs "$build/bin/gofnd" /gofn/build/bin/gofnd
# gofn-loader and, where the build has them, its per-release workers
# (gofn-loader-go1.NN, which gofnd spawns directly).
for f in "$build"/bin/gofn-loader*; do
	copy_with_libs "$f" "/gofn/build/bin/$(basename "$f")"
done
# python3 for the HTTP noisy tests' raw clients (slowloris.py, raw_http.py):
# the interpreter, and every module file it loads for their imports, at the
# same paths, so it finds its prefix as on the host (no whole stdlib).
python3 - <<'PY' >"$stage/.pyfiles"
import os, sys
import json, select, socket, time  # what tests/noisy/*.py import
import encodings.idna, encodings.latin_1  # what getaddrinfo and .decode load lazily
socket.getaddrinfo("127.0.0.1", 80)
json.loads(json.dumps({"a": b"x".decode("latin-1")}))
print(os.path.realpath(sys.executable))
for m in list(sys.modules.values()):
    for f in (getattr(m, "__file__", None), getattr(m, "__cached__", None)):
        if f and os.path.exists(f):
            print(os.path.realpath(f))
PY
while read -r f; do copy_with_libs "$f"; done <"$stage/.pyfiles"
mkdir -p "$stage/usr/bin"
py=$(head -1 "$stage/.pyfiles")
[[ "$py" == /usr/bin/python3 ]] || ln -sf "$py" "$stage/usr/bin/python3"
rm "$stage/.pyfiles"
copy_with_libs "$build/tests/escape_suite" /gofn/build/tests/escape_suite
copy_with_libs "$build/tests/gofn-loader-escape" /gofn/build/tests/gofn-loader-escape
mkdir -p "$stage/gofn/tests"
cp -r "$root_src/tests/integration" "$root_src/tests/noisy" "$root_src/tests/vm" "$stage/gofn/tests/"
cp "$objs"/*.o "$stage/gofn/objs/"
echo "root:x:0:0:root:/:/bin/bash" >"$stage/etc/passwd"
echo "nobody:x:65534:65534:nobody:/:/bin/false" >>"$stage/etc/passwd"
cp "$root_src/tests/vm/init" "$stage/init"
chmod +x "$stage/init"
(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
