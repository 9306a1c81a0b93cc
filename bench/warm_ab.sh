#!/usr/bin/env bash
# Side by side on a loaded machine (issue 16 target 2): two gofnd binaries
# (A, e.g. main's, and B, this tree's) started as bench_invoke.sh starts
# gofnd (--workers 4, --queue 1024, one tenant, hello.go), both running at
# once on their own data dirs, and wrk on main.Handle against each in
# turn, ROUNDS times: A, B, bare handler, A, B, bare, ... so a change of
# load hits all three alike. Prints one line per run and the medians.
# Not part of make test or make bench: a tool for comparing changes.
# Usage: bench/warm_ab.sh BUILD GOFND_A GOFND_B [C] [SECONDS] [ROUNDS]
export GOFN_TEST_PLAIN=1
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
source "$BENCH_DIR/../tests/integration/lib.sh"
A=$(readlink -f "${2:?usage: warm_ab.sh BUILD GOFND_A GOFND_B [C] [SECONDS] [ROUNDS]}")
B=$(readlink -f "${3:?gofnd B}")
C=${4:-1}
SECS=${5:-4}
ROUNDS=${6:-5}
command -v wrk >/dev/null || { echo "warm_ab: wrk not installed"; exit 1; }
HELLO=$(compile hello) || exit 1

declare -A SRV_PID SRV_URL SRV_TOK
BARE=""
stop_all() {
	for p in "${SRV_PID[@]}" $BARE; do
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
"$BUILD/bin/bench-bare-mhd" >"$TMP/bare.port" &
BARE=$!
for _ in $(seq 50); do
	port=$(awk '/^port/ {print $2}' "$TMP/bare.port")
	[[ -n "$port" ]] && break
	sleep 0.1
done
SRV_URL[bare]=http://127.0.0.1:$port SRV_TOK[bare]=none

run() { # NAME -> "p50_us req_s"
	cat >"$TMP/post.lua" <<LUA
wrk.method = "POST"
wrk.body = "bench"
wrk.headers["Authorization"] = "Bearer ${SRV_TOK[$1]}"
LUA
	wrk -t $((C < 2 ? 1 : 2)) -c "$C" -d "${SECS}s" --latency -s "$TMP/post.lua" \
		"${SRV_URL[$1]}/invoke/main.Handle" >"$TMP/wrk.txt"
	awk '/^ +50%/ {v = $2; u = 1; if (v ~ /ms$/) u = 1000; else if (v ~ /us$/) u = 1; else if (v ~ /s$/) u = 1e6;
		sub(/[a-z]+$/, "", v); p = v * u} /Requests\/sec/ {r = $2} /Non-2xx/ {bad = $NF}
		END {printf "%.0f %.0f %s\n", p, r, bad + 0}' "$TMP/wrk.txt"
}
for ((i = 1; i <= ROUNDS; i++)); do
	for v in A B bare; do
		read -r p r bad < <(run $v)
		echo "round $i $v c=$C p50 ${p} us ${r} req/s non2xx $bad load $(cut -d' ' -f1 /proc/loadavg)"
		echo "$v $p $r" >>"$TMP/results"
	done
done
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
for v in A B bare; do
	echo "median $v c=$C: p50 $(awk -v v=$v '$1 == v {print $2}' "$TMP/results" | median) us," \
		"$(awk -v v=$v '$1 == v {print $3}' "$TMP/results" | median) req/s"
done
uptime
