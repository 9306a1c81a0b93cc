#!/usr/bin/env bash
# gen-release.sh OUTDIR TOOLCHAIN REPO: writes one release's generated worker
# files into the build dir, each by that release's own toolchain:
#   keepalive_gen.go  (scripts/gen-keepalive: the std API the worker keeps)
#   keepextra_gen.go, keepextra_amd64.s (the same: linkname pulls and ABI0
#                     entries, package loader/host/keepextra)
#   typeindex_gen.go  (scripts/gen-typeindex: std type descriptors by index)
#   overlay.json      (go build -overlay: adds both to loader/host)
# They are generated at build time, not committed: they depend on the exact
# toolchain (patch releases included), so a committed copy goes stale.
set -euo pipefail
out=$1 tc=$2 repo=$3
mkdir -p "$out"
export GOTOOLCHAIN=$tc
go -C "$repo/scripts/gen-keepalive" run . -out "$out"
go -C "$repo/scripts/gen-typeindex" run . >"$out/typeindex_gen.go.tmp"
mv "$out/typeindex_gen.go.tmp" "$out/typeindex_gen.go"
cat >"$out/overlay.json" <<JSON
{"Replace": {
  "$repo/loader/host/keepalive_gen.go": "$out/keepalive_gen.go",
  "$repo/loader/host/keepextra/keepextra_gen.go": "$out/keepextra_gen.go",
  "$repo/loader/host/keepextra/keepextra_amd64.s": "$out/keepextra_amd64.s",
  "$repo/loader/host/typeindex_gen.go": "$out/typeindex_gen.go"
}}
JSON
