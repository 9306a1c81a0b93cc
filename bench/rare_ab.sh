#!/usr/bin/env bash
# Side by side, one rarely called worker (issue 16 target 3: what a call
# costs a worker that sleeps between calls). Two gofnd builds (A and B: bin
# dirs holding gofnd and gofn-loader with its per-release workers), both up
# at once, each with one tenant that uploaded hello.go and no prepared
# workers (--prepared 0: the tenant's worker is the only one). Each round
# runs, for A then B, wrk at c=1 calling main.Handle once every INTERVAL
# ms for SECONDS, and prints the worker's CPU per call (the sum over its
# threads of /proc/PID/task/*/schedstat's time on CPU, in ns: exact where
# utime+stime count 10 ms ticks) and its context switches per call by
# thread, in creation order (thread 1 is main's, thread 2 is sysmon:
# runtime/proc.go main creates it first), then the medians.
# With K > 1 tenants (each its own worker), wrk calls them in turn, one call
# every INTERVAL ms, so each worker is called every K * INTERVAL ms: row 7's
# held load at a small scale (past the idle trim's 1 s delay when K *
# INTERVAL > 1000); the figures are then sums over the K workers, with
# their minor page faults per call.
# Not part of make test or make bench: a tool for comparing changes.
# Usage: bench/rare_ab.sh BIN_A BIN_B [INTERVAL_MS] [SECONDS] [ROUNDS] [K]
#   GOTOOLCHAIN=go1.27.3: objects built by that release, run by its worker.
export GOFN_TEST_PLAIN=1
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
A=$(readlink -f "${1:?usage: rare_ab.sh BIN_A BIN_B [INTERVAL_MS] [SECONDS] [ROUNDS]}")
B=$(readlink -f "${2:?bin dir B}")
source "$BENCH_DIR/../tests/integration/lib.sh" "$A/.."
source "$BENCH_DIR/lib.sh"
IVL=${3:-20}
SECS=${4:-10}
ROUNDS=${5:-3}
K=${6:-1}
command -v wrk >/dev/null || { echo "rare_ab: wrk not installed"; exit 1; }
HELLO=$(compile hello) || exit 1

ab_servers

ROOT_TMP=$TMP
for v in A B; do
	[[ $v == A ]] && dir=$A || dir=$B
	GOFND=$dir/gofnd LOADER=$dir/gofn-loader
	TMP=$ROOT_TMP/$v
	mkdir -p "$TMP"
	start_gofnd "$TMP/data" --prepared 0
	mapfile -t toks < <(hello_tenants "$K") && ((${#toks[@]} == K)) || exit 1
	SRV_PID[$v]=$PID SRV_URL[$v]=$URL
	rotate_lua "$ROOT_TMP/$v.lua" "${toks[@]}"
	echo "function delay() return $IVL end" >>"$ROOT_TMP/$v.lua"
	PID=""
done
TMP=$ROOT_TMP

# threads PID...: "pid.rank switches cpu_ns" per thread of each worker, in
# creation order: by the thread's id in the worker's own PID namespace
# (NSpid's last field), as host ids wrap around pid_max; then "pid.faults
# minflt 0" per worker.
threads() {
	local p t
	for p in "$@"; do
		for t in $(ls /proc/"$p"/task 2>/dev/null); do
			awk '/^NSpid:/ {printf "%d ", $NF} /ctxt_switches/ {s += $2} END {printf "%d ", s}' \
				/proc/"$p"/task/"$t"/status
			awk '{print $1}' /proc/"$p"/task/"$t"/schedstat
		done | sort -n | awk -v p="$p" '{print p "." NR, $2, $3}'
		awk -v p="$p" '{sub(/.*\) /, ""); print p ".faults", $8, 0}' /proc/"$p"/stat 2>/dev/null
	done
}

# run V: prints "calls cpu_us_per_call switches_per_call t1 t2 t3 t4 rest"
# (switches per call by thread) "c1 c2 c3 c4 crest" (CPU us per call by
# thread) "faults_per_call".
run() {
	local url=${SRV_URL[$1]}/invoke/main.Handle w n
	# the workers up and warm: every tenant has one
	PID=${SRV_PID[$1]}
	for _ in $(seq 30); do
		run_wrk 1 2 "$url" "$TMP/$1.lua" "$TMP/warm.txt"
		w=$(worker_pids)
		(($(wc -w <<<"$w") >= K)) && break
	done
	PID=""
	[[ -n "$w" ]] || { echo "rare_ab: no worker" >&2; return 1; }
	threads $w >"$TMP/t0"
	wrk -t 1 -c 1 -d "${SECS}s" -s "$TMP/$1.lua" "$url" >"$TMP/wrk.txt" 2>&1
	threads $w >"$TMP/t1"
	n=$(awk '/requests in/ {print $1; exit}' "$TMP/wrk.txt")
	awk -v n="$n" 'NR == FNR {s[$1] = $2; c[$1] = $3; next}
		$1 ~ /faults/ {F += $2 - s[$1]; next}
		{ds = $2 - s[$1]; dc = $3 - c[$1]; S += ds; C += dc
		 split($1, k, "."); i = k[2] <= 4 ? k[2] : 5; r[i] += ds; u[i] += dc}
		END {printf "%d %.1f %.2f", n, C / 1000 / n, S / n
		     for (i = 1; i <= 5; i++) printf " %.2f", r[i] / n
		     for (i = 1; i <= 5; i++) printf " %.1f", u[i] / 1000 / n
		     printf " %.2f\n", F / n}' "$TMP/t0" "$TMP/t1"
}
for ((i = 1; i <= ROUNDS; i++)); do
	for v in A B; do
		read -r n cpu sw t1 t2 t3 t4 t5 c1 c2 c3 c4 c5 f < <(run $v)
		echo "round $i $v: $n calls every ${IVL} ms over $K tenant(s), worker CPU/call $cpu us" \
			"(threads 1..4: $c1 $c2 $c3 $c4, others $c5), switches/call $sw" \
			"(threads 1..4: $t1 $t2 $t3 $t4, others $t5), faults/call $f," \
			"load $(cut -d' ' -f1 /proc/loadavg)"
		echo "$v $cpu $sw $t1 $t2 $t3 $t4 $t5 $c1 $c2 $c3 $c4 $c5 $f" >>"$TMP/results"
	done
done
for v in A B; do
	col() { awk -v v=$v -v c="$1" '$1 == v {print $c}' "$TMP/results" | median; }
	echo "median $v: worker CPU/call $(col 2) us (threads 1..4: $(col 9) $(col 10)" \
		"$(col 11) $(col 12), others $(col 13)), switches/call $(col 3)" \
		"(threads 1..4: $(col 4) $(col 5) $(col 6) $(col 7), others $(col 8)), faults/call $(col 14)"
done
uptime
