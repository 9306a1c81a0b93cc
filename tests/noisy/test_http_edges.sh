#!/usr/bin/env bash
# HTTP edge cases (issue 13 item 8), each sent byte for byte: a NUL or
# other control byte in the path or query is 400 (it used to cut the value
# short: DELETE /tenants/victim%00whatever deleted tenant victim), differing
# Content-Length headers or Content-Length with Transfer-Encoding are 400
# (request smuggling behind a proxy, RFC 9112 6.3), an unknown transfer
# coding is 501 (it got no answer), HEAD works wherever GET does, 405 names
# the allowed methods, and the size refusals are the JSON error body.
source "$(dirname "$0")/lib.sh"

start_gofnd "$TMP/data"
new_tenant victim >/dev/null || exit 1
AUTH="Authorization: Bearer $ADMIN"

# raw 'REQUEST' (printf escapes): sets ANSWER (JSON, see raw_http.py).
raw() { ANSWER=$(printf "$1" | python3 "$NOISY/raw_http.py" "$PORT"); }
status() { jq -r .status <<<"$ANSWER"; }
code() { jq -r '.json.error.code // "not-json"' <<<"$ANSWER"; }
# expect_raw STATUS CODE "what"
expect_raw() {
	if [[ "$(status)" == "$1" && "$(code)" == "$2" ]]; then ok "$3 ($1 $2)"; else fail "$3: want $1 $2, got $ANSWER"; fi
}

raw "DELETE /tenants/victim%%00whatever HTTP/1.1\r\nHost: x\r\n$AUTH\r\n\r\n"
expect_raw 400 bad_path "NUL in the path"
req GET /tenants "$ADMIN"
check "... and tenant victim is still there" test "$(jqv '[.tenants[].name] | index("victim")')" != null
raw "POST /invoke/main.main%%00.Greet HTTP/1.1\r\nHost: x\r\n$AUTH\r\nContent-Length: 0\r\n\r\n"
expect_raw 400 bad_path "NUL in an invoke symbol"
raw "GET /functions/fn%%01x HTTP/1.1\r\nHost: x\r\n\r\n"
expect_raw 400 bad_path "another control byte (0x01) in the path"
raw "GET /healthz?x=a%%0db HTTP/1.1\r\nHost: x\r\n\r\n"
expect_raw 400 bad_query "a control byte (CR) in a query value"

raw "POST /tenants HTTP/1.1\r\nHost: x\r\n$AUTH\r\nContent-Length: 13\r\nContent-Length: 14\r\n\r\n{\"name\":\"zz\"}"
expect_raw 400 bad_framing "two different Content-Length headers"
raw "POST /tenants HTTP/1.1\r\nHost: x\r\n$AUTH\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
expect_raw 400 bad_framing "Content-Length and Transfer-Encoding"
raw "POST /tenants HTTP/1.1\r\nHost: x\r\n$AUTH\r\nTransfer-Encoding: gzip\r\n\r\nabc"
expect_raw 501 not_implemented "Transfer-Encoding: gzip"
req GET /tenants "$ADMIN"
# By name: before, the NUL deleted victim and the two Content-Lengths created
# zz, and a count of one still held.
check "... none of them created a tenant" test "$(jqv '[.tenants[].name] | join(",")')" = victim

raw "HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
check "HEAD /healthz is 200 without a body" \
	test "$(status)" = 200 -a -z "$(jq -r .body <<<"$ANSWER")"
raw "HEAD /tenants HTTP/1.1\r\nHost: x\r\n$AUTH\r\n\r\n"
check "HEAD /tenants is 200 with GET's Content-Length" \
	test "$(status)" = 200 -a "$(jq -r '.headers["content-length"]' <<<"$ANSWER")" -gt 0
raw "PUT /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
expect_raw 405 method_not_allowed "PUT /healthz"
check "... with Allow: GET, HEAD" test "$(jq -r '.headers.allow' <<<"$ANSWER")" = "GET, HEAD"
raw "PATCH /functions/fn_x HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
check "405 on /functions/{id} allows GET, HEAD, DELETE" \
	test "$(jq -r '.headers.allow' <<<"$ANSWER")" = "GET, HEAD, DELETE"

LONG=$(head -c 10000 /dev/zero | tr '\0' a)
raw "GET /$LONG HTTP/1.1\r\nHost: x\r\n\r\n"
expect_raw 414 uri_too_long "a 10000-byte path"
raw "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: $LONG$LONG\r\n\r\n"
expect_raw 431 headers_too_large "20000 bytes of headers"
raw "POST /tenants HTTP/1.1\r\nHost: x\r\n$AUTH\r\nContent-Length: 99999999999\r\n\r\n"
expect_raw 413 too_large "a Content-Length over --max-body"
finish
