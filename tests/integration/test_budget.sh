#!/usr/bin/env bash
# The global worker budget (--max-workers, server/pool_budget.h): with a
# budget of 2, five tenants invoking in turn all get their answers while
# gofnd never runs more than 2 worker processes, and the idle workers it
# stopped to make room are counted; with a budget of 1, concurrent callers
# of four tenants all complete (none waits for a worker that never comes);
# with a soft budget (--warm-workers 1), the pool shrinks back to one worker
# once the tenants go quiet, keeping the most recently used one warm.
# A call queued for the budget whose client hangs up leaves the queue with
# no worker started for it; with --max-starting 1, a cold start waits while
# another is in progress (503 at its deadline) and a warm call does not.
source "$(dirname "$0")/lib.sh"

TAGGED=$(compile tagged) || exit 1
NAP=$(compile nap) || exit 1
HOLD=$(compile holdinit) || exit 1

# at_most N WHAT: gofnd's gauge and its worker processes that can still run
# are both <= N.
at_most() {
	local g n
	g=$(metric gofn_workers)
	n=$(wc -w <<<"$(worker_pids running)")
	if ((g > $1 || n > $1)); then
		fail "$2: gofn_workers $g, $n worker processes, budget $1"
		return 1
	fi
}

start_gofnd "$TMP/data" --max-workers 2 --workers 4
TOKENS=()
for i in 0 1 2 3 4; do
	tok=$(new_tenant "b$i") || exit 1
	TOKENS+=("$tok")
	upload "$tok" "$TAGGED" >/dev/null || fail "upload for b$i: $CODE $BODY"
	at_most 2 "after upload $i"
done
check "gofn_workers_max is the budget" test "$(metric gofn_workers_max)" = 2
before=$(metric gofn_workers_evicted_total)
bad=0
for round in 0 1 2; do
	for i in 0 1 2 3 4; do
		want="r$round-b$i"
		req POST /invoke/main.Tag "${TOKENS[$i]}" --data-binary "$want"
		if [[ "$CODE" != 200 || "$(jqv .status)" != ok || "$(jqv .result)" != "tagged:$want" ]]; then
			echo "call $want: $CODE $BODY"
			bad=$((bad + 1))
		fi
		at_most 2 "after call $want" || bad=$((bad + 1))
	done
done
check "15 calls of 5 tenants in turn, budget 2: all answered, never over 2 workers" test "$bad" = 0
after=$(metric gofn_workers_evicted_total)
# In turn, each tenant's worker is the least recently used when it calls
# again: every call evicts one.
check "each call evicted the least recently used idle worker ($before -> $after)" \
	test "$((after - before))" -ge 15
stop_gofnd || fail "gofnd exit"

start_gofnd "$TMP/data1" --max-workers 1 --workers 4
TOKENS=()
for i in 0 1 2 3; do
	tok=$(new_tenant "c$i") || exit 1
	TOKENS+=("$tok")
	upload "$tok" "$TAGGED" >/dev/null || fail "upload for c$i: $CODE $BODY"
done
concurrent_tags 12 "/invoke/main.Tag?timeout_ms=60000" "${TOKENS[@]}"
check "12 concurrent calls of 4 tenants, budget 1: all complete" test "$BAD" = 0
at_most 1 "after the concurrent calls"
check "their workers took turns (evictions counted)" test "$(metric gofn_workers_evicted_total)" -ge 3
stop_gofnd || fail "gofnd exit"

# shrunk N: gofnd counts at most N workers and runs at most N processes
# (waits for it, bounded: the reaper looks every 250 ms).
shrunk() {
	for _ in $(seq 600); do
		(($(metric gofn_workers) <= $1 && $(wc -w <<<"$(worker_pids running)") <= $1)) && return 0
		sleep 0.1
	done
	return 1
}
start_gofnd "$TMP/data2" --max-workers 4 --warm-workers 1 --warm-idle-ms 100 --prepared 0
TOKENS=()
for i in 0 1 2; do
	tok=$(new_tenant "w$i") || exit 1
	TOKENS+=("$tok")
	upload "$tok" "$TAGGED" >/dev/null || fail "upload for w$i: $CODE $BODY"
done
for i in 0 1 2; do
	req POST /invoke/main.Tag "${TOKENS[$i]}" --data-binary "w$i"
	check "w$i answered under the hard cap" test "$CODE:$(jqv .result)" = "200:tagged:w$i"
done
check "quiet, the pool shrank to --warm-workers 1" shrunk 1
spawned=$(metric gofn_workers_spawned_total)
req POST /invoke/main.Tag "${TOKENS[2]}" --data-binary again
check "the most recently used tenant kept its worker warm" \
	test "$CODE:$(metric gofn_workers_spawned_total)" = "200:$spawned"
req POST /invoke/main.Tag "${TOKENS[0]}" --data-binary again
check "a tenant whose idle worker was stopped gets a new one" \
	test "$CODE:$(metric gofn_workers_spawned_total)" = "200:$((spawned + 1))"
