#!/usr/bin/env bash
# Release build of gofnd, gofn-loader and its per-release workers
# (gofn-loader-go1.NN) into DEST/bin (default ./dist).
# The Dockerfile's build stage runs exactly this; CI runs it too
# (ctest deploy/build-release), so the image's build step can't rot.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=$(realpath -m "${1:-dist}")
build=${GOFN_RELEASE_BUILD:-build-release}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DGOFN_SANITIZE=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target gofnd gofn-loader >/dev/null
install -d "$dest/bin"
install -m 0755 "$build/bin/gofnd" "$build/bin/gofn-loader" "$build"/bin/gofn-loader-go1.* "$dest/bin/"
echo "build-release: $dest/bin/gofnd $dest/bin/gofn-loader" "$dest"/bin/gofn-loader-go1.*
