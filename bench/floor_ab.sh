#!/usr/bin/env bash
# The relay floor side by side with gofnd (issue 16 targets 2 and 3;
# docs/benchmarks.md, "The relay floor"): the bare handler, bench-bare-relay
# with its C echo and with its Go echo (with and without a CPU cgroup per
# tenant), and gofnd started as bench/tenants_ab.sh starts it (--workers 4
# --queue 1024 --max-connections 1024, K tenants that uploaded hello.go),
# all up at once; each round runs wrk against each in turn at c=1 and c=64,
# over one tenant and over K, and prints per run: req/s, p50, CPU per
# request of the server process, of everything under it (echo processes;
# gofnd's supervisors and workers) and of wrk, and context switches per
# request of the same three (every thread). Then the medians.
# Not part of make test or make bench: a tool for measuring by hand.
# Usage: bench/floor_ab.sh BUILD [K] [SECONDS] [ROUNDS]
#   FLOOR_CS="1 64" (the concurrencies), FLOOR_ONLY="regex" (the runs),
#   FLOOR_W=4 (the relay's processes per tenant, gofnd's --workers),
#   FLOOR_GO_VARIANTS="NAME=FLAGS ..." (more Go echoes, run as relay_go_NAME
#   over 1 and K tenants: the echo's flags, commas for spaces, e.g.
#   "cgo=-cgo p1nodl=-procs=1,-deadline=0"; bare_relay_echo_go/main.go). Also
#   relay_cw: the C echo with a process per connection (-w 64), one tenant.
#   The event-driven relay (bench-bare-relay -e FLOOR_EV, default nproc
#   threads): relay_ev and relay_ev_go (a frame at a time on an echo),
#   relay_evq (C echo, up to 64 frames queued on a busy echo), and its HTTP
#   side alone, bare_ev (bench-bare-mhd -n FLOOR_EV).
export GOFN_TEST_PLAIN=1
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
source "$BENCH_DIR/../tests/integration/lib.sh"
source "$BENCH_DIR/lib.sh"
K=${2:-100}
SECS=${3:-4}
ROUNDS=${4:-3}
export PATH="$PATH:/usr/local/go/bin"
command -v wrk >/dev/null || { echo "floor_ab: wrk not installed"; exit 1; }
FLOOR_DIR=$TMP/floor
mkdir -p "$FLOOR_DIR"
source "$BENCH_DIR/floor_lib.sh"
trap 'floor_stop; cleanup' EXIT
HELLO=$(compile hello) || exit 1
(cd "$BENCH_DIR/bare_relay_echo_go" && go build -ldflags=-checklinkname=0 -o "$TMP/relay-echo-go" .) ||
	exit 1