check "stopping idle workers over the soft budget is no eviction" \
	test "$(metric gofn_workers_evicted_total)" = 0
stop_gofnd || fail "gofnd exit"

# --- A queued call whose client closes its connection is dropped: one
# worker in the budget, busy with n's nap; g's call queues, its client
# (curl) is killed, and the call leaves the queue without a worker.
start_gofnd "$TMP/data3" --max-workers 1 --prepared 0
tn=$(new_tenant n) && tg=$(new_tenant g) || exit 1
upload "$tg" "$TAGGED" >/dev/null || fail "upload for g: $CODE $BODY"
upload "$tn" "$NAP" >/dev/null || fail "upload for n: $CODE $BODY"
curl -sS --max-time 120 -o "$TMP/nap.json" -X POST -H "Authorization: Bearer $tn" \
	--data-binary 300000 "$URL/invoke/main.Nap?timeout_ms=300000" &
NAPC=$!
wait_until 60 metric_is gofn_workers_idle 0 || fail "n's nap did not take the worker"
spawned=$(metric gofn_workers_spawned_total)
curl -sS --max-time 120 -o /dev/null -X POST -H "Authorization: Bearer $tg" \
	--data-binary gone "$URL/invoke/main.Tag" &
GONE=$!
check "g's call waits for the budget's one worker" wait_until 60 metric_is gofn_queue_depth 1
kill "$GONE" && wait "$GONE" 2>/dev/null
check "its client gone, the call left the queue" wait_until 60 metric_is gofn_queue_abandoned_total 1
check "... nothing queued, no worker spawned for it, the budget's one worker n's" \
	test "$(metric gofn_queue_depth):$(metric gofn_workers_spawned_total):$(metric gofn_workers)" \
	= "0:$spawned:1"
kill -9 $(worker_pids) 2>/dev/null # ends the nap
wait "$NAPC"
req POST /invoke/main.Tag "$tg" --data-binary back
check "g's next call is served" test "$CODE:$(jqv .result)" = "200:tagged:back"
stop_gofnd || fail "gofnd exit"

# --- --max-starting 1: h's cold start hangs in its package init (HOLD_INIT);
# meanwhile k's cold start waits in the queue and answers the queue's 503 at
# its deadline with nothing spawned for it, g's warm call is served at once;
# once h's start ends (its worker killed), k's starts.
start_gofnd "$TMP/data4" --max-starting 1 --prepared 0
th=$(new_tenant h) && tk=$(new_tenant k) && tg=$(new_tenant g) || exit 1
check "gofn_workers_starting_max is --max-starting" test "$(metric gofn_workers_starting_max)" = 1
req POST "/functions?name=hold" "$th" -F "obj=@$HOLD"
check "upload hold" test "$CODE" = 201
req POST "/functions?name=tag" "$tk" -F "obj=@$TAGGED"
check "upload k's tag" test "$CODE" = 201
upload "$tg" "$TAGGED" >/dev/null || fail "upload for g: $CODE $BODY"
# A configuration change stops the name's warm workers: k's next call is cold.
req PUT /functions/tag/config "$tk" -H 'Content-Type: application/json' -d '{"env":{"X":"1"}}'
req PUT /functions/hold/config "$th" -H 'Content-Type: application/json' -d '{"env":{"HOLD_INIT":"1"}}'
check "h's configuration set" test "$CODE" = 200
before=$(worker_pids | sort)
spawned=$(metric gofn_workers_spawned_total)
curl -sS --max-time 120 -o "$TMP/hold.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $th" \
	--data-binary x "$URL/invoke/main.Hi?timeout_ms=120000" >"$TMP/hold.code" &
HOLDC=$!
check "h's cold start is in progress" wait_until 60 metric_is gofn_workers_starting 1
# Its spawn is counted once the worker said HELLO, before the load it hangs in.
spawned=$((spawned + 1))
check "h's worker spawned" wait_until 60 metric_is gofn_workers_spawned_total "$spawned"
req POST "/invoke/main.Tag?timeout_ms=500" "$tk" --data-binary waits
expect_err 503 unavailable "k's cold start waited for h's until its deadline"
check "... the queue's message" \
	bash -c '[[ $1 == *"no worker became free before the deadline"* ]]' _ "$(jqv .error.message)"
check "... and nothing was spawned for it" test "$(metric gofn_workers_spawned_total)" = "$spawned"
req POST /invoke/main.Tag "$tg" --data-binary warm
check "g's warm call is served while the start is held" test "$CODE:$(jqv .result)" = "200:tagged:warm"
held=$(comm -13 <(echo "$before") <(worker_pids | sort))
check "h's worker found ($held)" test -n "$held"
kill -9 $held 2>/dev/null
wait "$HOLDC"
check "h's call answers once its worker is gone" test "$(cat "$TMP/hold.code")" != 200
check "the start is over" wait_until 60 metric_is gofn_workers_starting 0
req POST /invoke/main.Tag "$tk" --data-binary now
check "k's cold start now runs" test "$CODE:$(jqv .result)" = "200:tagged:now"
stop_gofnd || fail "gofnd exit"
finish
