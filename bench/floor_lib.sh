# The relay floor's measuring (issue 16; bench/row_floor.sh for make bench's
# row 8, bench/floor_ab.sh side by side with gofnd): a server under wrk, and
# per request its CPU (utime + stime from /proc/PID/stat) and its context
# switches, apart for the server process and for everything under it (the
# echo processes, or gofnd's supervisors and workers: voluntary +
# nonvoluntary of every thread, /proc/PID/task/*/status), and wrk's CPU and
# switches (perf stat, when there). Needs bench/lib.sh (run_wrk, wrk_stats,
# descendants).

# floor_snap PID...: "pid ticks switches" of each process (switches: its
# live threads'; a thread that ends takes its count along, so the server's
# thread-per-connection count comes from perf, floor_run). Two processes
# in all, whatever the number of PIDs.
floor_snap() {
	local p stats=() status=()
	for p in "$@"; do
		stats+=("/proc/$p/stat")
		status+=(/proc/"$p"/task/*/status)
	done
	((${#stats[@]})) || return 0
	{
		cat "${stats[@]}" 2>/dev/null | sed 's/^\([0-9]*\) .*) /stat \1 /'
		cat "${status[@]}" 2>/dev/null | grep -E '^Tgid:|ctxt_switches'
	} | awk '$1 == "stat" {t[$2] = $14 + $15; next}
		$1 == "Tgid:" {g = $2; next}
		{s[g] += $2}
		END {for (p in t) print p, t[p], s[p] + 0}'
}

# floor_delta BEFORE AFTER COLUMN: the sum over pids in both of after - before.
floor_delta() {
	awk -v c="$3" 'NR == FNR {b[$1] = $c; next} ($1 in b) {s += $c - b[$1]} END {print s + 0}' "$1" "$2"
}

# floor_start NAME CMD...: starts a server that prints "port N" in the
# background: FLOOR_PID[NAME] and FLOOR_URL[NAME] (no URL if it never listens).
declare -A FLOOR_PID FLOOR_URL
floor_start() {
	local name=$1 port=""
	shift
	"$@" >"$FLOOR_DIR/$name.port" 2>"$FLOOR_DIR/$name.err" &
	FLOOR_PID[$name]=$!
	for _ in $(seq 100); do
		port=$(awk '/^port/ {print $2}' "$FLOOR_DIR/$name.port")
		[[ -n "$port" ]] && break
		sleep 0.1
	done
	[[ -n "$port" ]] && FLOOR_URL[$name]=http://127.0.0.1:$port
}

# floor_stop: ends every server floor_start started.
floor_stop() {
	local p
	for p in "${FLOOR_PID[@]}"; do
		kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	FLOOR_PID=()
}

# FLOOR_PERF: perf stat works here (linux-perf; not a dependency of the
# bench: without it the server's and wrk's switches are "-").
FLOOR_PERF=""
perf stat -D -1 -e context-switches -o /dev/null true >/dev/null 2>&1 && FLOOR_PERF=1

# floor_run NAME PID C SECS URL LUA [WARM]: when WARM is given, passes of
# wrk for WARM seconds first until one starts no process (at most
# FLOOR_WARM_PASSES, default 6: the
# relay starts its processes as the load asks for them, and a spawn is not
# what is measured), then the measured run; prints "req/s p50_us non2xx server_cpu_us kin_cpu_us
# wrk_cpu_us server_sw kin_sw wrk_sw nkin", CPU and switches per request.
# The server's switches are perf's count over its threads, the ones started
# for the run's connections included (perf stat -p inherits); wrk's CPU and
# switches are perf's too.
floor_run() {
	local name=$1 pid=$2 c=$3 secs=$4 url=$5 lua=$6 out=$FLOOR_DIR/$1.wrk kin sp ctl ack
	local pass k0 k1
	for ((pass = 1; pass <= ${FLOOR_WARM_PASSES:-6} && ${7:-0} > 0; pass++)); do
		k0=$(descendants "$pid" | wc -l)
		run_wrk "$c" "$7" "$url" "$lua" "$out"
		k1=$(descendants "$pid" | wc -l)
		((k1 == k0)) && break
	done
	kin=$(descendants "$pid" | tr '\n' ' ')
	floor_snap "$pid" >"$FLOOR_DIR/s0"
	floor_snap $kin >"$FLOOR_DIR/k0"
	rm -f "$FLOOR_DIR/srv.perf" "$FLOOR_DIR/wrk.perf"
	if [[ -n "$FLOOR_PERF" ]]; then
		# Counting from before wrk's first connection: perf starts with
		# its events off and says "ack" once it has turned them on.
		rm -f "$FLOOR_DIR/ctl" "$FLOOR_DIR/ack"
		mkfifo "$FLOOR_DIR/ctl" "$FLOOR_DIR/ack"
		perf stat -x, -e context-switches -p "$pid" -D -1 -o "$FLOOR_DIR/srv.perf" \
			--control "fifo:$FLOOR_DIR/ctl,$FLOOR_DIR/ack" 2>/dev/null &
		sp=$!
		exec {ctl}<>"$FLOOR_DIR/ctl" {ack}<>"$FLOOR_DIR/ack"
		echo enable >&"$ctl"
		read -r -t 10 _ <&"$ack"
		exec {ctl}>&- {ack}>&-
		perf stat -x, -e context-switches,task-clock -o "$FLOOR_DIR/wrk.perf" -- \
			wrk -t $((c < 2 ? 1 : 2)) -c "$c" -d "${secs}s" --latency -s "$lua" "$url" >"$out" 2>&1
		kill -INT "$sp"
		wait "$sp"
	else
		run_wrk "$c" "$secs" "$url" "$lua" "$out"
	fi
	floor_snap "$pid" >"$FLOOR_DIR/s1"
	floor_snap $kin >"$FLOOR_DIR/k1"
	local p50 rps bad n
	read -r p50 _ rps bad < <(wrk_stats "$out")
	n=$(awk '/requests in/ {print $1; exit}' "$out")
	awk -v rps="$rps" -v p50="$p50" -v bad="$bad" -v n="${n:-0}" -v hz="$(getconf CLK_TCK)" \
		-v st="$(floor_delta "$FLOOR_DIR/s0" "$FLOOR_DIR/s1" 2)" \
		-v kt="$(floor_delta "$FLOOR_DIR/k0" "$FLOOR_DIR/k1" 2)" \
		-v ks="$(floor_delta "$FLOOR_DIR/k0" "$FLOOR_DIR/k1" 3)" -v nk="$(wc -w <<<"$kin")" \
		-v ss="$(floor_perf "$FLOOR_DIR/srv.perf" context-switches)" \
		-v ws="$(floor_perf "$FLOOR_DIR/wrk.perf" context-switches)" \
		-v wt="$(floor_perf "$FLOOR_DIR/wrk.perf" task-clock)" 'BEGIN {
		if (n == 0) { print "- - - - - - - - - 0"; exit }
		printf "%s %s %s %.1f %.1f %s %s %.2f %s %d\n", rps, p50, bad, st * 1e6 / hz / n,
			kt * 1e6 / hz / n, wt == "-" ? "-" : sprintf("%.1f", wt * 1e3 / n),
			ss == "-" ? "-" : sprintf("%.2f", ss / n), ks / n,
			ws == "-" ? "-" : sprintf("%.2f", ws / n), nk }'
}

# floor_perf FILE EVENT: the count of EVENT in perf stat -x, output (msec
# for task-clock), or "-".
floor_perf() {
	awk -F, -v e="$2" '$3 == e && $1 ~ /^[0-9.]+$/ {v = $1} END {print v == "" ? "-" : v}' \
		"$1" 2>/dev/null || echo -
}
