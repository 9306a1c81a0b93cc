#!/usr/bin/env bash
# Every route's auth and error behaviour against a real gofnd.
source "$(dirname "$0")/lib.sh"

# Unconfined on purpose: the other tests run confined where the kernel
# allows, this one covers the plain-process mode and how /healthz reports it.
start_gofnd "$TMP/data" --max-object 65536 --max-body 1024 --max-inflight 50000 --sandbox 0

req GET /healthz ""
check "healthz 200 with sandbox layers" \
	test "$CODE" = 200 -a "$(jqv '.sandbox | has("confined") and has("layers")')" = true
check "healthz says degraded, and why, when workers are unconfined" \
	test "$(jqv .status)" = degraded -a "$(jqv .sandbox.note)" = "disabled by --sandbox 0"

# --- admin routes
req POST /tenants "" -d '{"name":"acme"}'
expect_err 401 unauthorized "create tenant without a token"
check "401 carries WWW-Authenticate" grep -qi '^WWW-Authenticate: Bearer' "$HDRS"
req POST /tenants "wrong" -d '{"name":"acme"}'
expect_err 401 unauthorized "create tenant with a bad token"
req POST /tenants "$ADMIN" -d '{"name":'
expect_err 400 bad_json "malformed JSON"
req POST /tenants "$ADMIN" -d '{"nom":"acme"}'
expect_err 400 bad_request "JSON without name"
req POST /tenants "$ADMIN" -d '{"name":"../etc"}'
expect_err 400 bad_name "bad tenant name"
req POST /tenants "$ADMIN" -d "{\"name\":\"$(head -c 2000 /dev/zero | tr '\0' a)\"}"
expect_err 413 too_large "body over --max-body"
A=$(new_tenant acme) || exit 1
B=$(new_tenant bravo) || exit 1
check "tenant tokens differ and are long" test "${#A}" -ge 40 -a "$A" != "$B"
req POST /tenants "$ADMIN" -d '{"name":"acme"}'
expect_err 409 exists "duplicate tenant"
req POST /tenants "$A" -d '{"name":"evil"}'
expect_err 403 forbidden "tenant token on an admin route"
req GET /tenants "$ADMIN"
check "list tenants" test "$(jqv '[.tenants[].name] | sort | join(",")')" = "acme,bravo"
req DELETE /tenants/nosuch "$ADMIN"
expect_err 404 not_found "delete a missing tenant"

# --- tenant routes: auth
req GET /functions ""
expect_err 401 unauthorized "functions without a token"
req GET /functions "$ADMIN"
expect_err 403 forbidden "admin token on a tenant route"
req GET /functions "$A"
check "empty function list" test "$CODE" = 200 -a "$(jqv '.functions | length')" = 0

# --- uploads that must be refused
printf 'hello' >"$TMP/junk"
req POST /functions "$A" -F "obj=@$TMP/junk"
expect_err 400 bad_object "upload of a non-object"
printf '!<arch>\n_go_.o  garbage' >"$TMP/badarch"
req POST /functions "$A" -F "obj=@$TMP/badarch"
check "loader refuses a malformed archive with 400/422 and a message" \
	test "$CODE" = 400 -o "$CODE" = 422
check "... naming the problem" test -n "$(jqv '.error.message')"
# Names go into JSON and the store, so they must be UTF-8 (an edited object).
HELLO=$(compile hello) || exit 1
python3 -c 'import sys; d = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(d.replace(b"main.Handle", b"main.H\xffndle"))' "$HELLO" "$TMP/badname.o"
req POST /functions "$A" -F "obj=@$TMP/badname.o"
expect_err 400 bad_object "object with a symbol name that is not UTF-8"
check "... naming the name and the problem" \
	test "$(jqv '.error.message | test("H.xffndle.* is not valid UTF-8")')" = true
req POST /functions "$A" -F "other=@$TMP/junk"
expect_err 400 bad_multipart "multipart without field obj"
req POST /functions "$A" -H 'Content-Type: multipart/form-data; boundary=XYZ' \
	--data-binary $'--XYZ\r\nContent-Disposition: form-data; name="obj"; filename="x.o"\r\n\r\n!<arch>\npartial'
expect_err 400 bad_multipart "truncated multipart"
req POST /functions "$A" -H 'Content-Type: multipart/form-data' --data-binary 'x'
expect_err 400 bad_multipart "multipart without a boundary"
head -c 200000 /dev/zero >"$TMP/big"
req POST /functions "$A" -F "obj=@$TMP/big"
expect_err 413 too_large "object over --max-object (multipart)"
req POST /functions "$A" -H 'Content-Type: application/octet-stream' --data-binary "@$TMP/big"
expect_err 413 too_large "object over --max-object (raw body)"
req POST /functions "$A" -H 'Content-Type: application/octet-stream' --data-binary ''
expect_err 400 bad_request "empty upload"
head -c 60000 /dev/zero >"$TMP/mid"
req POST /functions "$A" -H 'Content-Type: application/octet-stream' --data-binary "@$TMP/mid"
expect_err 503 unavailable "bodies over --max-inflight, all requests together"
check "... with Retry-After" grep -qi '^Retry-After: [0-9]' "$HDRS"

# --- lookups
req GET /functions/fn_0000000000000000 "$A"
expect_err 404 not_found "get a missing function"
req DELETE /functions/fn_0000000000000000 "$A"
expect_err 404 not_found "delete a missing function"
req POST /invoke/main.main "$A"
expect_err 404 unknown_symbol "invoke with no functions"
req POST '/invoke/main.main?timeout_ms=0' "$A"
expect_err 400 bad_timeout "timeout_ms=0"
req POST /invoke/nodot "$A"
expect_err 400 bad_symbol "symbol without a package"
req GET /nosuch "$A"
expect_err 404 not_found "unknown route"
req PUT /functions "$A"
expect_err 405 method_not_allowed "wrong method"
req POST '/nosuch%dd%ff' "$A"
expect_err 404 not_found "a path %-decoding to bytes that are not UTF-8 still gets a JSON error"
req POST '/invoke/main.%c3%28' "$A"
expect_err 400 bad_symbol "... also when it is a symbol (no symbol can have that name)"

# --- metrics
req GET /metrics ""
expect_err 401 unauthorized "metrics without a token"
req GET /metrics "$ADMIN"
check "metrics in Prometheus text" grep -q '^gofn_workers ' "$TMP/body"
check "metrics count HTTP 4xx" grep -Eq '^gofn_http_responses_total\{code="4xx"\} [1-9]' "$TMP/body"

# --- logs are JSON lines
check "every log line is JSON" jq -e . "$TMP/gofnd.log" >/dev/null

# --- graceful stop
check "SIGTERM exits 0" stop_gofnd
check "log says stopped" grep -q '"event":"stopped"' "$TMP/gofnd.log"
finish
