#!/usr/bin/env bash
# Rows 6 and 7 on a real gofnd (tests/integration/lib.sh starts it on
# 127.0.0.1): gofnd's RSS with no tenants and with N idle tenants (each with
# one uploaded function), an idle warm worker's RSS, then throughput at c=64
# with 1..N tenants active at once (each request goes to the next tenant).
# Usage (from bench/row_server.sh): WORK=… RESULTS=… SECS=… TENANTS="1 10 100"
#   BARE_RPS=… server_rows.sh BUILD
source "$(dirname "$0")/../tests/integration/lib.sh"
source "$ROOT/bench/lib.sh"

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null; }

# workers: pids of gofnd's descendants that run gofn-loader -worker.
workers() {
	local kids=("$PID") p all=()
	while ((${#kids[@]})); do
		p=${kids[0]}
		kids=("${kids[@]:1}")
		for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do
			kids+=("$c")
			tr '\0' ' ' <"/proc/$c/cmdline" 2>/dev/null | grep -q -- '-worker' && all+=("$c")
		done
	done
	echo "${all[@]}"
}

max=0
for k in $TENANTS; do ((k > max)) && max=$k; done

start_gofnd "$TMP/data" --workers 4 --queue 1024 --max-connections 1024
req GET /healthz ""
confined=$(jqv .sandbox.confined)
rss0=$(rss_kb "$PID")
TOKENS=()
for ((i = 0; i < max; i++)); do
	t=$(new_tenant "t$i") || exit 1
	upload "$t" "$WORK/hello.o" >/dev/null || {
		echo "bench: upload for t$i failed: $BODY" >&2
		exit 1
	}
	TOKENS+=("$t")
done
sleep 1
rssn=$(rss_kb "$PID")
record 6 "gofnd RSS, $max idle tenants (one function each)" "$(mib "$rssn")" \
	"gofnd, no tenants" "$(mib "$rss0")" MiB - "workers not included; confined=$confined"

ws=$(workers)
wrss=$(for w in $ws; do rss_kb "$w"; done | median)
total=$(for w in $ws; do rss_kb "$w"; done | awk '{s += $1} END {print int(s / 1024)}')
nrss=$("$WORK/rss" | field rss_kb)
record 6 "idle warm worker RSS (median of $(wc -w <<<"$ws"))" "$(mib "$wrss")" \
	"native Go process (rss.go)" "$(mib "$nrss")" MiB - \
	"all $(wc -w <<<"$ws") workers: $total MiB; confined=$confined"

for k in $TENANTS; do
	{
		echo "tokens = {"
		for ((i = 0; i < k; i++)); do echo "  \"${TOKENS[$i]}\","; done
		echo "}"
		cat <<'LUA'
n = 0
request = function()
  n = n + 1
  return wrk.format("POST", nil, {["Authorization"] = "Bearer " .. tokens[n % #tokens + 1]}, "bench")
end
LUA
	} >"$WORK/scale$k.lua"
	# Every tenant once first, so no worker is spawned inside the measurement.
	for ((i = 0; i < k; i++)); do
		req POST /invoke/main.Handle "${TOKENS[$i]}" --data-binary warm
	done
	run_wrk 64 "$SECS" "$URL/invoke/main.Handle" "$WORK/scale$k.lua" "$WORK/scale$k.out"
	read -r _ _ rps bad < <(wrk_stats "$WORK/scale$k.out")
	record 7 "throughput, $k tenant(s) active, c=64" "$rps" "bare MHD handler, c=64" \
		"$BARE_RPS" req/s - "non-2xx: $bad; workers: $(wc -w <<<"$(workers)")"
done
stop_gofnd
