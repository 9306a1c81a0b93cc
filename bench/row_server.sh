# Rows 4 and 5: gofnd's figures come from tests/integration/bench_invoke.sh
# (cold spawn -> first result, warm invoke with wrk at c=1 and c=64); the
# peers are measured here with the same wrk load: a bare libmicrohttpd
# handler (the ceiling) and a CGI-style server that fork+execs the native
# binary per request. Then gofnd's memory and scale (bench/server_rows.sh).
# Sourced by bench/run.sh.

GOFN_BENCH_SAVE=$WORK/c1 bash "$ROOT/tests/integration/bench_invoke.sh" "$BUILD" "$SECS" \
	>"$WORK/bench_invoke.out" 2>&1 ||
	echo "bench: bench_invoke.sh failed (see $WORK/bench_invoke.out)" >&2

# Row 4: spawn -> first result (gofnd's metric) vs fork+exec+wait of the
# native binary of the same program.
# With prepared workers (gofnd's default) and without (--prepared 0),
# alternating restarts (tests/integration/bench_invoke.sh).
cold_of() { # MODE FIELD: the median of that figure over the MODE restarts
	sed -n "s/^cold invoke ($1): client \([0-9]*\) us, spawn->first result \([0-9]*\) us.*/\\$2/p" \
		"$WORK/bench_invoke.out" | median
}
native_exec=$(hyperfine_median "$WORK/hello.hf.json" "$WORK/hello" | awk '{print $1 * 1e6}')
ncold=$(grep -c '^cold invoke (prepared):.*result [0-9]' "$WORK/bench_invoke.out")
nbound=$(grep '^cold invoke (prepared):' "$WORK/bench_invoke.out" | grep -c 'prepared bound 1,')
record 4 "cold: prepared worker bind -> first result" "$(cold_of prepared 2)" \
	"native fork+exec+wait" "$native_exec" us "ratio<=3" \
	"gofnd metric, median of $ncold restarts ($nbound served by a prepared worker)"
record 4 "cold: sandboxed worker spawn -> first result (--prepared 0)" \
	"$(cold_of unprepared 2)" "native fork+exec+wait" "$native_exec" us - \
	"gofnd metric, median of $ncold restarts, alternating with the row above"
record 4 "cold: HTTP invoke on a restarted gofnd (client, prepared)" "$(cold_of prepared 1)" \
	"native fork+exec+wait" "$native_exec" us - \
	"curl's %{time_total}: connect to last byte, not curl's process start"
record 4 "cold: HTTP invoke on a restarted gofnd (client, --prepared 0)" \
	"$(cold_of unprepared 1)" "native fork+exec+wait" "$native_exec" us - \
	"curl's %{time_total} incl. spawn: connect to last byte, not curl's process start"
# The whole confined process, where the kernel lets gofn-loader -sandbox run.
if "$LOADER" -sandbox -o "$WORK/hello.o" -run main.main >/dev/null 2>"$WORK/sandbox.err"; then
	sbx=$(hyperfine_median "$WORK/sandbox.hf.json" \
		"$LOADER -sandbox -o $WORK/hello.o -run main.main" | awk '{print $1 * 1e6}')
	record 4 "cold: gofn-loader -sandbox whole process" "$sbx" "native fork+exec+wait" \
		"$native_exec" us - "supervisor start + confined worker + load; hyperfine"
else
	echo "bench: gofn-loader -sandbox cannot run here ($(head -1 "$WORK/sandbox.err"));" \
		"its whole-process row is left out" >&2
fi

# gofnd's wrk output, one file per concurrency.
awk -v dir="$WORK" '/^=== warm invoke/ {f = dir "/gofnd.c" $(NF - 1); sub(/,$/, "", f)}
	f {print > f}' "$WORK/bench_invoke.out"

cat >"$WORK/peer.lua" <<'LUA'
wrk.method = "POST"
wrk.body = "bench"
wrk.headers["Authorization"] = "Bearer 0000000000000000000000000000000000000000000"
LUA

# peer NAME EXE [ARGS]: starts a peer server, runs wrk at c=1 and c=64.
peer() {
	local name=$1 pid port
	shift
	"$@" >"$WORK/$name.port" 2>"$WORK/$name.err" &
	pid=$!
	for _ in $(seq 50); do
		port=$(field port <"$WORK/$name.port")
		[[ -n "$port" ]] && break
		sleep 0.1
	done
	for c in 1 64; do
		run_wrk $c "$SECS" "http://127.0.0.1:${port:-1}/invoke/main.Handle" "$WORK/peer.lua" \
			"$WORK/$name.c$c"
	done
	kill -TERM $pid && wait $pid
}
peer bare "$BUILD/bin/bench-bare-mhd"
peer cgi "$BUILD/bin/bench-cgi-server" "$WORK/hello"

read -r g1p50 g1p99 _ g1bad < <(wrk_stats "$WORK/gofnd.c1")
read -r _ _ g64rps g64bad < <(wrk_stats "$WORK/gofnd.c64")
read -r b1p50 b1p99 _ _ < <(wrk_stats "$WORK/bare.c1")
read -r _ _ b64rps _ < <(wrk_stats "$WORK/bare.c64")
read -r c1p50 c1p99 _ _ < <(wrk_stats "$WORK/cgi.c1")
read -r _ _ c64rps _ < <(wrk_stats "$WORK/cgi.c64")
note="wrk ${SECS}s; gofnd non-2xx: $g1bad (c=1), $g64bad (c=64)"
record 5 "warm invoke p50, c=1" "$g1p50" "bare MHD handler" "$b1p50" us "ratio<=2" "$note"
record 5 "warm invoke p50, c=1" "$g1p50" "CGI fork+exec native" "$c1p50" us - "$note"
record 5 "warm invoke p99, c=1" "$g1p99" "bare MHD handler" "$b1p99" us - "$note"
record 5 "warm invoke p99, c=1" "$g1p99" "CGI fork+exec native" "$c1p99" us - "$note"
# The tail at c=1: one stall is the whole p99, so the slowest request and
# the count of slow ones inside gofnd (its http line's us); the run's log
# and metrics are in $WORK/c1 (tests/integration/bench_invoke.sh).
read -r g1slow g1n g1inmax < <(sed -n \
	's/^c=1 in gofnd: \([0-9]*\) of \([0-9]*\) requests over 10 ms, max \([0-9]*\) us$/\1 \2 \3/p' \
	"$WORK/bench_invoke.out")
record 5 "warm invoke max, c=1" "$(wrk_max "$WORK/gofnd.c1")" "bare MHD handler" \
	"$(wrk_max "$WORK/bare.c1")" us - "$note; the slowest request (client)"
record 5 "warm invoke, c=1: requests over 10 ms inside gofnd" "${g1slow:-}" \
	"all requests of the c=1 run" "${g1n:-}" requests - \
	"gofnd's own time (its http line's us), slowest ${g1inmax:-?} us; log and metrics in ${WORK#"$BUILD"/}/c1"
record 5 "warm invoke throughput, c=64" "$g64rps" "bare MHD handler" "$b64rps" req/s \
	"ratio>=0.5" "$note"
record 5 "warm invoke throughput, c=64" "$g64rps" "CGI fork+exec native" "$c64rps" req/s - \
	"$note"

WORK=$WORK RESULTS=$RESULTS SECS=$SECS TENANTS=$TENANTS BARE_RPS=$b64rps REPS_EVICT=$REPS \
	bash "$BENCH/server_rows.sh" "$BUILD" ||
	echo "bench: server_rows.sh failed" >&2
