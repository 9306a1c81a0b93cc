# Shared helpers for tests/noisy/: a real gofnd from tests/integration/lib.sh
# (start_gofnd, req, new_tenant, compile, upload, check, finish) plus what
# measuring a victim needs. Sourced by each test_*.sh with the build dir as $1.
# Bounds are generous multiples of a baseline measured in the same test, on
# the same machine and load, never absolute times.
source "$(dirname "${BASH_SOURCE[0]}")/../integration/lib.sh"
NOISY=$ROOT/tests/noisy

# victim_run N OUT CURL_ARGS...: N sequential requests; one line per request
# in OUT: "<http code> <seconds>". Returns non-zero if any was not 2xx.
victim_run() {
	local n=$1 out=$2 bad=0 line
	shift 2
	: >"$out"
	for _ in $(seq "$n"); do
		line=$(curl -sS --max-time 30 -o /dev/null -w '%{http_code} %{time_total}' "$@" 2>/dev/null) ||
			line="000 30"
		echo "$line" >>"$out"
		[[ "$line" == 2* ]] || bad=1
	done
	return $bad
}

# p50 FILE: the median of the second column of a victim_run file, in ms.
p50() {
	awk '{print $2 * 1000}' "$1" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}

# ok_count FILE: how many of a victim_run's requests succeeded.
ok_count() { grep -c '^2' "$1"; }

# within_factor VALUE BASE FACTOR FLOOR_MS: VALUE <= max(BASE, FLOOR_MS) * FACTOR
# (a floor so a sub-millisecond baseline does not make noise a failure).
within_factor() {
	awk -v v="$1" -v b="$2" -v f="$3" -v fl="$4" 'BEGIN {if (b < fl) b = fl; exit !(v <= b * f)}'
}

# --- tenant-isolation helpers (test_cpu, test_memory, test_quota, tests/vm)
NOISY_PROGS=$NOISY/progs

# noisy_compile NAME: tests/noisy/progs/NAME.go -> object path (prebuilt in
# $GOFN_NOISY_OBJS inside the VM, which has no Go toolchain).
noisy_compile() {
	if [[ -n "${GOFN_NOISY_OBJS:-}" ]]; then
		echo "$GOFN_NOISY_OBJS/$1.o"
		return
	fi
	PROGS=$NOISY_PROGS compile "$1"
}

# Inside the VM (no Go toolchain) integration's compile NAME gives the
# object tests/vm/run.sh prebuilt from tests/integration/progs/NAME.go.
if [[ -n "${GOFN_NOISY_OBJS:-}" ]]; then
	compile() { echo "$GOFN_NOISY_OBJS/$1.o"; }
fi

# attacker_and_victim: two tenants, each with tests/noisy/progs/noisy.go
# uploaded; sets A, V (tokens) and AF, VF (function ids).
attacker_and_victim() {
	local obj
	A=$(new_tenant attacker) || exit 1
	V=$(new_tenant victim) || exit 1
	obj=$(noisy_compile noisy) || exit 1
	AF=$(upload "$A" "$obj") || { echo "upload: $CODE $BODY"; exit 1; }
	VF=$(upload "$V" "$obj") || { echo "upload: $CODE $BODY"; exit 1; }
}

# call TOKEN FUNCTION_ID SYMBOL [INPUT]: one invocation (sets CODE, BODY).
call() {
	req POST "/invoke/$3?function=$2" "$1" --data-binary "${4-}"
}

# p50_ms TOKEN FUNCTION_ID SYMBOL INPUT N: N sequential invocations; sets P50
# (ms, as p50) and FAILED_CALLS (answers whose JSON status is not "ok": an
# invocation that failed is still HTTP 200).
p50_ms() {
	local tok=$1 fn=$2 sym=$3 in=$4 n=$5 t
	: >"$TMP/calls"
	for _ in $(seq "$n"); do
		t=$(curl -sS --max-time 60 -o "$TMP/lat" -w '%{time_total}' -X POST \
			-H "Authorization: Bearer $tok" --data-binary "$in" "$URL/invoke/$sym?function=$fn")
		if [[ "$(jq -r .status "$TMP/lat" 2>/dev/null)" == ok ]]; then
			echo "200 ${t:-60}" >>"$TMP/calls"
		else
			echo "000 ${t:-60}" >>"$TMP/calls"
		fi
	done
	P50=$(p50 "$TMP/calls")
	FAILED_CALLS=$((n - $(ok_count "$TMP/calls")))
}

# log_has EVENT: gofnd logged that event.
log_has() {
	grep -q "\"event\":\"$1\"" "$TMP/gofnd.log"
}

# worker_pids: gofnd's worker processes (its children running gofn-loader).
worker_pids() {
	local p
	for p in /proc/[0-9]*; do
		[[ "$(awk '{print $4}' "$p/stat" 2>/dev/null)" == "$PID" ]] || continue
		[[ "$(cat "$p/comm" 2>/dev/null)" == gofn-loader* ]] && echo "${p#/proc/}"
	done
}

# running_workers: how many of gofnd's workers are on a CPU right now.
running_workers() {
	local p n=0
	for p in $(worker_pids); do
		[[ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" == R ]] && n=$((n + 1))
	done
	echo "$n"
}
no_running_workers() { [[ "$(running_workers)" == 0 ]]; }

# noisy_report NAME FIELDS...: one line of figures for docs/security.md.
noisy_report() {
	echo "FIGURES $*"
}
