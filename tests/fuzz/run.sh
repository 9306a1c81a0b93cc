#!/usr/bin/env bash
# Runs the libFuzzer targets of a build. Seeds are real objects compiled at
# build time (tests/unit/testdata/build.sh); the working corpus and any crash
# artifacts stay in BUILD/fuzz/.
#   run.sh BUILD        bounded run for ctest (20 s per target)
#   run.sh BUILD long   `make fuzz`: FUZZ_SECONDS per target (default 600), then
#                       the linker, frame and http targets the same way
# A crash makes libFuzzer exit non-zero and leaves crash-* in BUILD/fuzz/artifacts/;
# reproduce with: BUILD/fuzz/fuzz_goobj BUILD/fuzz/artifacts/crash-...
set -euo pipefail
build=$(cd "${1:?usage: run.sh BUILD [long]}" && pwd)
mode=${2:-short}
here=$(cd "$(dirname "$0")" && pwd)
secs=20
[ "$mode" = long ] && secs=${FUZZ_SECONDS:-600}
bin=$build/fuzz/fuzz_goobj
if [ ! -x "$bin" ]; then
	echo "SKIP: $bin not built (clang missing; see tests/fuzz/CMakeLists.txt)"
	exit 0
fi
corpus=$build/fuzz/corpus_goobj
artifacts=$build/fuzz/artifacts
mkdir -p "$corpus" "$artifacts"
cp -n "$build"/tests/unit/goobj_testdata/*.o "$build"/tests/unit/goobj_testdata/*.a "$corpus"/
echo "fuzz_goobj: ${secs}s, corpus $corpus ($(ls "$corpus" | wc -l) inputs)"
status=0
"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	-dict="$here/goobj.dict" -artifact_prefix="$artifacts/" "$corpus" >"$build/fuzz/last.log" 2>&1 ||
	status=$?
grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::number_of_executed_units|^Done|ERROR|SUMMARY|Test unit written' \
	"$build/fuzz/last.log" || true
[ "$status" = 0 ] || echo "FAIL: fuzz_goobj exited $status; full log: $build/fuzz/last.log"
if [ "$mode" = long ]; then
	# `make fuzz` runs every target long, one after the other.
	"$here/run_link.sh" "$build" long || status=1
	for t in frame http; do
		"$here/run_target.sh" "$build" "$t" long || status=1
	done
fi
exit "$status"
