#!/usr/bin/env bash
# Two gofnd replicas share one PostgreSQL queue of async invocations
# (issue 18): each invocation is claimed by one replica at a time
# (FOR UPDATE SKIP LOCKED + a lease), and when one replica is killed -9
# mid-run the other runs what it held once the lease lapses (attempt 2),
# so all of them complete, none twice.
# Runs with GOFN_TEST_STORE=postgres (lib.sh starts the database).
source "$(dirname "$0")/lib.sh"

DATA=$TMP/data
FLAGS=(--sandbox 0 --async-lease-ms 4000 --async-runners 2)

start_gofnd "$DATA" "${FLAGS[@]}"
A=$URL
A_PID=$PID
A_OWNER=$(jq -r 'select(.event=="async_ready") | .owner' "$TMP/gofnd.log")
store_args "$DATA"
start_replica B "$DATA" "${FLAGS[@]}" "${STORE_ARGS[@]}"
B=$B_URL

on "$A"
T=$(new_tenant acme) || exit 1
NAP=$(compile nap) || exit 1
upload "$T" "$NAP" >/dev/null || exit 1
WANT="napped 1000"

# 20 invocations, accepted by both replicas in turn. Each holds its runner
# a second without CPU (main.Burn's 21 s of CPU only slowed a loaded
# machine: what is checked is who ran what, not how hard).
IDS=()
for i in $(seq 20); do
	((i % 2)) && on "$A" || on "$B"
	req POST "/invoke/main.Nap?async=1&timeout_ms=120000" "$T" --data-binary 1000
	[[ "$CODE" == 202 ]] && IDS+=("$(jqv .invocation_id)")
done
check "20 accepted across the replicas" test "${#IDS[@]}" = 20

# Kill A while it runs some of them; what is still running under A's name
# once it is dead is what it held.
for _ in $(seq 300); do
	[[ -n $(pg_sql "$DATA" "SELECT id FROM invocations WHERE state = 'running' AND owner = '$A_OWNER'") ]] && break
	sleep 0.05
done
kill -9 "$A_PID"
wait "$A_PID" 2>/dev/null
PID=""
HELD=$(pg_sql "$DATA" "SELECT id FROM invocations WHERE state = 'running' AND owner = '$A_OWNER'")
check "replica A held some when it was killed" test -n "$HELD"

on "$B"
wait_done "$T" "${IDS[@]}"
good=0
for id in "${IDS[@]}"; do
	req GET "/invocations/$id" "$T"
	[[ "$(jqv .status)" == ok && "$(jqv .result)" == "$WANT" ]] && good=$((good + 1)) || echo "  $(jqv '[.invocation_id, .status, .attempt, .error] | join(" ")')"
done
check "all 20 completed with the right result after A died ($good)" test "$good" = 20
retried=0
for id in $HELD; do
	req GET "/invocations/$id" "$T"
	[[ "$(jqv .attempt)" == 2 ]] && retried=$((retried + 1))
done
check "what A held ran again on B, attempt 2 ($retried of $(wc -w <<<"$HELD"))" \
	test "$retried" = "$(wc -w <<<"$HELD")"
check "the rows: 20 async done, none queued or running" \
	test "$(pg_sql "$DATA" "SELECT count(*) FILTER (WHERE state = 'done'), count(*) FILTER (WHERE state <> 'done') FROM invocations WHERE mode = 'async'")" = "20|0"
# Each finished run is logged once by the replica that ran it: no
# invocation finished twice (A's unfinished runs are not logged).
cat "$TMP/gofnd.log" "$TMP/B.log" |
	jq -r 'select(.event=="invocation" and .mode=="async") | .invocation_id' | sort >"$TMP/runs"
check "no invocation completed twice" test -z "$(uniq -d "$TMP/runs")"
check "20 completions logged" test "$(wc -l <"$TMP/runs")" = 20

check "replica B: SIGTERM exits 0" stop_replica B
finish
