#!/usr/bin/env bash
# Side by side on a loaded machine (issue 16 target 2): two gofnd binaries
# (A, e.g. main's, and B, this tree's) started as bench_invoke.sh starts
# gofnd (--workers 4, --queue 1024, one tenant, hello.go), both running at
# once on their own data dirs, and wrk on main.Handle against each in
# turn, ROUNDS times: A, B, bare handler, A, B, bare, ... so a change of
# load hits all three alike. Prints one line per run (p50, p99, req/s, and
# the CPU per request of the server, user and system, and of its workers,
# from /proc/PID/stat over the run) and the medians.
# Not part of make test or make bench: a tool for comparing changes.
# Usage: bench/warm_ab.sh BUILD GOFND_A GOFND_B [C] [SECONDS] [ROUNDS]
export GOFN_TEST_PLAIN=1
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
source "$BENCH_DIR/../tests/integration/lib.sh"
source "$BENCH_DIR/lib.sh"
A=$(readlink -f "${2:?usage: warm_ab.sh BUILD GOFND_A GOFND_B [C] [SECONDS] [ROUNDS]}")
B=$(readlink -f "${3:?gofnd B}")
C=${4:-1}
SECS=${5:-4}
ROUNDS=${6:-5}
command -v wrk >/dev/null || { echo "warm_ab: wrk not installed"; exit 1; }
HELLO=$(compile hello) || exit 1

ab_servers
declare -A SRV_TOK
ROOT_TMP=$TMP
for v in A B; do
	[[ $v == A ]] && GOFND=$A || GOFND=$B
	TMP=$ROOT_TMP/$v # its own log, read by start_gofnd
	mkdir -p "$TMP"
	start_gofnd "$TMP/data" --workers 4 --queue 1024
	T=$(new_tenant bench) || exit 1
	upload "$T" "$HELLO" >/dev/null || { echo "warm_ab: upload failed: $BODY"; exit 1; }
	req POST /invoke/main.Handle "$T" --data-binary warm
	SRV_PID[$v]=$PID SRV_URL[$v]=$URL SRV_TOK[$v]=$T
	PID="" # both stay up; stopped below
done
TMP=$ROOT_TMP
bare_start "$BUILD"
SRV_URL[bare]=http://127.0.0.1:$BARE_PORT SRV_TOK[bare]=none

# cpu_ticks PID...: "utime stime" summed over the processes (clock ticks).
cpu_ticks() {
	local p
	for p in "$@"; do cat "/proc/$p/stat" 2>/dev/null; done |
		awk '{sub(/.*\) /, ""); u += $12; s += $13} END {print u + 0, s + 0}'
}
run() { # NAME -> "p50_us req_s non2xx p99_us srv_user_us srv_sys_us workers_us" (CPU per request)
	cat >"$TMP/post.lua" <<LUA
wrk.method = "POST"
wrk.body = "bench"
wrk.headers["Authorization"] = "Bearer ${SRV_TOK[$1]}"
LUA
	local pid=${SRV_PID[$1]:-$BARE_PID} wk u0 s0 u1 s1 w0 w1
	wk=$([[ $1 == bare ]] || workers_of "$pid")
	read -r u0 s0 < <(cpu_ticks "$pid")
	read -r w0 < <(cpu_ticks $wk | awk '{print $1 + $2}')
	run_wrk "$C" "$SECS" "${SRV_URL[$1]}/invoke/main.Handle" "$TMP/post.lua" "$TMP/wrk.txt"
	read -r u1 s1 < <(cpu_ticks "$pid")
	read -r w1 < <(cpu_ticks $wk | awk '{print $1 + $2}')
	local p50 p99 rps bad n hz
	read -r p50 p99 rps bad < <(wrk_stats "$TMP/wrk.txt")
	n=$(awk '/requests in/ {print $1; exit}' "$TMP/wrk.txt")
	hz=$(getconf CLK_TCK)
	awk -v p50="$p50" -v rps="$rps" -v bad="$bad" -v p99="$p99" -v n="${n:-0}" -v hz="$hz" \
		-v u=$((u1 - u0)) -v s=$((s1 - s0)) -v w=$((w1 - w0)) 'BEGIN {
		k = n > 0 ? 1e6 / hz / n : 0
		printf "%s %s %s %s %.1f %.1f %.1f\n", p50, rps, bad, p99, u * k, s * k, w * k }'
}
for ((i = 1; i <= ROUNDS; i++)); do
	for v in A B bare; do
		read -r p r bad p99 cu cs cw < <(run $v)
		echo "round $i $v c=$C p50 ${p} us p99 ${p99} us ${r} req/s non2xx $bad" \
			"cpu/req: server user $cu us sys $cs us, workers $cw us; load $(cut -d' ' -f1 /proc/loadavg)"
		echo "$v $p $r $p99 $cu $cs $cw" >>"$TMP/results"
	done
done
for v in A B bare; do
	echo "median $v c=$C: p50 $(awk -v v=$v '$1 == v {print $2}' "$TMP/results" | median) us," \
		"p99 $(awk -v v=$v '$1 == v {print $4}' "$TMP/results" | median) us," \
		"$(awk -v v=$v '$1 == v {print $3}' "$TMP/results" | median) req/s;" \
		"CPU per request: server user $(awk -v v=$v '$1 == v {print $5}' "$TMP/results" | median) us," \
		"sys $(awk -v v=$v '$1 == v {print $6}' "$TMP/results" | median) us," \
		"workers $(awk -v v=$v '$1 == v {print $7}' "$TMP/results" | median) us"
done
uptime
