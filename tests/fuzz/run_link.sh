#!/usr/bin/env bash
# Bounded libFuzzer run of the linker target (fuzz_link.c) for ctest:
#   run_link.sh BUILD [long]   20 s, or FUZZ_SECONDS (default 600) with "long".
# Seeds are the parser's test objects; crashes land in BUILD/fuzz/artifacts_link/.
set -euo pipefail
build=$(cd "${1:?usage: run_link.sh BUILD [long]}" && pwd)
secs=20
[ "${2:-}" = long ] && secs=${FUZZ_SECONDS:-600}
bin=$build/fuzz/fuzz_link
if [ ! -x "$bin" ]; then
	echo "SKIP: $bin not built (clang missing; see tests/fuzz/CMakeLists.txt)"
	exit 0
fi
corpus=$build/fuzz/corpus_link
artifacts=$build/fuzz/artifacts_link
mkdir -p "$corpus" "$artifacts"
cp -n "$build"/tests/unit/goobj_testdata/*.o "$corpus"/ 2>/dev/null || true
echo "fuzz_link: ${secs}s, corpus $corpus ($(ls "$corpus" | wc -l) inputs)"
status=0
"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix="$artifacts/" "$corpus" >"$build/fuzz/last_link.log" 2>&1 || status=$?
grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::number_of_executed_units|^Done|ERROR|SUMMARY|Test unit written' \
	"$build/fuzz/last_link.log" || true
[ "$status" = 0 ] || echo "FAIL: fuzz_link exited $status; full log: $build/fuzz/last_link.log"
exit "$status"
