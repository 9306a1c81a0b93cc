#!/usr/bin/env bash
# A rarely called Go process, without gofnd (issue 16 target 3; docs/
# benchmarks.md, "The Go echo and a rarely called Go process"): variants
# of bench-bare-relay's Go echo (bare_relay_echo_go/main.go's flags), each
# behind a relay of its own with one tenant and one process (-t 1 -w 1),
# all up at once; each round runs, for each variant in turn, wrk at c=1
# calling once every INTERVAL ms for SECONDS, and prints the echo's CPU per
# call (the sum over its threads of /proc/PID/task/*/schedstat's time on
# CPU) and its context switches per call by thread, in creation order
# (thread 1 is main's, thread 2 sysmon: runtime/proc.go main creates it
# first), with the system call each thread sleeps in at the end (its
# number, /proc/PID/task/TID/syscall), then the medians. bench/rare_ab.sh
# is the same for gofnd's worker.
# Not part of make test or make bench: a tool for measuring by hand.
# Usage: bench/echo_rare.sh BUILD [INTERVAL_MS] [SECONDS] [ROUNDS]
#   ECHO_VARIANTS="NAME=FLAGS ..." (commas for spaces; default "worker=
#   cgo=-cgo": the worker's path and the one before 2a64bd3; with -tenant,
#   the echo's line at its end is printed after the medians),
#   ECHO_TENANTS=K ECHO_C=C: K tenants of up to 4 processes each (-t K -w 4)
#   called in turn at concurrency C (INTERVAL_MS 0: no delay), the figures
#   summed over the echo processes by thread rank, per call (ECHO_W: the
#   processes a tenant, default 4, 1 for one tenant),
#   ECHO_EVENTS="EV,EV..." (perf stat events, e.g. syscalls:sys_enter_futex):
#   each one's count per call over the echo processes, at the round's line's end,
#   PERF_DIR=DIR: perf record -e cpu-clock -g of each measured run's echo,
#   DIR/NAME.ROUND.txt its report (self, then callers).
export GOFN_TEST_PLAIN=1
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
source "$BENCH_DIR/../tests/integration/lib.sh"
source "$BENCH_DIR/lib.sh"
IVL=${2:-20}
SECS=${3:-10}
ROUNDS=${4:-3}
K=${ECHO_TENANTS:-1} C=${ECHO_C:-1}
W=${ECHO_W:-$((K > 1 ? 4 : 1))}
command -v wrk >/dev/null || { echo "echo_rare: wrk not installed"; exit 1; }
FLOOR_DIR=$TMP/floor
mkdir -p "$FLOOR_DIR"
source "$BENCH_DIR/floor_lib.sh"
trap 'floor_stop; cleanup' EXIT
(cd "$BENCH_DIR/bare_relay_echo_go" && go build -ldflags=-checklinkname=0 -o "$TMP/echo" .) ||
	exit 1
