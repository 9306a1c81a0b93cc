#!/usr/bin/env bash
# Warm invoke latency and throughput over loopback with wrk (not part of
# make test: speed belongs in benchmarks). Usage: bench_invoke.sh BUILD [SECONDS]
# Prints wrk's latency distribution at concurrency 1 and 64 and the
# spawn-to-first-result time of a fresh worker.
source "$(dirname "$0")/lib.sh"
SECS=${2:-10}
command -v wrk >/dev/null || { echo "bench: wrk not installed (scripts/install-deps.sh)"; exit 1; }

# Host uids of its own: a tenant's CPU group t<uid> is shared by every gofnd
# on the host that gives that uid, and a bind renames only an unused one.
UIDS=(--uid-range "$((1900000 + ($$ % 1000) * 64)):64")
start_gofnd "$TMP/data" --workers "${GOFN_BENCH_WORKERS:-4}" --queue 1024 "${UIDS[@]}"
T=$(new_tenant bench) || exit 1
HELLO=$(compile hello) || exit 1
FN=$(upload "$T" "$HELLO") || { echo "bench: upload failed: $BODY"; exit 1; }

# Spawn to first result: after a restart every worker is cold, so the first
# invoke gets a worker, loads and runs; gofnd measures spawn (or, for a
# prepared worker, the bind) -> result itself. With prepared workers
# (the default, once they are ready: server/prepared.h) and without
# (--prepared 0), alternating. "CPU group renamed": the bind renamed the
# worker's own v1 CPU group to the tenant's (none of the tenant's workers
# ran), "joined": it moved the worker (cgroup v2, or a tenant's group in use).
for _ in 1 2 3 4 5; do
	for mode in prepared unprepared; do
		stop_gofnd
		flags=(--workers "${GOFN_BENCH_WORKERS:-4}" --queue 1024 "${UIDS[@]}")
		[[ $mode == unprepared ]] && flags+=(--prepared 0)
		start_gofnd "$TMP/data" "${flags[@]}"
		if [[ $mode == prepared ]]; then
			# every ready one, so no refill competes with the call
			wait_until 30 metric_is gofn_prepared_workers 2 || :
		fi
		# the client's round trip as curl times it (connect to last byte),
		# not curl's own start: 6.8 ms of CPU, most of a date-to-date figure
		# (docs/benchmarks.md, "Cold starts (ninth session)")
		rt=$(curl -sS --max-time 60 -o "$TMP/body" -w '%{time_total}' -X POST \
			-H "Authorization: Bearer $T" --data-binary cold "$URL/invoke/main.Handle")
		req GET /metrics "$ADMIN"
		echo "cold invoke ($mode): client $(awk -v s="$rt" 'BEGIN {printf "%d", s * 1e6}') us," \
			"spawn->first result" \
			"$(awk '/^gofn_worker_first_result_seconds_sum/ {printf "%d us", $2 * 1e6}' "$TMP/body")," \
			"prepared bound $(awk '/^gofn_prepared_bound_total/ {print $2}' "$TMP/body")," \
			"CPU group $(jq -r 'select(.event=="prepared_bound") | .cpu_group' "$TMP/gofnd.log" |
				tail -1)," \
			"load average $(cut -d' ' -f1 /proc/loadavg)"
	done
done

cat >"$TMP/post.lua" <<LUA
wrk.method = "POST"
wrk.body = "bench"
wrk.headers["Authorization"] = "Bearer $T"
LUA
# The c=1 run's tail: a stall of ~1 s in 10 s is the whole p99 (wrk
# corrects for the requests it could not send meanwhile). gofnd's own time
# of each request is its http line's "us"; with GOFN_BENCH_SAVE=DIR, the
# run's log (gzip), the lines of its slow requests and its events, and the
# metrics before and after are kept there to diagnose the next one.
save=${GOFN_BENCH_SAVE:-}
for c in 1 64; do
	from=$(wc -l <"$TMP/gofnd.log")
	[[ $c == 1 && -n "$save" ]] && mkdir -p "$save" && req GET /metrics "$ADMIN" &&
		cp "$TMP/body" "$save/metrics.before"
	echo "=== warm invoke main.Handle, concurrency $c, ${SECS}s"
	wrk -t $((c < 2 ? 1 : 2)) -c $c -d "${SECS}s" --latency -s "$TMP/post.lua" \
		"$URL/invoke/main.Handle" | grep -E 'Latency|50%|90%|99%|Requests/sec|requests in|Non-2xx'
	[[ $c == 1 ]] || continue
	tail -n +"$((from + 1))" "$TMP/gofnd.log" >"$TMP/c1.log"
	jq -r 'select(.event == "invocation" and .path == "/invoke/main.Handle") | .us' "$TMP/c1.log" 2>/dev/null |
		awk '{n++; if ($1 > 10000) s++; if ($1 > m) m = $1}
			END {printf "c=1 in gofnd: %d of %d requests over 10 ms, max %d us\n", s, n, m}'
	if [[ -n "$save" ]]; then
		req GET /metrics "$ADMIN"
		cp "$TMP/body" "$save/metrics.after"
		jq -c 'select((.event != "http" and .event != "invocation") or .us > 10000 or
			.duration_us > 10000)' "$TMP/c1.log" >"$save/slow.log" 2>/dev/null
		gzip -c "$TMP/c1.log" >"$save/gofnd.c1.log.gz"
	fi
done
req GET /metrics "$ADMIN"
grep -E '^gofn_invocations_total\{tenant="bench",status="ok"\}' "$TMP/body"
stop_gofnd
U=${UIDS[1]%:*} # the bench tenant's CPU group goes with the run (best effort)
rmdir /sys/fs/cgroup/{,unified/}gofn/t$U /sys/fs/cgroup/cpu/gofn/t$U 2>/dev/null
