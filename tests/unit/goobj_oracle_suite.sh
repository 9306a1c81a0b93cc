#!/usr/bin/env bash
# The -parse oracle test (ctest parse/oracle) over real objects:
#   - the parser's own test objects (testdata/build.sh: one-file, two-file,
#     generics, and a -buildmode=archive package with assembly);
#   - standard library packages as `go build` archives them (go list -export),
#     real multi-file packages, some with assembly objects;
#   - every object of the program corpus (tests/programs), when built.
# usage: goobj_oracle_suite.sh GOFN_LOADER TESTDATA_DIR CORPUS_OBJ_DIR
set -euo pipefail
loader=$1 testdata=$2 corpus=$3
here=$(cd "$(dirname "$0")" && pwd)
std_pkgs=(errors strings strconv sort fmt bytes unicode/utf8 math math/bits sync
	encoding/json encoding/binary encoding/hex container/list container/heap bufio
	regexp time hash/crc32 text/tabwriter)

objs=("$testdata"/hello.o "$testdata"/multi.o "$testdata"/generics.o "$testdata"/lib.a)
mapfile -t std < <(go list -export -f '{{.Export}}' "${std_pkgs[@]}")
objs+=("${std[@]}")
ncorpus=0
if [ -d "$corpus" ]; then
	mapfile -t c < <(find "$corpus" -name '*.o' -o -name '*.a' | LC_ALL=C sort)
	ncorpus=${#c[@]}
	objs+=("${c[@]}")
fi
[ "$ncorpus" -gt 0 ] || echo "note: no corpus objects in $corpus (tests/programs not built); checking testdata and std only"
echo "checking ${#objs[@]} objects: 4 testdata, ${#std[@]} std packages, $ncorpus corpus"
[ "${#objs[@]}" -ge 20 ] || { echo "FAIL: fewer than 20 objects"; exit 1; }
exec "$here/goobj_oracle.sh" "$loader" "${objs[@]}"
