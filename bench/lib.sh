# Helpers shared by bench/run.sh and its row scripts: medians, wrk output in
# microseconds, and the results file every row appends to.
#
# A result is one TSV line in $RESULTS:
#   row  case  gofn_value  peer_name  peer_value  unit  target  note
# target is "ratio<=X", "ratio>=X", "value<=X" or "-" (no target); the ratio
# is always gofn_value / peer_value.

# median: the median of the numbers on stdin (one per line), or nothing.
median() {
	sort -g | awk '{v[NR] = $1} END {
		if (NR == 0) exit
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# field NAME: the value after "NAME " on stdin's last such line.
field() { awk -v k="$1" '$1 == k {v = $2} END {if (v != "") print v}'; }

# record ROW CASE GOFN PEER_NAME PEER UNIT TARGET [NOTE]
record() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "${3:-}" "$4" "${5:-}" "$6" "$7" \
		"${8:-}" >>"$RESULTS"
	printf 'bench: %-3s %-48s gofn %-12s %s %s %s\n' "$1" "$2" "${3:-?}" "$4" "${5:-?}" "$6" >&2
}

# to_us VALUE_WITH_UNIT: wrk's "812.00us", "1.20ms", "2.00s" in microseconds.
to_us() {
	awk -v v="$1" 'BEGIN {
		n = v + 0
		if (v ~ /us$/) print n; else if (v ~ /ms$/) print n * 1000
		else if (v ~ /s$/) print n * 1000000; else print n }'
}

# wrk_stats FILE: "p50_us p99_us rps non2xx" from wrk --latency output.
wrk_stats() {
	local p50 p99 rps bad
	p50=$(awk '$1 == "50%" {print $2; exit}' "$1")
	p99=$(awk '$1 == "99%" {print $2; exit}' "$1")
	rps=$(awk '$1 == "Requests/sec:" {print $2; exit}' "$1")
	bad=$(awk '/Non-2xx/ {print $NF; exit}' "$1")
	echo "$(to_us "${p50:-}") $(to_us "${p99:-}") ${rps:-} ${bad:-0}"
}

# wrk_max FILE: the slowest request's latency in us ("Latency avg stdev max").
wrk_max() {
	to_us "$(awk '$1 == "Latency" {print $4; exit}' "$1")"
}

# rotate_lua OUT TOKEN...: the wrk script calling these tenants' main.Handle
# in turn (each of wrk's two threads keeps its own turn): row 7's load.
rotate_lua() {
	local out=$1 t
	shift
	{
		echo "tokens = {"
		for t in "$@"; do echo "  \"$t\","; done
		echo "}"
		cat <<'LUA'
n = 0
request = function()
  n = n + 1
  return wrk.format("POST", nil, {["Authorization"] = "Bearer " .. tokens[n % #tokens + 1]}, "bench")
end
LUA
	} >"$out"
}

# run_wrk CONCURRENCY SECONDS URL LUA OUTFILE: the load exactly as
# tests/integration/bench_invoke.sh drives gofnd, so peers see the same.
run_wrk() {
	local c=$1
	wrk -t $((c < 2 ? 1 : 2)) -c "$c" -d "${2}s" --latency -s "$4" "$3" >"$5" 2>&1
}

# bare_start BUILD: bench-bare-mhd (the peer of the warm rows) in the
# background: BARE_PID, and BARE_PORT once it listens (empty if it never does).
bare_start() {
	"$1/bin/bench-bare-mhd" >"$TMP/bare.port" &
	BARE_PID=$!
	BARE_PORT=""
	for _ in $(seq 50); do
		BARE_PORT=$(awk '/^port/ {print $2}' "$TMP/bare.port")
		[[ -n "$BARE_PORT" ]] && break
		sleep 0.1
	done
}

# hyperfine_median OUT_JSON CMD...: median seconds of each command, one a line.
hyperfine_median() {
	local json=$1
	shift
	hyperfine -N --style none --warmup 1 --runs "$HF_RUNS" --export-json "$json" "$@" \
		>/dev/null 2>&1 || return 1
	jq -r '.results[].median' "$json"
}

# mib KB: kilobytes in MiB with one decimal (nothing for no input).
mib() { awk -v k="${1:-}" 'BEGIN {if (k != "") printf "%.1f\n", k / 1024}'; }

# workers_of PID: PID's descendants running gofn-loader -worker (a sandboxed
# worker is a grandchild: supervisor -> worker), one a line.
workers_of() {
	ps -e -o pid=,ppid=,args= | awk -v root="$1" '
		{pp[$1] = $2; a[$1] = $0}
		END {for (p in pp) {q = p; while (q in pp && q != root && q > 1) q = pp[q];
			if (q == root && q != p && a[p] ~ /gofn-loader[^ ]* -worker/) print p}}'
}

# descendants PID: every process under PID, one a line (one ps, not a
# process per descendant: row 8 walks ~300 of them between runs).
descendants() {
	ps -e -o pid=,ppid= | awk -v root="$1" '{pp[$1] = $2}
		END {for (p in pp) {q = pp[p]; while (q in pp && q != root && q > 1) q = pp[q];
			if (q == root) print p}}'
}

# ab_servers: the side-by-side scripts' servers by variant (SRV_PID,
# SRV_URL, filled by the caller), stopped on exit with the bare handler if
# bare_start ran, before tests/integration/lib.sh's cleanup.
ab_servers() {
	declare -gA SRV_PID=() SRV_URL=()
	BARE_PID=""
	trap 'ab_stop_all; cleanup' EXIT
}
ab_stop_all() {
	local p
	for p in "${SRV_PID[@]}" $BARE_PID; do
		kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
}

# hello_tenants K: K new tenants t0..t(K-1) of the gofnd at $URL, each with
# $HELLO uploaded; their tokens, one a line.
hello_tenants() {
	local i t
	for ((i = 0; i < $1; i++)); do
		t=$(new_tenant "t$i") || return 1
		upload "$t" "$HELLO" >/dev/null || { echo "upload failed: $BODY" >&2; return 1; }
		echo "$t"
	done
}

# perf_all OUT SECONDS: `perf record -a -g -e cpu-clock -F 999` of the whole
# machine into OUT for SECONDS, in the background (PERF_PID), returning once
# it samples: its start walks every process's mappings (7.5 s with 1,000
# workers here) before it lets its command (sleep) run.
perf_all() {
	perf record -q -e cpu-clock -F 999 -a -g -o "$1" -- sleep "$2" >/dev/null 2>&1 &
	PERF_PID=$!
	for _ in $(seq 600); do
		[[ "$(ps -o comm= --ppid $PERF_PID)" == sleep ]] && break
		sleep 0.1
	done
}
