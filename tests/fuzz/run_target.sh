#!/usr/bin/env bash
# Runs one libFuzzer target of a build with its seeds (tests/fuzz/seeds/NAME_seeds.py
# writes them), its dictionary (tests/fuzz/NAME.dict) and flags (NAME.flags), if any, and every past
# crash (tests/fuzz/regress/NAME/*, replayed first: a fixed bug stays fixed).
#   run_target.sh BUILD NAME          bounded run for ctest (FUZZ_SECONDS, default 20)
#   run_target.sh BUILD NAME long     `make fuzz` (FUZZ_SECONDS, default 600)
# The working corpus and crash artifacts stay in BUILD/fuzz/; reproduce a
# crash with: BUILD/fuzz/fuzz_NAME BUILD/fuzz/artifacts_NAME/crash-...
set -euo pipefail
build=$(cd "${1:?usage: run_target.sh BUILD NAME [long]}" && pwd)
name=${2:?usage: run_target.sh BUILD NAME [long]}
here=$(cd "$(dirname "$0")" && pwd)
secs=${FUZZ_SECONDS:-20}
[ "${3:-}" = long ] && secs=${FUZZ_SECONDS:-600}
bin=$build/fuzz/fuzz_$name
if [ ! -x "$bin" ]; then
	echo "SKIP: $bin not built (clang missing; see tests/fuzz/server_targets.cmake)"
	exit 0
fi
corpus=$build/fuzz/corpus_$name
artifacts=$build/fuzz/artifacts_$name
log=$build/fuzz/last_$name.log
mkdir -p "$corpus" "$artifacts"
python3 "$here/seeds/${name}_seeds.py" "$corpus"
regress=()
if [ -d "$here/regress/$name" ] && [ -n "$(ls -A "$here/regress/$name")" ]; then
	echo "fuzz_$name: replaying $(ls "$here/regress/$name" | wc -l) regression inputs"
	"$bin" -runs=0 "$here/regress/$name"/* >"$log" 2>&1 || {
		cat "$log"
		echo "FAIL: a regression input of fuzz_$name crashes again"
		exit 1
	}
	regress=("$here/regress/$name")
fi
dict=()
[ -f "$here/$name.dict" ] && dict=(-dict="$here/$name.dict")
# Extra libFuzzer flags of a target, one per line (# comments), with why.
if [ -f "$here/$name.flags" ]; then
	while IFS= read -r f; do
		[[ -z "$f" || "$f" == \#* ]] || dict+=("$f")
	done <"$here/$name.flags"
fi
echo "fuzz_$name: ${secs}s, corpus $corpus ($(ls "$corpus" | wc -l) inputs)"
status=0
"$bin" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
	"${dict[@]}" -artifact_prefix="$artifacts/" "$corpus" "${regress[@]}" >"$log" 2>&1 || status=$?
grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::number_of_executed_units|^Done|ERROR|SUMMARY|Test unit written' \
	"$log" || true
[ "$status" = 0 ] || echo "FAIL: fuzz_$name exited $status; full log: $log"
exit "$status"
