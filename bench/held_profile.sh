#!/usr/bin/env bash
# Where the CPU of row 7's holding phase goes (issue 16 target 3;
# docs/benchmarks.md, "1,000 tenants held (seventh session)"): one gofnd
# from BIN with K tenants (hello.go) under row 7's holding flags
# (--max-workers K+K/4+64 --warm-workers 252), warmed up as row 7 does
# (passes of the load until one starts at most 3 % of K workers, once
# every tenant has one), then the same gofnd under wrk at c=64 over all K
# in turn and then over tenant 0 alone. For each: req/s; CPU per request
# of gofnd and of its workers, user and system apart (/proc stat); worker
# context switches per request by thread rank (thread 2 is sysmon); worker
# page faults per request; and a `perf record -a -g` CPU-clock profile of
# a second run of the same load (OUT/perf.*.data, with the pids of gofnd
# and its workers in OUT/pids.*). Also gofnd's kill() calls per cold start
# during the warm-up (the cgroup sweep) and its system calls per second
# while idle with every worker kept (the idle watch). The per-request
# system call counts (OUT/*.sysstat, *.sysids) attach to gofnd's threads
# with -p and may miss connection threads started after: only the idle
# counts are complete.
# Needs root (perf tracepoints) and about 3 GiB for 1,000 tenants; stops
# gofnd at the end. Not part of make test or make bench.
# Usage: bench/held_profile.sh BUILD BIN [K] [SECONDS] [OUT]
export GOFN_TEST_PLAIN=1
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
source "$BENCH_DIR/../tests/integration/lib.sh"
source "$BENCH_DIR/lib.sh"
BIN=$(readlink -f "${2:?usage: held_profile.sh BUILD BIN [K] [SECONDS] [OUT]}")
K=${3:-1000}
SECS=${4:-5}
OUT=${5:-/tmp/held_profile}
GOFND=$BIN/gofnd LOADER=$BIN/gofn-loader
mkdir -p "$OUT"
command -v wrk >/dev/null && command -v perf >/dev/null || {
	echo "held_profile: needs wrk and perf"
	exit 1
}
HELLO=$(compile hello) || exit 1
log() { echo "$(date -u +%T) load $(cut -d' ' -f1 /proc/loadavg): $*" | tee -a "$OUT/summary"; }

