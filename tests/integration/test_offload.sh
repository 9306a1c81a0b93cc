#!/usr/bin/env bash
# The event-driven request path (server/http.h, server/offload.h) with one
# event thread (--http-threads 1), where a handler run on it would hold up
# every other connection: while a call sleeps in tenant code, an upload
# stalls mid-body and a client stalls mid-headers, other requests are
# answered (the call and the upload still pending), and the guard still
# cuts the stalled headers with a 408. Then SIGTERM with one call running
# and one queued behind it (--workers 1 --queue 1, grace 1 s): the running
# one is ended and answered, the queued one refused with a 503, and gofnd
# exits 0 (libmicrohttpd must not stop with a connection suspended).
source "$(dirname "$0")/lib.sh"

start_gofnd "$TMP/data" --http-threads 1 --workers 1 --queue 1 --prepared 0 \
	--header-timeout-ms 2000 --shutdown-grace-ms 1000
T=$(new_tenant sleepy) || exit 1
NAP=$(compile nap) || exit 1
req POST /functions "$T" -F "obj=@$NAP"
if [[ "$CODE" != 201 ]]; then
	echo "SKIP test_offload: loader cannot run objects yet ($(jqv .error.message))"
	stop_gofnd
	exit 0
fi
NAP_FN=$(jqv .id)
nap() { # nap OUT: a call that sleeps until its timeout (120 s)
	curl -s -o "$1" --max-time 200 -w '%{http_code}' -X POST -H "Authorization: Bearer $T" \
		--data-binary 600000 "$URL/invoke/main.Nap?function=$NAP_FN&timeout_ms=120000" \
		>"$1.code"
}

# A client that sends part of a request and holds the connection until
# $TMP/release exists; what it got back goes to OUT.
cat >"$TMP/hold.py" <<'EOF'
import os, socket, sys
port, part, out, release = int(sys.argv[1]), sys.argv[2].encode(), sys.argv[3], sys.argv[4]
s = socket.create_connection(("127.0.0.1", port))
s.sendall(part.decode("unicode_escape").encode("latin-1"))
open(out + ".sent", "w").close()
s.settimeout(0.1)
got = b""
while not os.path.exists(release):
    try:
        b = s.recv(4096)
        if not b:
            break
        got += b
    except socket.timeout:
        pass
open(out, "wb").write(got)
EOF
hold() { python3 "$TMP/hold.py" "$PORT" "$1" "$2" "$TMP/release" & }

nap "$TMP/running.json" &
p_run=$!
in_flight() { [[ "$(metric gofn_workers):$(metric gofn_workers_idle)" == 1:0 ]]; }
check "the call is in flight, sleeping in tenant code" wait_until 60 in_flight
hold "POST /functions HTTP/1.1\\r\\nHost: x\\r\\nAuthorization: Bearer $T\\r\\nContent-Length: 100000\\r\\n\\r\\npartial" "$TMP/upload"
p_up=$!
hold "GET /healthz HTTP/1.1\\r\\nHost: x\\r\\nX-Slow: " "$TMP/loris"
p_loris=$!
check "both stalled clients have sent their part" \
	wait_until 30 test -e "$TMP/upload.sent" -a -e "$TMP/loris.sent"

req GET /healthz ""
expect_code 200 "healthz answered meanwhile"
req GET /functions "$T"
expect_code 200 "a tenant's list answered meanwhile"
req POST /tenants "$ADMIN" -H 'Content-Type: application/json' -d '{"name":"other"}'
expect_code 201 "a tenant created meanwhile (a store write)"
check "... while the call still runs" kill -0 $p_run
check "... and the stalled upload is still open" kill -0 $p_up
check "the stalled headers are cut by the guard" wait_until 30 bash -c "! kill -0 $p_loris 2>/dev/null"
check "... with a 408" grep -q "408 Request Timeout" "$TMP/loris"

# One queued behind the running call, then SIGTERM.
nap "$TMP/queued.json" &
p_queued=$!
check "one call waits in the queue" wait_until 60 metric_is gofn_queue_depth 1
touch "$TMP/release"
kill -TERM "$PID"
wait $p_run $p_queued $p_up
check "the running call was answered ($(cat "$TMP/running.json.code"))" \
	test "$(cat "$TMP/running.json.code")" = 200
check "... as ended, not ok ($(jq -r .status "$TMP/running.json"))" \
	bash -c "[[ \"\$(jq -r .status '$TMP/running.json')\" != ok ]]"
check "the queued call was refused ($(cat "$TMP/queued.json.code"))" \
	test "$(cat "$TMP/queued.json.code")" = 503
wait "$PID"
rc=$?
PID=""
check "SIGTERM with a call running and one queued exits 0 ($rc)" test "$rc" = 0
finish
