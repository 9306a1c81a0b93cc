#!/usr/bin/env bash
# Side by side, what a worker spawn costs (issue 16 target 3 beyond the
# budget, the evicted tenant's call): two gofnd builds (A and B: bin dirs
# holding gofnd and gofn-loader with its per-release workers), both up at
# once, each with --max-workers 2 --prepared 0 (EXTRA replaces the last)
# and K tenants that uploaded hello.go. Each round runs, for A then B, wrk
# -c C over the K tenants in turn for SECS seconds: with K > 2 every call
# is a cold start (a spawn, an eviction). Prints per run req/s, cold
# starts a second, and the CPU per cold start of gofnd and everything it
# started (utime+stime+cutime+cstime of gofnd, which reaps its workers,
# plus the live descendants), with the load average.
# MAXW sets --max-workers (default 2); with K=1000 MAXW=256 EXTRA= (the
# defaults of gofnd) it is row 7's 1,000 tenants over the default budget,
# every call a cold start (wrk's one thread calls each tenant in turn).
# PERF_OUT=DIR: after the rounds, one more run of each variant under
# `perf record -a -g -e cpu-clock`, its samples put in buckets by process
# and phase per cold start (bench/cold_buckets.py) in DIR/A.txt, DIR/B.txt.
# Not part of make test or make bench: a tool for comparing changes.
# Usage: bench/spawn_ab.sh BUILD BIN_A BIN_B [K] [SECS] [ROUNDS] [C]
export GOFN_TEST_PLAIN=1
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
source "$BENCH_DIR/../tests/integration/lib.sh"
source "$BENCH_DIR/lib.sh"
A=$(readlink -f "$2"); B=$(readlink -f "$3")
K=${4:-6}; SECS=${5:-5}; ROUNDS=${6:-3}; C=${7:-2}
EXTRA=${EXTRA---prepared 0}
MAXW=${MAXW:-2}
HELLO=$(compile hello) || exit 1
ab_servers
ROOT_TMP=$TMP
for v in A B; do
	[[ $v == A ]] && dir=$A || dir=$B
	GOFND=$dir/gofnd LOADER=$dir/gofn-loader
	TMP=$ROOT_TMP/$v; mkdir -p "$TMP"
	start_gofnd "$TMP/data" --max-workers "$MAXW" $EXTRA
	hello_tenants "$K" >"$TMP/tokens" || exit 1
	mapfile -t toks <"$TMP/tokens"
	rotate_lua "$ROOT_TMP/$v.lua" "${toks[@]}"
	SRV_PID[$v]=$PID SRV_URL[$v]=$URL
	PID=""
done
TMP=$ROOT_TMP
# total ticks: gofnd incl. reaped children, plus live descendants
tot() { local s; s=$(awk '{sub(/^.*\) /, ""); print $12+$13+$14+$15}' /proc/$1/stat); for p in $(descendants $1); do s=$((s + $(awk '{sub(/^.*\) /, ""); print $12+$13}' /proc/$p/stat 2>/dev/null || echo 0))); done; echo $s; }
hz=$(getconf CLK_TCK)
cs() { URL=${SRV_URL[$1]} metric gofn_worker_first_result_seconds_count; }
for ((r = 1; r <= ROUNDS; r++)); do
	for v in A B; do
		pid=${SRV_PID[$v]}
		la=$(cut -d' ' -f1 /proc/loadavg)
		c0=$(cs $v); t0=$(tot $pid)
		wrk -t 1 -c "$C" -d "${SECS}s" --timeout 10s -s "$TMP/$v.lua" "${SRV_URL[$v]}/invoke/main.Handle" >"$TMP/wrk.$v" 2>&1
		t1=$(tot $pid); c1=$(cs $v)
		rps=$(awk '/Requests\/sec/ {print $2}' "$TMP/wrk.$v")
		n=$((c1 - c0))
		awk -v v=$v -v r=$r -v rps=$rps -v n=$n -v s=$SECS -v t=$((t1 - t0)) -v hz=$hz -v la=$la -v la2="$(cut -d' ' -f1 /proc/loadavg)" \
			'BEGIN {printf "round %d %s: %s req/s, %d cold starts (%.1f/s), %.2f ms CPU per cold start, load %s -> %s\n", r, v, rps, n, n / s, n ? t * 1000 / hz / n : 0, la, la2}'
	done
done
[[ -z "${PERF_OUT:-}" ]] && exit 0
mkdir -p "$PERF_OUT"
for v in A B; do
	pid=${SRV_PID[$v]}
	perf_all "$PERF_OUT/$v.data" $((SECS + 1))
	c0=$(cs $v)
	wrk -t 1 -c "$C" -d "${SECS}s" --timeout 10s -s "$TMP/$v.lua" "${SRV_URL[$v]}/invoke/main.Handle" >"$TMP/wrk.$v" 2>&1
	wait $PERF_PID
	n=$(($(cs $v) - c0))
	perf script -i "$PERF_OUT/$v.data" --show-task-events -F comm,pid,tid,time,ip,sym,dso 2>/dev/null |
		python3 "$BENCH_DIR/cold_buckets.py" "$pid" "$n" 999 >"$PERF_OUT/$v.txt"
	echo "profile $v: $(awk '/Requests\/sec/ {print $2}' "$TMP/wrk.$v") req/s, $n cold starts, load $(cut -d' ' -f1 /proc/loadavg): $PERF_OUT/$v.txt"
done