NAMES=()
for v in ${ECHO_VARIANTS:-worker= cgo=-cgo}; do
	n=${v%%=*} flags=${v#*=}
	NAMES+=("$n")
	floor_start "$n" "$BUILD/bin/bench-bare-relay" -t "$K" -w "$W" "$TMP/echo" ${flags//,/ }
	[[ -n "${FLOOR_URL[$n]:-}" ]] || { echo "echo_rare: $n did not start"; exit 1; }
done
rotate_lua "$TMP/rare.lua" $(seq 0 $((K - 1)))
((IVL > 0)) && echo "function delay() return $IVL end" >>"$TMP/rare.lua"

# threads PID...: "pid:rank switches cpu_ns syscall involuntary" per thread of
# each, in creation order (start time, then id).
threads() {
	local p
	for p in "$@"; do thread_ranks "$p" | sed "s/^/$p:/"; done
}
thread_ranks() {
	local d=/proc/$1/task
	awk 'function tid() {split(FILENAME, a, "/"); return a[5]}
		FILENAME ~ /\/stat$/ {t = tid(); st[t] = $22; next}
		FILENAME ~ /schedstat$/ {cpu[tid()] = $1; next}
		FILENAME ~ /syscall$/ {sys[tid()] = $1; next}
		/ctxt_switches/ {sw[tid()] += $2} /^nonvoluntary/ {nv[tid()] = $2}
		END {for (t in st) print st[t], t, sw[t] + 0, nv[t] + 0, cpu[t] + 0, sys[t]}' \
		"$d"/*/stat "$d"/*/status "$d"/*/schedstat "$d"/*/syscall 2>/dev/null |
		sort -n -k1,1 -k2,2 | awk '{print NR, $3, $5, $6, $4}'
}

# run NAME ROUND: "calls cpu_us switches t1..t4 rest c1..c4 crest sys1..sys4
# involuntary"
run() {
	local url=${FLOOR_URL[$1]}/ e n sp=""
	local k0 k1
	for _ in 1 2 3 4; do # passes until one starts no echo process
		k0=$(descendants "${FLOOR_PID[$1]}" | wc -l)
		run_wrk "$C" 1 "$url" "$TMP/rare.lua" "$TMP/warm.txt"
		k1=$(descendants "${FLOOR_PID[$1]}" | wc -l)
		((k1 == k0)) && break
	done
	e=$(descendants "${FLOOR_PID[$1]}")
	[[ -n "$e" ]] || { echo "echo_rare: no echo" >&2; return 1; }
	threads $e >"$TMP/t0"
	if [[ -n "${PERF_DIR:-}" ]]; then
		mkdir -p "$PERF_DIR"
		perf record -q -e cpu-clock -g -p "$(tr '\n' , <<<"$e")" -o "$PERF_DIR/$1.$2.data" 2>/dev/null &
		sp=$!
	fi
	local st=""
	if [[ -n "${ECHO_EVENTS:-}" ]]; then
		perf stat -x, -e "$ECHO_EVENTS" -p "$(tr '\n' , <<<"$e")" -o "$TMP/ev.perf" &
		st=$!
	fi
	run_wrk "$C" "$SECS" "$url" "$TMP/rare.lua" "$TMP/wrk.txt"
	[[ -z "$st" ]] || { kill -INT "$st"; wait "$st"; }
	if [[ -n "$sp" ]]; then
		kill -INT "$sp"
		wait "$sp"
		perf report -i "$PERF_DIR/$1.$2.data" --no-children --percent-limit 2 --stdio \
			-g caller,0.5,callee --max-stack 12 >"$PERF_DIR/$1.$2.txt" 2>/dev/null
	fi
	threads $e >"$TMP/t1"
	n=$(awk '/requests in/ {print $1; exit}' "$TMP/wrk.txt")
	awk -v n="$n" 'NR == FNR {s[$1] = $2; c[$1] = $3; v[$1] = $5; next}
		($1 in s) {ds = $2 - s[$1]; dc = $3 - c[$1]; S += ds; C += dc; V += $5 - v[$1]
		 k = substr($1, index($1, ":") + 1) + 0
		 i = k <= 4 ? k : 5; r[i] += ds; u[i] += dc; if (k <= 4 && !(k in y)) y[k] = $4}
		END {printf "%d %.1f %.2f", n, C / 1000 / n, S / n
		     for (i = 1; i <= 5; i++) printf " %.2f", r[i] / n
		     for (i = 1; i <= 5; i++) printf " %.1f", u[i] / 1000 / n
		     for (i = 1; i <= 4; i++) printf " %s", y[i] == "" ? "-" : y[i]
		     printf " %.2f\n", V / n}' \
		"$TMP/t0" "$TMP/t1"
	[[ -z "$st" ]] || awk -F, -v n="$n" '$1 ~ /^[0-9]+$/ {printf " %s %.2f/call", $3, $1 / n}' \
		"$TMP/ev.perf" >"$TMP/ev.txt"
}
for ((i = 1; i <= ROUNDS; i++)); do
	for v in "${NAMES[@]}"; do
		: >"$TMP/ev.txt"
		out=$(run "$v" "$i") # whole: its events are written after its figures
		read -r n cpu sw t1 t2 t3 t4 t5 c1 c2 c3 c4 c5 y1 y2 y3 y4 nv <<<"$out"
		echo "round $i $v: $n calls every ${IVL} ms ($K tenants, c=$C), echo CPU/call $cpu us" \
			"(threads 1..4: $c1 $c2 $c3 $c4, others $c5), switches/call $sw" \
			"(threads 1..4: $t1 $t2 $t3 $t4, others $t5; involuntary $nv; asleep in syscall" \
			"$y1 $y2 $y3 $y4)," \
			"load $(cut -d' ' -f1 /proc/loadavg)$(cat "$TMP/ev.txt")"
		echo "$v $cpu $sw $t1 $t2 $t3 $t4 $t5 $c1 $c2 $c3 $c4 $c5 $nv" >>"$TMP/results"
	done
done
for v in "${NAMES[@]}"; do
	col() { awk -v v="$v" -v c="$1" '$1 == v {print $c}' "$TMP/results" | median; }
	echo "median $v: echo CPU/call $(col 2) us (threads 1..4: $(col 9) $(col 10)" \
		"$(col 11) $(col 12), others $(col 13)), switches/call $(col 3)" \
		"(threads 1..4: $(col 4) $(col 5) $(col 6) $(col 7), others $(col 8); involuntary $(col 14))"
done
uptime
floor_stop # the echoes see their stream end: -tenant's lines
for v in "${NAMES[@]}"; do sed "s/^/$v: /" "$FLOOR_DIR/$v.err"; done
