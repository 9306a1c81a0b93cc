#!/usr/bin/env bash
# typeindex_current.sh: loader/host/typeindex_gen.go equals what
# scripts/gen-typeindex writes for the installed toolchain. A stale index
# would not load wrong types (the loader checks each package's fingerprint)
# but would refuse globals whose type comes from another package.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
if ! go -C "$repo/scripts/gen-typeindex" run . | cmp -s - "$repo/loader/host/typeindex_gen.go"; then
	echo "FAIL: loader/host/typeindex_gen.go is stale; run: go -C scripts/gen-typeindex run . > loader/host/typeindex_gen.go"
	exit 1
fi
echo PASS