if [[ -n "${HELD_PID:-}" ]]; then
	# HELD_PID=… HELD_URL=…: a gofnd a run before set up (its tenants' tokens
	# in OUT/all.lua), left running when that run was killed with SIGKILL:
	# 1,000 uploads take minutes on a loaded machine.
	PID=$HELD_PID URL=$HELD_URL
	mapfile -t TOKENS < <(sed -n 's/^  "\(.*\)",$/\1/p' "$OUT/all.lua")
	((${#TOKENS[@]} == K)) || { echo "held_profile: $OUT/all.lua has ${#TOKENS[@]} tokens"; exit 1; }
	trap 'kill -TERM "$HELD_PID"; cleanup' EXIT
else
	start_gofnd "$TMP/data" --workers 4 --queue 1024 --max-connections 1024 \
		--max-workers $((K + K / 4 + 64)) --warm-workers 252 --warm-idle-ms 60000
	hello_tenants "$K" >"$OUT/tokens" || exit 1
	mapfile -t TOKENS <"$OUT/tokens"
	rotate_lua "$OUT/one.lua" "${TOKENS[0]}"
	rotate_lua "$OUT/all.lua" "${TOKENS[@]}"
fi
INV=$URL/invoke/main.Handle
log "gofnd $PID up with $K tenants, $(metric gofn_workers) workers"

cold_starts() { metric gofn_worker_first_result_seconds_count; }
# gofnd's system calls of one tracepoint while CMD... runs into FILE:
# "COUNT total", then "COUNT NR n" per system call number, most first.
sys_by_id() {
	local file=$1 ev=$2
	shift 2
	perf record -q -e "$ev" -p "$PID" -o "$OUT/sys.data" -- "$@" >/dev/null 2>&1
	perf script -i "$OUT/sys.data" -F pid,trace 2>/dev/null |
		awk -v p="$PID" '$1 == p {match($0, /NR [0-9]+|sig: [0-9a-fx]+/); n++;
			id[substr($0, RSTART, RLENGTH)]++} END {for (k in id) print id[k], k
			print n + 0, "total"}' | sort -k1,1nr >"$file"
}

# Warm-up as row 7's steady K plateau (once every tenant has a worker: on
# a loaded machine a first pass may start fewer than 3 % of K), with
# gofnd's kill() calls counted.
c0=$(cold_starts)
warm() {
	local pass cs
	for ((pass = 1; pass <= 80; pass++)); do
		cs=$(cold_starts)
		run_wrk 64 "$SECS" "$INV" "$OUT/all.lua" "$OUT/warm.txt"
		cs=$(($(cold_starts) - cs))
		log "warm-up pass $pass: $cs cold starts, $(metric gofn_workers) workers," \
			"$(awk '$1 == "Requests/sec:" {print $2}' "$OUT/warm.txt") req/s"
		((cs * 100 <= K * 3 && $(metric gofn_workers) >= K)) && break
	done
}
perf record -q -e syscalls:sys_enter_kill -p "$PID" -o "$OUT/kill.data" -- sleep 100000 \
	>/dev/null 2>&1 &
KPERF=$!
sleep 1
warm
kill -INT $KPERF
wait $KPERF
cs=$(($(cold_starts) - c0))

# stat_of PID...: "pid utime stime minflt majflt"; switches PID...: "pid.rank
# n" per thread (bench/proc_counts.py: one pass, not a process per thread).
stat_of() { python3 "$BENCH_DIR/proc_counts.py" stat "$@"; }
switches() { python3 "$BENCH_DIR/proc_counts.py" switches "$@"; }
# workers: gofnd's worker pids (one ps, not a walk of /proc per child).
workers() { workers_of "$PID"; }
hz=$(getconf CLK_TCK)

# measure NAME LUA: one counted run, then one profiled run of the same load.
measure() {
	local name=$1 lua=$2 ws n cs
	run_wrk 64 "$SECS" "$INV" "$lua" "$OUT/$name.warm.txt" # its own warm-up
	ws=$(workers | tr '\n' ' ')
	stat_of "$PID" >"$OUT/g0"
	stat_of $ws >"$OUT/w0"
	switches $ws >"$OUT/s0"
	cs=$(cold_starts)
	perf stat -e raw_syscalls:sys_enter -p "$PID" -o "$OUT/$name.sysstat" -- \
		sleep $((SECS + 1)) >/dev/null 2>&1 &
	local sp=$!
	run_wrk 64 "$SECS" "$INV" "$lua" "$OUT/$name.wrk.txt"
	wait $sp
	cs=$(($(cold_starts) - cs))
	stat_of "$PID" >"$OUT/g1"
	stat_of $ws >"$OUT/w1"
	switches $ws >"$OUT/s1"
	n=$(awk '/requests in/ {print $1; exit}' "$OUT/$name.wrk.txt")
	local rps
	rps=$(awk '$1 == "Requests/sec:" {print $2}' "$OUT/$name.wrk.txt")
	awk -v n="$n" -v hz="$hz" -v name="$name" -v rps="$rps" -v w="$(wc -w <<<"$ws")" -v cs="$cs" '
		FILENAME ~ /g0|w0/ {u0[$1] = $2; s0[$1] = $3; f0[$1] = $4; m0[$1] = $5; next}
		FILENAME ~ /g1/ && ($1 in u0) {gu += $2 - u0[$1]; gs += $3 - s0[$1]; next}
		FILENAME ~ /w1/ && ($1 in u0) {wu += $2 - u0[$1]; ws += $3 - s0[$1];
			wf += $4 - f0[$1]; wm += $5 - m0[$1]}
		END {k = 1e6 / hz / n;
			printf "%s: %s req/s (%d requests, %d workers, %d cold starts during)\n", name, rps, n, w, cs;
			printf "  CPU per request: gofnd user %.1f sys %.1f us, workers user %.1f sys %.1f us\n",
				gu * k, gs * k, wu * k, ws * k;
			printf "  worker page faults per request: minor %.2f major %.3f\n", wf / n, wm / n}' \
		"$OUT/g0" "$OUT/w0" "$OUT/g1" "$OUT/w1" | tee -a "$OUT/summary"
	awk -v n="$n" 'NR == FNR {b[$1] = $2; next} ($1 in b) {split($1, a, "."); r = a[2] > 6 ? "7+" : a[2];
		s[r] += $2 - b[$1]; t += $2 - b[$1]}
		END {printf "  worker switches per request: %.2f; by thread rank:", t / n;
			for (r = 1; r <= 6; r++) printf " %d: %.2f", r, s[r] / n; printf " 7+: %.2f\n", s["7+"] / n}' \
		"$OUT/s0" "$OUT/s1" | tee -a "$OUT/summary"
	awk -v n="$n" '/raw_syscalls:sys_enter/ {gsub(/,/, "", $1); printf "  gofnd system calls per request (threads seen): %.1f\n", $1 / n}' \
		"$OUT/$name.sysstat" | tee -a "$OUT/summary"
	# By number, over a shorter run of the same load.
	run_wrk 64 3 "$INV" "$lua" "$OUT/$name.wrk3.txt" &
	local wp=$!
	sys_by_id "$OUT/$name.sysids" raw_syscalls:sys_enter sleep 2
	wait $wp
	# The profile: a run of the same load under perf record -a -g, started
	# once perf samples (perf_all, bench/lib.sh).
	workers >"$OUT/pids.$name"
	echo "$PID" >"$OUT/gofnd.pid"
	perf_all "$OUT/perf.$name.data" $((SECS + 2))
	run_wrk 64 "$SECS" "$INV" "$lua" "$OUT/$name.prof.txt"
	wait $PERF_PID
	workers >>"$OUT/pids.$name"
	log "$name: profiled run $(awk '$1 == "Requests/sec:" {print $2}' "$OUT/$name.prof.txt") req/s"
}
# K first: once idle for --warm-idle-ms (60 s) the workers past the soft
# budget are stopped, so nothing slow comes between the warm-up and it.
measure all "$OUT/all.lua"
# Idle, every worker still kept: what gofnd's threads call per second with
# no request (the idle watch).
sys_by_id "$OUT/idle.sysids" raw_syscalls:sys_enter sleep 5
log "idle: $(workers | wc -l) workers; gofnd system calls in 5 s:"
head -8 "$OUT/idle.sysids" | tee -a "$OUT/summary"
measure one "$OUT/one.lua"
kills=$(perf script -i "$OUT/kill.data" -F pid 2>/dev/null | awk -v p="$PID" '$1 == p' | wc -l)
log "warm-up: $cs cold starts, $kills kill() by gofnd, $(awk -v k="$kills" -v c="$cs" \
	'BEGIN {printf "%.1f", c ? k / c : 0}') a cold start"
if [[ -n "${HELD_PID:-}" ]]; then
	kill -TERM "$PID"
	wait_until 60 bash -c "! kill -0 $PID 2>/dev/null"
	trap cleanup EXIT
else
	stop_gofnd
fi
