# Row 8: the relay floor (issue 16 targets 2 and 3). bench-bare-relay is the
# bare handler plus the least of gofnd's architecture: each request relayed
# over a unix socketpair to a process of its tenant and back (bare_relay.c).
# Its echo process in C, and in Go doing what the worker does at the Go
# level (bare_relay_echo_go/); K tenants with each tenant's processes in a
# CPU cgroup of its own where a v1 cpu hierarchy is writable, as gofnd's.
# And the event-driven relay (bench-bare-relay -e, bare_relay_ev.c: MHD's
# epoll in nproc threads, a reactor over the echoes, frames queued on busy
# echoes), C echo: the floor without a thread blocked per request.
# wrk at c=64, the servers alternating, ROUNDS rounds of FLOOR_SECS; no
# target: the ratios say how much of gofnd's gap to 0.5x and 0.7x a
# process-per-tenant relay has at best on this machine. Sourced by
# bench/run.sh after row_server.sh (row 5's gofnd c=64 figure, g64rps).

FLOOR_DIR=$WORK/floor
mkdir -p "$FLOOR_DIR"
source "$BENCH/floor_lib.sh"
if [[ "${BENCH_SCALE:-full}" == smoke ]]; then
	FLOOR_SECS=1 FLOOR_ROUNDS=1 FLOOR_K=3 FLOOR_WARM_PASSES=1
else
	FLOOR_SECS=4 FLOOR_ROUNDS=2 FLOOR_K=100 FLOOR_WARM_PASSES=3
fi
(cd "$BENCH/bare_relay_echo_go" && go build -ldflags=-checklinkname=0 -o "$WORK/relay-echo-go" .) ||
	echo "bench: the Go echo did not build" >&2
FLOOR_CG=""
[[ -w /sys/fs/cgroup/cpu/cgroup.procs ]] && FLOOR_CG=/sys/fs/cgroup/cpu/gofn-floor-$$
RELAY=$BUILD/bin/bench-bare-relay
floor_start bare "$BUILD/bin/bench-bare-mhd"
floor_start relay_c "$RELAY" "$BUILD/bin/bench-relay-echo"
floor_start relay_go "$RELAY" "$WORK/relay-echo-go"
floor_start relay_k "$RELAY" -t "$FLOOR_K" ${FLOOR_CG:+-g "$FLOOR_CG"} "$WORK/relay-echo-go"
floor_start relay_ev "$RELAY" -e "$(nproc)" -q 64 "$BUILD/bin/bench-relay-echo"
rotate_lua "$FLOOR_DIR/one.lua" 0
rotate_lua "$FLOOR_DIR/k.lua" $(seq 0 $((FLOOR_K - 1)))
floor_lua() { [[ $1 == relay_k ]] && echo "$FLOOR_DIR/k.lua" || echo "$FLOOR_DIR/one.lua"; }
: >"$FLOOR_DIR/results"
for ((round = 1; round <= FLOOR_ROUNDS; round++)); do
	for s in bare relay_c relay_go relay_k relay_ev; do
		[[ -n "${FLOOR_URL[$s]:-}" ]] || continue
		warm=$([[ $round == 1 && $s == relay* ]] && echo 1)
		echo "$s $(floor_run "$s" "${FLOOR_PID[$s]}" 64 "$FLOOR_SECS" "${FLOOR_URL[$s]}/" \
			"$(floor_lua $s)" $warm) $(cut -d' ' -f1 /proc/loadavg)" >>"$FLOOR_DIR/results"
	done
done
floor_stop
# floor_col SERVER N: the median of column N (floor_run's, after the name).
floor_col() { awk -v s="$1" -v c="$2" '$1 == s && $2 != "-" {print $(c + 1)}' \
	"$FLOOR_DIR/results" | median; }
# floor_note SERVER: its CPU and switches per request, for the row's note.
floor_note() {
	echo "CPU/req: server $(floor_col "$1" 4) us + echoes $(floor_col "$1" 5) us, wrk" \
		"$(floor_col "$1" 6) us; switches/req: server $(floor_col "$1" 7), echoes" \
		"$(floor_col "$1" 8), wrk $(floor_col "$1" 9); $(floor_col "$1" 10) echo processes"
}
bare_note="bare handler: CPU/req: server $(floor_col bare 4) us, wrk $(floor_col bare 6) us;"
bare_note+=" switches/req: server $(floor_col bare 7), wrk $(floor_col bare 9)"
rounds="median of $FLOOR_ROUNDS x ${FLOOR_SECS}s, alternating with the bare handler"
record 8 "relay floor, c=64: C echo process" "$(floor_col relay_c 1)" "bare MHD handler" \
	"$(floor_col bare 1)" req/s - "$rounds; $(floor_note relay_c); $bare_note"
record 8 "relay floor, c=64: event-driven, C echo" "$(floor_col relay_ev 1)" "bare MHD handler" \
	"$(floor_col bare 1)" req/s - "$rounds; $(floor_note relay_ev)"
record 8 "relay floor, c=64: Go echo (the worker's wait and call path)" \
	"$(floor_col relay_go 1)" "bare MHD handler" "$(floor_col bare 1)" req/s - \
	"$rounds; $(floor_note relay_go)"
record 8 "relay floor, c=64: Go echo, $FLOOR_K tenants vs 1 tenant" "$(floor_col relay_k 1)" \
	"1 tenant (Go echo)" "$(floor_col relay_go 1)" req/s - \
	"$rounds; $(floor_note relay_k); CPU groups per tenant: ${FLOOR_CG:-none (no writable v1 cpu hierarchy)}"
record 8 "gofnd warm c=64 (row 5) vs the relay floor" "${g64rps:-}" "relay floor, Go echo" \
	"$(floor_col relay_go 1)" req/s - "gofnd measured in row 5, before this row"
