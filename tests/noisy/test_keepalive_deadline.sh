#!/usr/bin/env bash
# The header deadline on a kept-alive connection (issue 13 item 1, and
# issue 16: the guard no longer reads TCP_INFO when each request ends, but
# on its tick, by the time of the last data received). After a whole
# request and its answer, a connection that trickles the next request's
# headers is cut with 408 once the deadline passes; one that stays silent
# longer than the deadline and then sends a whole request is answered.
source "$(dirname "$0")/lib.sh"
start_gofnd "$TMP/data" --header-timeout-ms 1000

trickle=$(python3 "$NOISY/keepalive_trickle.py" "$PORT" 0.5 trickle 0.3)
echo "trickle: $trickle"
check "first request on the connection answered 200" \
	test "$(jq -r .first <<<"$trickle")" = "HTTP/1.1 200 OK"
check "a trickled second request is cut with 408" \
	test "$(jq -r .second <<<"$trickle")" = "HTTP/1.1 408 Request Timeout"
check "gofnd logged the cut" grep -q '"event":"request_timeout"' "$TMP/gofnd.log"

whole=$(python3 "$NOISY/keepalive_trickle.py" "$PORT" 2.5 whole 0)
echo "silent, then whole: $whole"
check "a request after 2.5 s of silence (deadline 1 s) is answered 200" \
	test "$(jq -r .second <<<"$whole")" = "HTTP/1.1 200 OK"
finish
