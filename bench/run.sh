#!/usr/bin/env bash
# make bench: gofn measured beside its alternatives in one run on one
# machine (issue 7), written to BUILD/bench/results.md and results.json.
# Usage: bench/run.sh BUILD
#   BENCH_SCALE=full (default) or smoke (tiny counts: checks only that every
#   row produced a figure and its peer; ctest's bench/smoke).
#   BENCH_REPS, BENCH_SECS, BENCH_TENANTS override the scale's counts.
set -uo pipefail

BUILD=$(cd "${1:?usage: bench/run.sh BUILD}" && pwd)
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
export PATH="$PATH:/usr/local/go/bin"
LOADER=$BUILD/bin/gofn-loader
# gofnd as deployed, not its sanitized twin the integration tests prefer.
export GOFN_TEST_PLAIN=1
OUT=$BUILD/bench
[[ "${BENCH_SCALE:-full}" == smoke ]] && OUT=$BUILD/bench-smoke
WORK=$OUT/work
RESULTS=$OUT/results.tsv
source "$BENCH/lib.sh"

case "${BENCH_SCALE:-full}" in
full)
	REPS=11 HF_RUNS=10 SECS=10 FIB=35 SHA_MIB=256 MAP_ROUNDS=15 CALLS=200000000
	HOST_CALLS=20000 LARGE_FUNCS=4000 LOAD_TIMES=50 CYCLES_HI=1000 CYCLES_LO=10 TENANTS="1 10 100 1000"
	;;
smoke)
	REPS=1 HF_RUNS=2 SECS=1 FIB=20 SHA_MIB=2 MAP_ROUNDS=1 CALLS=100000
	HOST_CALLS=100 LARGE_FUNCS=50 LOAD_TIMES=4 CYCLES_HI=4 CYCLES_LO=2 TENANTS="1 3"
	;;
*)
	echo "bench: BENCH_SCALE=${BENCH_SCALE} (want full or smoke)" >&2
	exit 2
	;;
esac
REPS=${BENCH_REPS:-$REPS} SECS=${BENCH_SECS:-$SECS} TENANTS=${BENCH_TENANTS:-$TENANTS}

for tool in wrk hyperfine jq go; do
	command -v $tool >/dev/null || {
		echo "bench: $tool not installed (scripts/install-deps.sh)" >&2
		exit 1
	}
done
[[ -x "$LOADER" && -x "$BUILD/bin/bench-bare-mhd" ]] || {
	echo "bench: build first (make BUILD=$BUILD)" >&2
	exit 1
}
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
rm -rf "$OUT"
mkdir -p "$WORK"
: >"$RESULTS"

# prepare NAME SRC [plugin]: NAME.o (gofn), NAME (native) and, when asked,
# NAME.so (plugin) of one source file, all by the same toolchain.
prepare() {
	local name=$1 src=$2
	"$ROOT/scripts/gofn-compile" -o "$WORK/$name.o" "$src" &&
		go build -o "$WORK/$name" "$src" || return 1
	[[ -z "${3:-}" ]] || go build -buildmode=plugin -o "$WORK/$name.so" "$src"
}
echo "bench: building the programs (scale ${BENCH_SCALE:-full})" >&2
"$BENCH/gen_large.sh" "$LARGE_FUNCS" >"$WORK/large.go"
for p in fib sha maps rss; do
	prepare $p "$BENCH/progs/$p.go" || exit 1
done
prepare calls "$BENCH/progs/calls.go" plugin || exit 1
prepare large "$WORK/large.go" plugin || exit 1
prepare hello "$ROOT/tests/integration/progs/hello.go" || exit 1
go build -o "$WORK/plugin_host" "$BENCH/plugin_host/main.go" || exit 1
echo "bench: built in ${SECONDS}s" >&2

for row in compute load calls memory server floor; do
	source "$BENCH/row_$row.sh"
	echo "bench: row $row done at ${SECONDS}s" >&2
done

# What the figures were measured on: they mean little without it.
jq -n --arg date "$(date -u +%FT%TZ)" --arg commit "$(git -C "$ROOT" describe --always --dirty)" \
	--arg scale "${BENCH_SCALE:-full}" --arg go "$(go env GOVERSION)" \
	--arg cpu "$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)" \
	--arg ncpu "$(nproc)" --arg kernel "$(uname -r)" \
	--arg mem "$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)" \
	--arg load_start "$LOAD_START" --arg load_end "$(cut -d' ' -f1-3 /proc/loadavg)" \
	--arg seconds "$SECONDS" '$ARGS.named' >"$OUT/meta.json"
"$BENCH/report.sh" "$RESULTS" "$OUT" || exit 1
echo "bench: wrote $OUT/results.md and $OUT/results.json" >&2
cat "$OUT/results.md"
