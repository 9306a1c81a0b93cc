#!/usr/bin/env bash
# Side by side, many tenants (issue 16 target 3, bench row 7 in small): two
# gofnd builds (A and B: bin dirs holding gofnd and gofn-loader with its
# per-release workers), both up at once on their own data dirs, each with K
# tenants that uploaded hello.go, started as bench/server_rows.sh starts
# them (--workers 4 --queue 1024 --max-connections 1024, default budget).
# Each round runs, for A then B, wrk at c=64 over tenant 0 alone and then
# over all K tenants in turn (row 7's Lua script), each after warm-up
# passes of the same load until one starts no worker (at most WARM_PASSES,
# default 6; a pass that starts workers evicts others' and measures
# spawns, not calls), and prints per run: req/s, CPU per request of
# gofnd and of all its descendants (workers, supervisors; utime + stime),
# gofnd's split into user and kernel time, and the context switches per
# request of all worker threads and of gofnd's (voluntary + involuntary,
# /proc/PID/task/*/status), the cold starts during the run and the load
# average. Then the medians.
# PERF_DIR=dir: each measured run also under perf record -a -g (CPU clock,
# 999 Hz), as dir/V-N-rROUND.data, gofnd's pid in dir/V.pid.
# GOFND_ARGS="...": more gofnd flags, e.g. row 7's holding phase for K =
# 1,000: "--max-workers 1314 --warm-workers 252 --warm-idle-ms 60000" with
# WARM_TOL=30 (a warm-up pass may start that many workers and still end the
# warm-up, as held_profile.sh's 3 %) and WARM_PASSES=20.
# Not part of make test or make bench: a tool for comparing changes.
# Usage: bench/tenants_ab.sh BUILD BIN_A BIN_B [K] [SECONDS] [ROUNDS]
export GOFN_TEST_PLAIN=1
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
source "$BENCH_DIR/../tests/integration/lib.sh"
source "$BENCH_DIR/lib.sh"
A=$(readlink -f "${2:?usage: tenants_ab.sh BUILD BIN_A BIN_B [K] [SECONDS] [ROUNDS]}")
B=$(readlink -f "${3:?bin dir B}")
K=${4:-100}
SECS=${5:-5}
ROUNDS=${6:-3}
command -v wrk >/dev/null || { echo "tenants_ab: wrk not installed"; exit 1; }
HELLO=$(compile hello) || exit 1

ab_servers

# lua V N: the wrk script calling V's tenants 0..N-1 in turn (row 7's).
lua() {
	local toks
	mapfile -t toks < <(head -n "$2" "$TMP/$1.tokens")
	rotate_lua "$TMP/$1.$2.lua" "${toks[@]}"
}

ROOT_TMP=$TMP
declare -A UPLOADS=()
for v in A B; do
	[[ $v == A ]] && dir=$A || dir=$B
	GOFND=$dir/gofnd LOADER=$dir/gofn-loader
	TMP=$ROOT_TMP/$v # its own log, read by start_gofnd
	mkdir -p "$TMP"
	# shellcheck disable=SC2086 # GOFND_ARGS: words
	start_gofnd "$TMP/data" --workers 4 --queue 1024 --max-connections 1024 ${GOFND_ARGS:-}
	# both servers' uploads at once: 1,000 take minutes on a loaded machine
	hello_tenants "$K" >"$ROOT_TMP/$v.tokens" &
	UPLOADS[$v]=$!
	SRV_PID[$v]=$PID SRV_URL[$v]=$URL
	PID="" # both stay up; stopped at the end
done
TMP=$ROOT_TMP
for v in A B; do
	wait "${UPLOADS[$v]}" && (($(wc -l <"$TMP/$v.tokens") == K)) || exit 1
done
for v in A B; do lua $v 1 && lua $v "$K"; done

