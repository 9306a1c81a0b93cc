#!/usr/bin/env bash
# An idle pooled worker gives back what it does not need (issue 16 target 4,
# loader/host/cli/worker_trim.h): once it has waited GOFN_WORKER_TRIM_DELAY_MS
# for its next request, the Go heap the last call freed, malloc's free pages
# and the pages of its executable and libraries go back, and its RSS falls
# within 7 MiB: an untrimmed idle worker holds about 11 MiB (7.4 before the
# idle trim existed). The issue's 6 MiB target is measured by make bench
# (row 6: 3.9 MiB); here, under a loaded machine, the runtime's own threads
# fault text back in between the trim and the read (6.3-6.5 MiB seen in 1
# run of 8 at load ~25). A worker whose calls once held a large heap keeps
# more: the runtime's metadata for it. The trim must do no harm: the same worker answers
# the next calls correctly.
source "$(dirname "$0")/lib.sh"

# rss_kb PID: VmRSS in KiB (empty once the process is gone).
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null; }

# the_worker: the pid of gofnd's one worker.
the_worker() { worker_pids | head -1; }

# wait_rss_at_most PID KIB: waits (up to 60 s) until the worker's RSS is at
# most KIB; LAST_RSS holds the last reading, printed when it never is.
wait_rss_at_most() {
	for _ in $(seq 600); do
		LAST_RSS=$(rss_kb "$1")
		[[ -n "$LAST_RSS" ]] || return 1
		((LAST_RSS <= $2)) && return 0
		sleep 0.1
	done
	echo "worker $1: RSS ${LAST_RSS} KiB, over ${2} KiB"
	return 1
}

invoke() {
	req POST "/invoke/main.$1" "$T" --data-binary "$2"
	[[ "$CODE" == 200 && "$(jqv .result)" == "$3" ]]
}

LIMIT_KB=$((7 * 1024))
start_gofnd "$TMP/data" --workers 1 --prepared 0 # the_worker: the pooled one
req GET /healthz ""
echo "sandbox: confined=$(jqv .sandbox.confined)"
T=$(new_tenant trim) || exit 1
OBJ=$(compile memtrim) || exit 1
upload "$T" "$OBJ" >/dev/null || {
	echo "upload failed: $CODE $BODY"
	exit 1
}

check "a first call" invoke Echo a "echo a"
W=$(the_worker)
check "one warm worker" test -n "$W"
check "idle, its RSS falls within ${LIMIT_KB} KiB" wait_rss_at_most "$W" "$LIMIT_KB"
echo "idle worker RSS: ${LAST_RSS} KiB"

check "a call that keeps 32 MiB of Go heap" invoke Grow x grown
HI=$(rss_kb "$W")
echo "worker RSS holding it: ${HI} KiB"
check "its RSS holds the 32 MiB" test "${HI:-0}" -ge $((32 * 1024))
# Without the trim no GC would run for two minutes (nothing allocates), and
# the runtime's scavenger returns only what a GC freed.
check "a call that frees it" invoke Release x released
check "idle again, the freed heap goes back (at least 24 of the 32 MiB)" \
	wait_rss_at_most "$W" $((HI - 24 * 1024))
echo "idle worker RSS after the freed heap: ${LAST_RSS} KiB"

check "the trimmed worker answers the next call" invoke Echo b "echo b"
check "it is the same worker" test "$(the_worker)" = "$W"
check "and grows again" invoke Grow y grown
HI=$(rss_kb "$W")
check "and frees again" invoke Release y released
check "still the same worker" test "$(the_worker)" = "$W"
check "trimmed once more" wait_rss_at_most "$W" $((HI - 24 * 1024))
echo "idle worker RSS after the second: ${LAST_RSS} KiB"
check "SIGTERM exits 0" stop_gofnd
finish