declare -A GOV
GO_RUNS=()
for v in ${FLOOR_GO_VARIANTS:-}; do
	GOV[${v%%=*}]=${v#*=}
	GO_RUNS+=("relay_go_${v%%=*}")
done

CG=""
[[ -w /sys/fs/cgroup/cpu/cgroup.procs ]] && CG=/sys/fs/cgroup/cpu/gofn-floor-$$
[[ -n "$CG" ]] || echo "floor_ab: no writable v1 cpu hierarchy: no runs with CPU groups"
RELAY=$BUILD/bin/bench-bare-relay
floor_start bare "$BUILD/bin/bench-bare-mhd"
W=${FLOOR_W:-4}
for t in 1 "$K"; do
	floor_start "relay_c.$t" "$RELAY" -t "$t" -w "$W" "$BUILD/bin/bench-relay-echo"
	floor_start "relay_go.$t" "$RELAY" -t "$t" -w "$W" "$TMP/relay-echo-go"
	[[ -z "$CG" ]] ||
		floor_start "relay_go_cg.$t" "$RELAY" -t "$t" -w "$W" -g "$CG.$t" "$TMP/relay-echo-go"
	for v in "${!GOV[@]}"; do
		floor_start "relay_go_$v.$t" "$RELAY" -t "$t" -w "$W" "$TMP/relay-echo-go" ${GOV[$v]//,/ }
	done
done
floor_start relay_cw.1 "$RELAY" -w 64 "$BUILD/bin/bench-relay-echo"
EV=${FLOOR_EV:-$(nproc)}
floor_start bare_ev.1 "$BUILD/bin/bench-bare-mhd" -n "$EV"
for t in 1 "$K"; do
	floor_start "relay_ev.$t" "$RELAY" -e "$EV" -t "$t" -w "$W" "$BUILD/bin/bench-relay-echo"
	floor_start "relay_evq.$t" "$RELAY" -e "$EV" -q 64 -t "$t" -w "$W" "$BUILD/bin/bench-relay-echo"
	floor_start "relay_ev_go.$t" "$RELAY" -e "$EV" -t "$t" -w "$W" "$TMP/relay-echo-go"
done
start_gofnd "$TMP/data" --workers 4 --queue 1024 --max-connections 1024
FLOOR_PID[gofnd]=$PID
GOFND_URL=$URL
PID="" # stopped by floor_stop
hello_tenants "$K" >"$TMP/tokens" || exit 1
rotate_lua "$FLOOR_DIR/relay.1.lua" 0
rotate_lua "$FLOOR_DIR/relay.$K.lua" $(seq 0 $((K - 1)))
rotate_lua "$FLOOR_DIR/gofnd.1.lua" "$(head -1 "$TMP/tokens")"
mapfile -t toks <"$TMP/tokens"
rotate_lua "$FLOOR_DIR/gofnd.$K.lua" "${toks[@]}"

# warm_gofnd N C: the load until a pass starts no worker (at most 6), as
# tenants_ab.sh: a pass that starts workers measures spawns, not calls.
warm_gofnd() {
	local c0 c1
	for _ in 1 2 3 4 5 6; do
		c0=$(URL=$GOFND_URL metric gofn_worker_first_result_seconds_count)
		run_wrk "$2" "$SECS" "$GOFND_URL/invoke/main.Handle" "$FLOOR_DIR/gofnd.$1.lua" \
			"$FLOOR_DIR/warm.wrk"
		c1=$(URL=$GOFND_URL metric gofn_worker_first_result_seconds_count)
		((c1 == c0)) && break
	done
}
# one NAME N C: a run of NAME's (bare, bare_ev, relay_c, relay_cw, relay_ev, relay_evq,
# relay_go, relay_ev_go, relay_go_cg, relay_go_VARIANT, gofnd)
# over N tenants at concurrency C.
one() {
	local s=$1 n=$2 c=$3 key pid url lua warm=""
	key=$s.$n
	case $s in
	bare) pid=${FLOOR_PID[bare]} url=${FLOOR_URL[bare]}/ lua=$FLOOR_DIR/relay.1.lua ;;
	bare_ev) pid=${FLOOR_PID[$key]} url=${FLOOR_URL[$key]}/ lua=$FLOOR_DIR/relay.1.lua ;;
	gofnd)
		pid=${FLOOR_PID[gofnd]} url=$GOFND_URL/invoke/main.Handle lua=$FLOOR_DIR/gofnd.$n.lua
		warm_gofnd "$n" "$c"
		;;
	*)
		[[ -n "${FLOOR_URL[$key]:-}" ]] || return
		pid=${FLOOR_PID[$key]} url=${FLOOR_URL[$key]}/ lua=$FLOOR_DIR/relay.$n.lua
		warm=$(((SECS + 1) / 2))
		;;
	esac
	local line
	line=$(floor_run "$key" "$pid" "$c" "$SECS" "$url" "$lua" $warm)
	echo "$s $n $c $line" >>"$TMP/results"
	read -r rps p50 bad sc kc wc ss ks ws nk <<<"$line"
	printf '%-12s tenants %-4s c=%-3s %9s req/s p50 %6s us non2xx %s | CPU/req server %5s kin %5s wrk %5s us | switches/req server %5s kin %5s wrk %5s | %s procs | load %s\n' \
		"$s" "$n" "$c" "$rps" "$p50" "$bad" "$sc" "$kc" "$wc" "$ss" "$ks" "$ws" "$nk" \
		"$(cut -d' ' -f1 /proc/loadavg)"
}
RUNS=()
for c in ${FLOOR_CS:-1 64}; do
	for n in 1 "$K"; do
		for s in bare bare_ev relay_c relay_cw relay_ev relay_evq relay_go relay_ev_go \
			relay_go_cg ${GO_RUNS[@]+"${GO_RUNS[@]}"} gofnd; do
			[[ $s =~ bare|relay_cw && $n != 1 ]] && continue
			[[ "$s $n $c" =~ ${FLOOR_ONLY:-.} ]] && RUNS+=("$s $n $c")
		done
	done
done
for ((round = 1; round <= ROUNDS; round++)); do
	echo "round $round"
	for r in "${RUNS[@]}"; do one $r; done
done
echo "medians:"
for r in "${RUNS[@]}"; do
	read -r s n c <<<"$r"
	col() { awk -v s="$s" -v n="$n" -v c="$c" -v k="$1" \
		'$1 == s && $2 == n && $3 == c && $4 != "-" {print $(k + 3)}' "$TMP/results" | median; }
	printf '%-12s tenants %-4s c=%-3s %9s req/s p50 %6s us | CPU/req server %5s kin %5s wrk %5s us | switches/req server %5s kin %5s wrk %5s\n' \
		"$s" "$n" "$c" "$(col 1)" "$(col 2)" "$(col 4)" "$(col 5)" "$(col 6)" "$(col 7)" "$(col 8)" \
		"$(col 9)"
done
uptime
