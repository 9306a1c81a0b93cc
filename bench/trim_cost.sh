#!/usr/bin/env bash
# Row 6: what an idle worker's trim (loader/host/cli/worker_trim.h) costs
# the call after it. One gofnd, one warm worker of hello.go; alternately a
# call right after another (the worker has not trimmed) and a call after the
# worker idled past its trim delay (it gave back its heap and dropped its
# file pages, which the call faults back from the page cache). Each is
# gofnd's time to the first byte of the answer (curl: starttransfer -
# pretransfer), so connecting is left out of both.
# Usage: trim_cost.sh BUILD N IDLE_SECONDS; prints lines
#   busy_us V / idle_us V / busy_call_us V / idle_call_us V /
#   busy_rss_kb V / idle_rss_kb V
source "$(dirname "$0")/../tests/integration/lib.sh"
N=${2:-11}
IDLE=${3:-1.5}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null; }

start_gofnd "$TMP/data" --workers 1
T=$(new_tenant trimcost) || exit 1
HELLO=$(compile hello) || exit 1
upload "$T" "$HELLO" >/dev/null || {
	echo "bench: upload failed: $BODY" >&2
	exit 1
}
# call STATE: one invoke; prints "STATE_us" (time to first byte) and
# "STATE_call_us" (the call inside the worker, gofnd's duration_us).
call() {
	local t
	t=$(curl -sS --max-time 60 -o "$TMP/res" -w '%{time_pretransfer} %{time_starttransfer}' \
		-X POST -H "Authorization: Bearer $T" --data-binary x "$URL/invoke/main.Handle")
	awk -v s="$1" '{printf "%s_us %d\n", s, ($2 - $1) * 1e6}' <<<"$t"
	echo "$1_call_us $(jq -r .duration_us "$TMP/res")"
}
call warm >/dev/null
W=$(worker_pids | head -1)
for ((i = 0; i < N; i++)); do
	call warm >/dev/null
	call busy
	[[ -n "$W" ]] && echo "busy_rss_kb $(rss_kb "$W")"
	sleep "$IDLE"
	[[ -n "$W" ]] && echo "idle_rss_kb $(rss_kb "$W")"
	call idle
done
stop_gofnd
