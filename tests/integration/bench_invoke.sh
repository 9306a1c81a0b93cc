#!/usr/bin/env bash
# Warm invoke latency and throughput over loopback with wrk (not part of
# make test: speed belongs in benchmarks). Usage: bench_invoke.sh BUILD [SECONDS]
# Prints wrk's latency distribution at concurrency 1 and 64 and the
# spawn-to-first-result time of a fresh worker.
source "$(dirname "$0")/lib.sh"
SECS=${2:-10}
command -v wrk >/dev/null || { echo "bench: wrk not installed (scripts/install-deps.sh)"; exit 1; }

start_gofnd "$TMP/data" --workers "${GOFN_BENCH_WORKERS:-4}" --queue 1024
T=$(new_tenant bench) || exit 1
HELLO=$(compile hello) || exit 1
FN=$(upload "$T" "$HELLO") || { echo "bench: upload failed: $BODY"; exit 1; }

# Spawn to first result: after a restart every worker is cold, so the first
# invoke spawns, loads and runs; gofnd measures spawn -> result itself.
for _ in 1 2 3 4 5; do
	stop_gofnd
	start_gofnd "$TMP/data" --workers "${GOFN_BENCH_WORKERS:-4}" --queue 1024
	t0=$(date +%s%N)
	req POST /invoke/main.Handle "$T" --data-binary cold
	t1=$(date +%s%N)
	req GET /metrics "$ADMIN"
	echo "cold invoke: client $(((t1 - t0) / 1000)) us, spawn->first result" \
		"$(awk '/^gofn_worker_first_result_seconds_sum/ {printf "%d us", $2 * 1e6}' "$TMP/body")"
done

cat >"$TMP/post.lua" <<LUA
wrk.method = "POST"
wrk.body = "bench"
wrk.headers["Authorization"] = "Bearer $T"
LUA
for c in 1 64; do
	echo "=== warm invoke main.Handle, concurrency $c, ${SECS}s"
	wrk -t $((c < 2 ? 1 : 2)) -c $c -d "${SECS}s" --latency -s "$TMP/post.lua" \
		"$URL/invoke/main.Handle" | grep -E 'Latency|50%|90%|99%|Requests/sec|requests in|Non-2xx'
done
req GET /metrics "$ADMIN"
grep -E '^gofn_invocations_total\{tenant="bench",status="ok"\}' "$TMP/body"
stop_gofnd