# ticks PID...: "pid utime+stime utime stime" per process (clock ticks).
ticks() {
	for p in "$@"; do
		awk -v p="$p" '{sub(/^.*\) /, ""); print p, $12 + $13, $12, $13}' "/proc/$p/stat" 2>/dev/null
	done
}
# switches PID...: "pid voluntary+nonvoluntary" summed over each one's threads.
switches() {
	for p in "$@"; do
		cat /proc/"$p"/task/*/status 2>/dev/null |
			awk -v p="$p" '/ctxt_switches/ {s += $2} END {print p, s + 0}'
	done
}
# delta BEFORE AFTER [COLUMN]: the sum over pids in both of after - before.
delta() {
	awk -v c="${3:-2}" 'NR == FNR {b[$1] = $c; next} ($1 in b) {s += $c - b[$1]} END {print s + 0}' "$1" "$2"
}

hz=$(getconf CLK_TCK)
WARM_PASSES=${WARM_PASSES:-6}
WARM_TOL=${WARM_TOL:-0}
# cold_starts V: V's workers started (spawned or bound) so far.
cold_starts() { URL=${SRV_URL[$1]} metric gofn_worker_first_result_seconds_count; }
# run V N: prints "req/s gofnd_us_per_req all_us_per_req switches_per_req
# workers non2xx warm-up_passes cold_starts_during".
run() {
	local pid=${SRV_PID[$1]} url=${SRV_URL[$1]}/invoke/main.Handle lua=$TMP/$1.$2.lua
	local pass c0 c1
	for ((pass = 1; pass <= WARM_PASSES; pass++)); do # warm-up: the same load
		c0=$(cold_starts "$1")
		run_wrk 64 "$SECS" "$url" "$lua" "$TMP/warm.txt"
		c1=$(cold_starts "$1")
		((c1 - c0 <= WARM_TOL)) && break
	done
	local all ws
	all=$(descendants "$pid" | tr '\n' ' ')
	ws=$(for p in $all; do tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q -- '-worker' && echo "$p"; done | tr '\n' ' ')
	ticks "$pid" >"$TMP/g0"
	ticks $all >"$TMP/a0"
	switches $ws >"$TMP/s0"
	c0=$(cold_starts "$1")
	local perf="" stat
	if [[ -n "${PERF_DIR:-}" ]]; then # the measured run's profile, whole machine
		echo "$pid" >"$PERF_DIR/$1.pid"
		perf record -q -F 999 -a -g -o "$PERF_DIR/$1-$2-r$ROUND.data" -- sleep "$SECS" \
			>/dev/null 2>&1 &
		perf=$!
	fi
	# gofnd's context switches: its connection threads come and go with
	# the connections, so /proc's per-thread counts lose them; perf stat
	# on the process counts the threads it starts too (inherited counters)
	perf stat -x, -e context-switches,cpu-migrations -p "$pid" -o "$TMP/gstat.txt" \
		-- sleep "$SECS" >/dev/null 2>&1 &
	stat=$!
	run_wrk 64 "$SECS" "$url" "$lua" "$TMP/wrk.txt"
	[[ -n "$perf" ]] && wait "$perf"
	wait "$stat"
	c1=$(cold_starts "$1")
	ticks "$pid" >"$TMP/g1"
	ticks $all >"$TMP/a1"
	switches $ws >"$TMP/s1"
	local rps bad n
	read -r _ _ rps bad < <(wrk_stats "$TMP/wrk.txt")
	n=$(awk '/requests in/ {print $1; exit}' "$TMP/wrk.txt")
	[[ -n "${PERF_DIR:-}" ]] && echo "$n" >"$PERF_DIR/$1-$2-r$ROUND.reqs"
	awk -v r="$rps" -v n="$n" -v hz="$hz" -v g="$(delta "$TMP/g0" "$TMP/g1")" \
		-v a="$(delta "$TMP/a0" "$TMP/a1")" -v s="$(delta "$TMP/s0" "$TMP/s1")" \
		-v w="$(wc -w <<<"$ws")" -v bad="$bad" -v p="$((pass > WARM_PASSES ? WARM_PASSES : pass))" \
		-v c="$((c1 - c0))" -v gu="$(delta "$TMP/g0" "$TMP/g1" 3)" \
		-v gk="$(delta "$TMP/g0" "$TMP/g1" 4)" \
		-v gs="$(awk -F, '$3 == "context-switches" {print $1}' "$TMP/gstat.txt")" 'BEGIN {
		printf "%s %.1f %.1f %.2f %d %d %d %d %.1f %.1f %.2f\n", r, g * 1e6 / hz / n,
			a * 1e6 / hz / n, s / n, w, bad, p, c, gu * 1e6 / hz / n, gk * 1e6 / hz / n, gs / n }'
}
for ((i = 1; i <= ROUNDS; i++)); do
	ROUND=$i
	for n in 1 "$K"; do
		for v in A B; do
			read -r r g a s w bad p c gu gk gs < <(run $v "$n")
			echo "round $i $v tenants=$n: $r req/s, CPU/req gofnd $g us (user $gu, kernel $gk)" \
				"+ workers etc. $a us, worker ctxt switches/req $s, gofnd's $gs, $w workers," \
				"non2xx $bad, warm-up passes $p, cold starts during $c, load $(cut -d' ' -f1 /proc/loadavg)"
			echo "$v $n $r $g $a $s $gu $gk $gs" >>"$TMP/results"
		done
	done
done
for n in 1 "$K"; do
	for v in A B; do
		col() { awk -v v=$v -v n="$n" -v c="$1" '$1 == v && $2 == n {print $c}' "$TMP/results" | median; }
		echo "median $v tenants=$n: $(col 3) req/s, CPU/req gofnd $(col 4) us" \
			"(user $(col 7), kernel $(col 8)) + rest $(col 5) us, worker switches/req $(col 6)," \
			"gofnd's $(col 9)"
	done
done
uptime
