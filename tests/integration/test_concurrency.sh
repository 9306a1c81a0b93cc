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
# finds the queue full.
start_gofnd "$TMP/data2" --workers 1 --queue 1
C=$(new_tenant crowded) || exit 1
CRASH=$(compile crash) || exit 1
req POST /functions "$C" -F "obj=@$CRASH"
expect_code 201 "upload crash.o"
curl -s -o /dev/null --max-time 30 -X POST -H "Authorization: Bearer $C" \
	"$URL/invoke/main.Spin?timeout_ms=3000" &
p1=$!
sleep 0.5
curl -s -o /dev/null --max-time 30 -X POST -H "Authorization: Bearer $C" \
	"$URL/invoke/main.Spin?timeout_ms=3000" &
p2=$!
sleep 0.5
req POST /invoke/main.Ok "$C" --data-binary x
expect_err 429 busy "third call with the queue full"
check "429 carries Retry-After" grep -qi '^Retry-After: [0-9]' "$HDRS"
wait $p1 $p2
req POST /invoke/main.Ok "$C" --data-binary back
check "served again once the queue drains" test "$(jqv .result)" = back

# SIGTERM while an invocation runs: it finishes (here: its timeout), new
# requests are refused, and gofnd exits 0.
curl -sS -o "$TMP/inflight.json" --max-time 30 -X POST -H "Authorization: Bearer $C" \
	"$URL/invoke/main.Spin?timeout_ms=1500" &
p3=$!
sleep 0.5
kill -TERM "$PID"
sleep 0.2
check "new connections are refused while draining" \
	bash -c "! curl -s --max-time 2 -o /dev/null '$URL/healthz'"
wait $p3
check "the in-flight invocation got its answer" test "$(jq -r .status "$TMP/inflight.json")" = timeout
wait "$PID"
rc=$?
PID=""
check "SIGTERM with work in flight exits 0" test "$rc" = 0
finish
