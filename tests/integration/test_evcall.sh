#!/usr/bin/env bash
# Warm calls without a blocked thread (server/reactor.c): 64 concurrent
# calls to one tenant with 4 workers, each answered with its own input; a
# worker that sends half a frame and hangs holds up nobody else and its
# call ends at its timeout; a worker that dies mid-call gives today's
# outcome; a queued call leaves the queue at its timeout or when its client
# hangs up; shutdown with calls running and queued.
source "$(dirname "$0")/lib.sh"

TAGGED=$(compile tagged) || exit 1
NAP=$(compile nap) || exit 1
HALF=$(compile halfframe) || exit 1
CRASH=$(compile crash) || exit 1

start_gofnd "$TMP/data" --workers 4 --queue 64 --prepared 0
A=$(new_tenant a) && B=$(new_tenant b) || exit 1
upload "$A" "$TAGGED" >/dev/null || fail "upload tagged: $CODE $BODY"
req POST /invoke/main.Tag "$A" --data-binary warm
check "a warm-up call" test "$CODE:$(jqv .result)" = "200:tagged:warm"

concurrent_tags 64 /invoke/main.Tag "$A"
check "64 concurrent calls to one tenant of 4 workers all correct, no cross-talk" test "$BAD" = 0
check "... on at most 4 workers" test "$(metric gofn_workers)" -le 4
upload "$B" "$HALF" >/dev/null || fail "upload halfframe: $CODE $BODY"

busy_is() { [[ $(($(metric gofn_workers) - $(metric gofn_workers_idle))) == "$1" ]]; }

# b's worker sends half a frame and hangs; a's calls go on meanwhile. Ok
# warms b's worker first (a cold start takes the blocking path).
req POST /invoke/main.Ok "$B" --data-binary x
check "b's worker warm" test "$CODE:$(jqv .result)" = "200:x"
req POST "/invoke/main.Half?timeout_ms=2000" "$B" --data-binary x
check "a half frame ends at the call's timeout" test "$CODE:$(jqv .status)" = "200:timeout"
req POST /invoke/main.Ok "$B" --data-binary x
check "b's worker warm again" test "$CODE:$(jqv .result)" = "200:x"
curl -sS --max-time 120 -o "$TMP/half.json" -X POST -H "Authorization: Bearer $B" \
	--data-binary x "$URL/invoke/main.Half?timeout_ms=60000" &
HALFC=$!
wait_until 60 busy_is 1 || fail "b's call did not take its worker"
for i in $(seq 1 20); do
	req POST /invoke/main.Tag "$A" --data-binary "during$i"
	[[ "$CODE:$(jqv .result)" == "200:tagged:during$i" ]] || fail "call $i beside the half frame: $CODE $BODY"
done
check "a's calls answered while b's half frame hangs" kill -0 "$HALFC"
kill -9 $(worker_pids) 2>/dev/null
wait "$HALFC"
check "b's call ended when its worker died" test "$(jq -r .status "$TMP/half.json")" = killed
stop_gofnd || fail "gofnd exit"

# A warm worker that dies mid-call: the outcome the blocking path gives.
start_gofnd "$TMP/data2" --workers 1 --queue 1 --prepared 0 --shutdown-grace-ms 500
C=$(new_tenant c) || exit 1
upload "$C" "$CRASH" >/dev/null || fail "upload crash: $CODE $BODY"
NAP_FN=$(upload "$C" "$NAP") || fail "upload nap: $CODE $BODY"
req POST /invoke/main.Ok "$C" --data-binary x
check "crash.o's Ok" test "$CODE:$(jqv .status)" = "200:ok"
req POST /invoke/main.Nil "$C" --data-binary x
check "a panic mid-call on a warm worker: status panic" test "$CODE:$(jqv .status)" = "200:panic"

nap() { # nap TIMEOUT_MS [OUT] [MAXTIME]
	curl -s -o "${2:-/dev/null}" --max-time "${3:-120}" -X POST -H "Authorization: Bearer $C" \
		--data-binary 600000 "$URL/invoke/main.Nap?function=$NAP_FN&timeout_ms=$1"
}
req POST "/invoke/main.Nap?function=$NAP_FN" "$C" --data-binary 1
check "nap warm" test "$CODE:$(jqv .result)" = "200:napped 1"
nap 60000 &
N1=$!
wait_until 60 metric_is gofn_workers_idle 0 || fail "the nap did not take the worker"
req POST "/invoke/main.Nap?function=$NAP_FN&timeout_ms=300" "$C" --data-binary 1
expect_err 503 unavailable "a queued call at its timeout"
check "... left the queue" test "$(metric gofn_queue_depth)" = 0
curl -s -o /dev/null --max-time 120 -X POST -H "Authorization: Bearer $C" \
	--data-binary 600000 "$URL/invoke/main.Nap?function=$NAP_FN&timeout_ms=60000" &
GONE=$!
check "a call waits in the queue" wait_until 60 metric_is gofn_queue_depth 1
kill "$GONE" && wait "$GONE" 2>/dev/null
check "its client gone, the call left the queue" wait_until 60 metric_is gofn_queue_abandoned_total 1
check "... nothing queued" test "$(metric gofn_queue_depth)" = 0

# Shutdown: the running nap ends, the queued one is refused.
nap 60000 "$TMP/q.json" &
N2=$!
check "a call queued behind the nap" wait_until 60 metric_is gofn_queue_depth 1
kill -TERM "$PID"
wait "$N1" "$N2"
wait "$PID"
check "gofnd stopped cleanly with calls running and queued" test $? = 0
PID=""
check "the queued call was refused" grep -q 'shutting down' "$TMP/q.json"
finish
