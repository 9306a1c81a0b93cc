#!/usr/bin/env bash
# 64 concurrent invocations across 4 tenants, every output correct and
# unmixed; a full queue answers 429 with Retry-After.
source "$(dirname "$0")/lib.sh"

start_gofnd "$TMP/data" --workers 4 --queue 64
TAGGED=$(compile tagged) || exit 1
TOKENS=()
for t in t0 t1 t2 t3; do
	tok=$(new_tenant "$t") || exit 1
	TOKENS+=("$tok")
	req POST /functions "$tok" -F "obj=@$TAGGED"
	if [[ "$CODE" != 201 ]]; then
		echo "SKIP test_concurrency: loader cannot run objects yet ($(jqv .error.message))"
		stop_gofnd
		exit 0
	fi
done

concurrent_tags 64 /invoke/main.Tag "${TOKENS[@]}"
check "64 concurrent invocations over 4 tenants all correct, no cross-talk" test "$BAD" = 0

stop_gofnd

# A tenant with one worker and a queue of one: the third concurrent call
# finds the queue full. The first two sleep in main.Nap until their timeout
# (no CPU); the third is sent once the pool shows one of them waiting, not
# after a guess of how long they take to arrive.
start_gofnd "$TMP/data2" --workers 1 --queue 1
C=$(new_tenant crowded) || exit 1
CRASH=$(compile crash) || exit 1
NAP=$(compile nap) || exit 1
req POST /functions "$C" -F "obj=@$CRASH"
expect_code 201 "upload crash.o"
NAP_FN=$(upload "$C" "$NAP") || fail "upload nap.o: $CODE $BODY"
nap() { # nap TIMEOUT_MS [OUT]: a call that sleeps until its timeout
	curl -s -o "${2:-/dev/null}" --max-time 60 -X POST -H "Authorization: Bearer $C" \
		--data-binary 600000 "$URL/invoke/main.Nap?function=$NAP_FN&timeout_ms=$1"
}
nap 5000 &
p1=$!
nap 5000 &
p2=$!
check "one call holds the worker, one waits in the queue" wait_until 60 metric_is gofn_queue_depth 1
req POST /invoke/main.Ok "$C" --data-binary x
expect_err 429 busy "third call with the queue full"
check "429 carries Retry-After" grep -qi '^Retry-After: [0-9]' "$HDRS"
wait $p1 $p2
req POST /invoke/main.Ok "$C" --data-binary back
check "served again once the queue drains" test "$(jqv .result)" = back

# SIGTERM while an invocation runs: it finishes (here: its timeout), new
# requests are refused, and gofnd exits 0. In flight: the tenant's one
# worker is there and busy (nothing else runs).
nap 1500 "$TMP/inflight.json" &
p3=$!
in_flight() { [[ "$(metric gofn_workers):$(metric gofn_workers_idle)" == 1:0 ]]; }
check "the call is in flight" wait_until 60 in_flight
kill -TERM "$PID"
check "new connections are refused while draining" \
	wait_until 10 bash -c "! curl -s --max-time 2 -o /dev/null '$URL/healthz'"
wait $p3
check "the in-flight invocation got its answer" test "$(jq -r .status "$TMP/inflight.json")" = timeout
wait "$PID"
rc=$?
PID=""
check "SIGTERM with work in flight exits 0" test "$rc" = 0
finish
