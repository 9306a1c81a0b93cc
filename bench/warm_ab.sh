#!/usr/bin/env bash
# Side by side on a loaded machine (issue 16 target 2): two gofnd binaries
# (A, e.g. main's, and B, this tree's) started as bench_invoke.sh starts
# gofnd (--workers 4, --queue 1024, one tenant, hello.go), both running at
# once on their own data dirs, and wrk on main.Handle against each in
# turn, ROUNDS times: A, B, bare handler, A, B, bare, ... so a change of
# load hits all three alike. Prints one line per run (p50, p99, req/s) and
# the medians.
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

declare -A SRV_PID SRV_URL SRV_TOK
BARE_PID=""
stop_all() {
	for p in "${SRV_PID[@]}" $BARE_PID; do
		kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
}
trap 'stop_all; cleanup' EXIT
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

run() { # NAME -> "p50_us req_s non2xx p99_us"
	cat >"$TMP/post.lua" <<LUA
wrk.method = "POST"
wrk.body = "bench"
wrk.headers["Authorization"] = "Bearer ${SRV_TOK[$1]}"
LUA
	run_wrk "$C" "$SECS" "${SRV_URL[$1]}/invoke/main.Handle" "$TMP/post.lua" "$TMP/wrk.txt"
	local p50 p99 rps bad
	read -r p50 p99 rps bad < <(wrk_stats "$TMP/wrk.txt")
	echo "$p50 $rps $bad $p99"
}
for ((i = 1; i <= ROUNDS; i++)); do
	for v in A B bare; do
		read -r p r bad p99 < <(run $v)
		echo "round $i $v c=$C p50 ${p} us p99 ${p99} us ${r} req/s non2xx $bad load $(cut -d' ' -f1 /proc/loadavg)"
		echo "$v $p $r $p99" >>"$TMP/results"
	done
done
for v in A B bare; do
	echo "median $v c=$C: p50 $(awk -v v=$v '$1 == v {print $2}' "$TMP/results" | median) us," \
		"p99 $(awk -v v=$v '$1 == v {print $4}' "$TMP/results" | median) us," \
		"$(awk -v v=$v '$1 == v {print $3}' "$TMP/results" | median) req/s"
done
uptime
