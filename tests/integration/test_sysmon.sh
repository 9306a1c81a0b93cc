#!/usr/bin/env bash
# A confined worker's Go sysmon sleeps with 1 ms of timer slack and its
# other threads keep the default (issue 16 target 3, server/worker_sysmon.h):
# gofnd sets it through /proc/TID/timerslack_ns once the worker said HELLO,
# on the first thread the runtime created (runtime/proc.go main:
# newm(sysmon) before any other M), found as the smallest id after the main
# thread's in the worker's own PID namespace. The threads that run tenant
# code must not get it (their timers would fire up to 1 ms late), and a
# worker without its own PID namespace (--sandbox 0) is left as it is.
# Checked for a spawned worker (--prepared 0) and for a prepared one.
source "$(dirname "$0")/lib.sh"

# threads W: "ns_tid global_tid slack" per thread of process W, by ns id.
threads() {
	local t
	for t in $(ls "/proc/$1/task"); do
		echo "$(awk '$1 == "NSpid:" {print $NF}' "/proc/$1/task/$t/status") $t $(cat "/proc/$t/timerslack_ns")"
	done | sort -n
}

# sysmon_coarse W: W's second thread (the first created) has 1 ms of slack,
# every other one the main thread's (the default); printed when not (unless
# QUIET is set).
sysmon_coarse() {
	local rows
	rows=$(threads "$1")
	awk 'NR == 1 {m = $3} NR == 2 && $3 != 1000000 {bad = 1} NR > 2 && $3 != m {bad = 1}
		END {exit bad || NR < 3 || m == 1000000}' <<<"$rows" && return 0
	if [[ -z "${QUIET:-}" ]]; then
		echo "worker $1 threads (ns id, id, slack):"
		echo "$rows"
	fi
	return 1
}

# prepared_coarse: gofnd's one worker (a prepared one) exists and its sysmon
# is coarse (set once it said HELLO).
prepared_coarse() {
	local w
	w=$(worker_pids | head -1)
	[[ -n "$w" ]] && sysmon_coarse "$w"
}

# none_coarse W: no thread of W has 1 ms of slack.
none_coarse() { ! threads "$1" | awk '$3 == 1000000 {found = 1} END {exit !found}'; }

called() {
	req POST /invoke/main.Handle "$T" --data-binary "$1"
	[[ "$CODE" == 200 ]]
}

HELLO=$(compile hello) || exit 1
start_gofnd "$TMP/data" --workers 1 --prepared 0
req GET /healthz ""
LAYERS=$(jqv .sandbox.layers)
echo "sandbox layers: $LAYERS"
T=$(new_tenant s) || exit 1
upload "$T" "$HELLO" >/dev/null || {
	echo "upload failed: $CODE $BODY"
	exit 1
}
check "a call" called a
W=$(worker_pids | head -1)
if [[ ",$LAYERS," == *,pidns,* ]]; then
	check "a spawned worker: sysmon's slack 1 ms, the other threads' the default" sysmon_coarse "$W"
	check "after another call, still so" called b
	check "the same worker, still so" sysmon_coarse "$(worker_pids | head -1)"
else
	echo "no PID namespace here (layers: $LAYERS): nothing is set"
	check "no thread with 1 ms of slack" none_coarse "$W"
fi
stop_gofnd || fail "gofnd exit"

start_gofnd "$TMP/data" --workers 1 --prepared 1
if [[ ",$LAYERS," == *,pidns,* ]]; then
	QUIET=1 wait_until 60 prepared_coarse
	check "a prepared worker, before any tenant: the same" prepared_coarse
fi
stop_gofnd || fail "gofnd exit"

start_gofnd "$TMP/data2" --workers 1 --prepared 0 --sandbox 0
T=$(new_tenant u) || exit 1
upload "$T" "$HELLO" >/dev/null || fail "upload unconfined: $CODE $BODY"
check "unconfined: a call" called c
check "unconfined: no thread with 1 ms of slack" none_coarse "$(worker_pids | head -1)"
stop_gofnd || fail "gofnd exit"
finish
