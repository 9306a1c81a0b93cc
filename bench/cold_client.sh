#!/usr/bin/env bash
# Where the client-visible time of the first invoke on a restarted gofnd
# goes (row 4's "cold: HTTP invoke on a restarted gofnd (client, ...)"):
# per restart, the first POST /invoke/main.Handle of hello.go, then a warm
# one and a GET /healthz, each measured four ways:
#   harness  date +%s%N before and after curl (what bench_invoke.sh and
#            row 4 recorded until the tenth session: bash forks, curl's exec
#            and start, the call, cat, date)
#   curl     curl's own %{time_total} (connect to last byte; no exec): what
#            row 4's client rows record now
#   gofnd    the request's "us" in gofnd's log (request parsed -> reply)
#   invocation  its duration_us (the call as gofnd's invocation record has it)
#   result   gofn_worker_first_result_seconds_sum (bind or spawn -> result)
# With --prepared 2 (the default, once both are ready) and --prepared 0,
# alternating, N restarts each. Prints one line per call and the medians;
# COLD_SAVE=FILE appends each call's lines of gofnd's log there.
# Not part of make test or make bench: a tool for the breakdown.
# Usage: bench/cold_client.sh BUILD [N]
export GOFN_TEST_PLAIN=1
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
source "$BENCH_DIR/../tests/integration/lib.sh"
source "$BENCH_DIR/lib.sh"
N=${2:-5}
UIDS=(--uid-range "$((1900000 + ($$ % 1000) * 64)):64")
start_gofnd "$TMP/data" "${UIDS[@]}"
T=$(new_tenant bench) || exit 1
HELLO=$(compile hello) || exit 1
upload "$T" "$HELLO" >/dev/null || { echo "bench: upload failed: $BODY"; exit 1; }

# timed KIND METHOD PATH [TOKEN]: one call, its four figures on stdout.
timed() {
	local kind=$1 method=$2 path=$3 tok=${4:-} from t0 t1 curl_s us inv auth=()
	[[ -n "$tok" ]] && auth=(-H "Authorization: Bearer $tok")
	[[ $method == POST ]] && auth+=(--data-binary cold)
	from=$(wc -l <"$TMP/gofnd.log")
	t0=$(date +%s%N)
	curl_s=$(curl -sS -o "$TMP/body" -w '%{time_total}' -X "$method" "${auth[@]}" "$URL$path")
	BODY=$(cat "$TMP/body")
	t1=$(date +%s%N)
	read -r us inv < <(tail -n +"$((from + 1))" "$TMP/gofnd.log" |
		jq -r --arg p "$path" 'select((.event == "invocation" or .event == "http") and
			.path == $p) | "\(.us) \(.duration_us // "?")"' 2>/dev/null | tail -1)
	[[ -n "${COLD_SAVE:-}" ]] && { echo "== $kind"; tail -n +"$((from + 1))" "$TMP/gofnd.log"; } \
		>>"$COLD_SAVE"
	req GET /metrics "$ADMIN"
	printf '%s harness %d curl %d gofnd %s invocation %s result %s load %s\n' "$kind" \
		$(((t1 - t0) / 1000)) "$(awk -v s="$curl_s" 'BEGIN {printf "%d", s * 1e6}')" \
		"${us:-?}" "${inv:-?}" "$(awk '/^gofn_worker_first_result_seconds_sum/ {printf "%d", $2 * 1e6}' \
			"$TMP/body")" "$(cut -d' ' -f1 /proc/loadavg)"
}

for _ in $(seq "$N"); do
	for mode in prepared unprepared; do
		stop_gofnd
		flags=("${UIDS[@]}")
		[[ $mode == unprepared ]] && flags+=(--prepared 0)
		start_gofnd "$TMP/data" "${flags[@]}"
		if [[ $mode == prepared ]]; then
			# every ready one, so no refill competes with the call
			wait_until 30 metric_is gofn_prepared_workers 2 || :
		fi
		timed "cold-$mode" POST /invoke/main.Handle "$T" | tee -a "$TMP/lines"
		timed "warm-$mode" POST /invoke/main.Handle "$T" | tee -a "$TMP/lines"
		timed "healthz-$mode" GET /healthz | tee -a "$TMP/lines"
	done
done
echo "medians (us): kind harness curl gofnd invocation result"
for k in cold-prepared warm-prepared healthz-prepared cold-unprepared warm-unprepared \
	healthz-unprepared; do
	printf '%s' "$k"
	for f in harness curl gofnd invocation result; do
		printf ' %s' "$(awk -v k="$k" -v f="$f" '$1 == k {for (i = 2; i < NF; i++)
			if ($i == f) print $(i + 1)}' "$TMP/lines" | grep -v '?' | median)"
	done
	echo
done
stop_gofnd
U=${UIDS[1]%:*}
rmdir /sys/fs/cgroup/{,unified/}gofn/t$U /sys/fs/cgroup/cpu/gofn/t$U 2>/dev/null
exit 0
