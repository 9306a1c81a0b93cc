#!/usr/bin/env bash
# HTTP edge cases (issue 13 item 8), each sent byte for byte: a NUL or
# other control byte in the path or query is 400 (it used to cut the value
# short: DELETE /tenants/victim%00whatever deleted tenant victim), differing
# Content-Length headers or Content-Length with Transfer-Encoding are 400
# (request smuggling behind a proxy, RFC 9112 6.3), an unknown transfer
# coding is 501 (it got no answer), HEAD works wherever GET does, 405 names
# the allowed methods, and every refusal, libmicrohttpd's own included, is
# the JSON error body.
source "$(dirname "$0")/lib.sh"

start_gofnd "$TMP/data"
new_tenant victim >/dev/null || exit 1
AUTH="Authorization: Bearer $ADMIN"

# raw 'REQUEST' (printf escapes): sets ANSWER (JSON, see raw_http.py).
raw() { ANSWER=$(printf "$1" | python3 "$NOISY/raw_http.py" "$PORT"); }
status() { jq -r .status <<<"$ANSWER"; }
# the error code, if the body is the JSON error body (a code and a message)
code() { jq -r 'if (.json.error.message | type) == "string" then .json.error.code else "not-json" end' <<<"$ANSWER"; }
ctype() { jq -r '.headers["content-type"] // ""' <<<"$ANSWER"; }
# expect_raw STATUS CODE "what": the status, the JSON error body with that
# code, and Content-Type: application/json.
expect_raw() {
	if [[ "$(status)" == "$1" && "$(code)" == "$2" && "$(ctype)" == application/json* ]]; then
		ok "$3 ($1 $2)"
	else
		fail "$3: want $1 $2 as JSON, got $ANSWER"
	fi
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

# libmicrohttpd's own refusals, made before any handler of gofnd runs: with
# the patched build (third_party/libmicrohttpd) the same JSON error body as
# gofnd's. With Debian's libmicrohttpd12 they were HTML without a
# Content-Type, and a request line without a space got no answer at all.
HUGE=$(head -c 40000 /dev/zero | tr '\0' a)
raw "GET /$HUGE HTTP/1.1\r\nHost: x\r\n\r\n"
expect_raw 414 uri_too_long "a request line over libmicrohttpd's 32 KiB connection memory"
raw "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: $HUGE\r\n\r\n"
expect_raw 431 headers_too_large "a 40000-byte header (over the connection memory)"
MANY=$(for i in $(seq 4000); do printf 'X-%d: y\\r\\n' "$i"; done)
raw "GET /healthz HTTP/1.1\r\nHost: x\r\n$MANY\r\n"
expect_raw 431 headers_too_large "4000 short headers (their records fill the connection memory)"
raw "POST /tenants HTTP/1.1\r\nHost: x\r\n$AUTH\r\nContent-Length: 12abc\r\n\r\n"
expect_raw 400 bad_framing "a Content-Length that is not a number"
raw "POST /tenants HTTP/1.1\r\nHost: x\r\n$AUTH\r\nContent-Length: 99999999999999999999999\r\n\r\n"
expect_raw 413 too_large "a Content-Length over 2^64"
raw "GET /healthz HTTP/1.x\r\nHost: x\r\n\r\n"
expect_raw 400 bad_request "a request line with a malformed version"
raw "GARBAGE\r\n\r\n"
expect_raw 400 bad_request "a request line without a space"
raw "GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n"
expect_raw 505 http_version_not_supported "HTTP/2.0 in the request line"
raw "GET /healthz HTTP/0.9\r\nHost: x\r\n\r\n"
expect_raw 505 http_version_not_supported "HTTP/0.9 in the request line"
raw "GET /healthz HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n"
expect_raw 400 bad_request "a header line without a colon"
raw "POST /tenants HTTP/1.1\r\nHost: x\r\n$AUTH\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n"
expect_raw 400 bad_framing "a chunk size that is not hexadecimal"
raw "POST /tenants HTTP/1.1\r\nHost: x\r\n$AUTH\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFF\r\n\r\n"
expect_raw 413 too_large "a chunk size over 2^64"
req GET /healthz ""
expect_code 200 "gofnd serves on after all of them"
finish
