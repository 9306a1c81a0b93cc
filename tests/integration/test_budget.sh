#!/usr/bin/env bash
# The global worker budget (--max-workers, server/pool_budget.h): with a
# budget of 2, five tenants invoking in turn all get their answers while
# gofnd never runs more than 2 worker processes, and the idle workers it
# stopped to make room are counted; with a budget of 1, concurrent callers
# of four tenants all complete (none waits for a worker that never comes);
# with a soft budget (--warm-workers 1), the pool shrinks back to one worker
# once the tenants go quiet, keeping the most recently used one warm.
source "$(dirname "$0")/lib.sh"

TAGGED=$(compile tagged) || exit 1

# at_most N WHAT: gofnd's gauge and its actual worker processes are both <= N.
at_most() {
	local g n
	g=$(metric gofn_workers)
	n=$(wc -w <<<"$(worker_pids)")
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
		(($(metric gofn_workers) <= $1 && $(wc -w <<<"$(worker_pids)") <= $1)) && return 0
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
finish
