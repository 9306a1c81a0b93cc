#!/usr/bin/env bash
# Profiles the warm invoke path (issue 16 target 2): a gofnd started as
# bench_invoke.sh starts it (--workers 4, plain build, --sandbox auto), one
# tenant with tests/integration/progs/hello.go, wrk posting to main.Handle,
# and perf record -g on gofnd and on the worker that serves the calls. Then
# the same wrk against bench-bare-mhd, so the two figures come from one run.
# Not part of make test or make bench: a tool for looking (docs/benchmarks.md).
# Usage: bench/profile_warm.sh BUILD [CONCURRENCY] [SECONDS]
# Output in $OUT (default BUILD/bench/profile): gofnd.top.txt and
# worker.top.txt (the frames with the most samples, inclusive and self),
# *.folded (collapsed stacks for a flame graph), wrk.gofnd.cC.txt, wrk.bare.cC.txt, and
# syscalls.txt (perf trace -s during wrk.traced.txt's requests).
export GOFN_TEST_PLAIN=1
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
source "$BENCH_DIR/../tests/integration/lib.sh"
source "$BENCH_DIR/lib.sh"
C=${2:-1}
SECS=${3:-10}
OUT=${OUT:-$BUILD/bench/profile}
mkdir -p "$OUT"
command -v perf >/dev/null || { echo "profile: perf not installed (linux-perf)"; exit 1; }

start_gofnd "$TMP/data" --workers 4 --queue 1024
T=$(new_tenant bench) || exit 1
HELLO=$(compile hello) || exit 1
upload "$T" "$HELLO" >/dev/null || { echo "profile: upload failed: $BODY"; exit 1; }
req POST /invoke/main.Handle "$T" --data-binary warm
cat >"$TMP/post.lua" <<LUA
wrk.method = "POST"
wrk.body = "bench"
wrk.headers["Authorization"] = "Bearer $T"
LUA
workers=$(pgrep -P "$PID" -d, || true)
# The sandboxed worker is a grandchild (supervisor -> worker): take every
# descendant that runs gofn-loader -worker.
all=$(workers_of "$PID" | paste -sd,)
echo "gofnd $PID, workers ${all:-none} (children $workers)"

wrk_run() { # URL LUA OUTFILE
	wrk -t $((C < 2 ? 1 : 2)) -c "$C" -d "${SECS}s" --latency -s "$2" "$1" >"$3"
}
# perf attaches to the threads gofnd has when it starts (MHD starts one
# per connection): wrk first, perf a second later for SECS - 2 seconds.
# gofnd's C is built without frame pointers: DWARF unwinding. The worker
# (Go) keeps frame pointers.
HZ=2000
wrk_run "$URL/invoke/main.Handle" "$TMP/post.lua" "$OUT/wrk.gofnd.c$C.txt" &
pw=$!
sleep 1
perf record -q -F $HZ --call-graph dwarf,16384 -o "$TMP/gofnd.data" -p "$PID" -- sleep "$((SECS - 2))" 2>/dev/null &
p1=$!
if [[ -n "$all" ]]; then
	perf record -q -F $HZ -g -o "$TMP/worker.data" -p "$all" -- sleep "$((SECS - 2))" 2>/dev/null &
	p2=$!
fi
wait $pw $p1 ${p2:-}
uptime >"$OUT/load.txt"
# System calls per request, in a second run (tracing slows gofnd down):
# perf trace's summary of gofnd and of the worker, and wrk's request count.
# The trace covers 4 of wrk's 6 seconds: about 2/3 of its requests.
SECS=6 wrk_run "$URL/invoke/main.Handle" "$TMP/post.lua" "$OUT/wrk.traced.txt" &
pw=$!
sleep 1
perf trace -s -p "$PID${all:+,$all}" -o "$OUT/syscalls.txt" -- sleep 4 2>/dev/null
wait $pw

# report DATA NAME BINARY: collapsed stacks (NAME.folded, root first, for a
# flame graph) and the top frames by inclusive and by self time
# (NAME.top.txt). Frames perf could not name (the confined worker's binary
# is not at its path in our mount namespace) are named from BINARY.
report() {
	local reqs # during perf's SECS - 2 seconds
	reqs=$(awk -v s="$SECS" '/requests in/ {print $1 * (s - 2) / s}' "$OUT/wrk.gofnd.c$C.txt")
	perf script -i "$1" -F ip,sym,dso 2>/dev/null |
		HZ=$HZ REQS=$reqs python3 "$BENCH_DIR/profile_fold.py" "$3" "$OUT/$2.folded" \
			>"$OUT/$2.top.txt"
	cp "$1" "$OUT/$2.perf.data"
}
report "$TMP/gofnd.data" gofnd "$(readlink -f "$BUILD/bin/gofnd")"
[[ -n "$all" ]] && report "$TMP/worker.data" worker "$(readlink -f "$BUILD/bin/gofn-loader-go1.26")"
stop_gofnd

# The peer in the same run: bench-bare-mhd under the same wrk.
cat >"$TMP/peer.lua" <<'LUA'
wrk.method = "POST"
wrk.body = "bench"
LUA
bare_start "$BUILD"
wrk_run "http://127.0.0.1:$BARE_PORT/invoke/main.Handle" "$TMP/peer.lua" "$OUT/wrk.bare.c$C.txt"
kill -TERM "$BARE_PID" && wait "$BARE_PID"
uptime >>"$OUT/load.txt"
grep -H -E 'Requests/sec|50%' "$OUT/wrk.gofnd.c$C.txt" "$OUT/wrk.bare.c$C.txt"
cat "$OUT/load.txt"
