#!/usr/bin/env bash
# gofnd built with ASan+UBSan (LeakSanitizer included) driven through its
# main routes — tenants, upload (multipart and raw, good and bad), invoke
# (ok, handler error, crash, timeout, output cap, raw result), list, get,
# delete, profiles, metrics, refusals — then SIGTERM: it must exit 0 with
# no sanitizer report at all (errors abort; leaks are reported at exit).
source "$(dirname "$0")/lib.sh"
GOFND=$BUILD/bin/gofnd_san
if [[ ! -x "$GOFND" ]]; then
	echo "SKIP: $GOFND not built (configure with -DGOFN_SANITIZE=ON, as make does)"
	exit 0
fi
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:log_path=$TMP/asan"
export UBSAN_OPTIONS="print_stacktrace=1:log_path=$TMP/ubsan"
DATA=$TMP/data
start_gofnd "$DATA" --max-output 4096
tok=$(new_tenant acme)
other=$(new_tenant other)
mix=$(compile mix) || exit 1
hello=$(PROGS=$ROOT/tests/integration/progs compile hello) || exit 1

req POST /functions "$tok" -F "obj=@$mix"
expect_code 201 "upload multipart"
fid=$(jqv .id)
req POST /functions "$tok" -H 'Content-Type: application/octet-stream' --data-binary "@$hello"
expect_code 201 "upload raw body"
hid=$(jqv .id)
req POST /functions "$tok" -F "obj=@$PROGS/mix.go"
expect_err 400 bad_object "upload of a non-object"
req POST /functions "$tok" -H 'Content-Type: multipart/form-data; boundary=zz' --data-binary $'--zz\r\nbroken'
check "upload of broken multipart refused ($CODE)" test "${CODE:0:1}" == 4
req POST /invoke/main.Echo "$tok" --data-binary hi
check "invoke ok" test "$(jqv .status):$(jqv .result)" == ok:hi
req POST /invoke/main.main "$tok" -X POST
check "invoke main.main of hello" test "$(jqv .status)" == ok
req POST /invoke/main.Crash "$tok" --data-binary 1
check "invoke crash" test "$(jqv .status)" == panic
req POST "/invoke/main.Spin?timeout_ms=300" "$tok" --data-binary 1
check "invoke timeout" test "$(jqv .status)" == timeout
req POST "/invoke/main.Loud?function=$fid" "$tok" --data-binary 64
check "output over the cap is truncated" test "$(jqv '.stdout|length')" -le 4096
req POST /invoke/main.Echo "$tok" -H 'Accept: application/octet-stream' --data-binary raw
check "raw result" test "$BODY" == raw
req POST "/invoke/main.Echo?function=$fid" "$other" --data-binary x
expect_code 404 "another tenant's function is not found"
req POST "/invoke/main.Echo?function=$fid&profile=cpu,heap" "$tok" --data-binary p
check "profiled invoke" test "$(jqv .status)" == ok
req GET /profiles "$tok"
expect_code 200 "list profiles"
req GET /functions "$tok"
expect_code 200 "list functions"
req GET "/functions/$fid" "$tok"
expect_code 200 "get function"
req DELETE "/functions/$hid" "$tok"
check "delete function" test "${CODE:0:1}" == 2
req GET /metrics "$ADMIN"
expect_code 200 "metrics"
req GET /healthz ""
expect_code 200 "healthz"
req GET /functions ""
expect_code 401 "missing token"
req GET /tenants "$ADMIN"
expect_code 200 "list tenants"
req DELETE /tenants/other "$ADMIN"
check "delete tenant" test "${CODE:0:1}" == 2
stop_gofnd
rc=$?
check "gofnd_san exits 0 after SIGTERM (got $rc)" test "$rc" == 0
reports=$(ls "$TMP"/asan.* "$TMP"/ubsan.* 2>/dev/null)
if [[ -n "$reports" ]]; then
	head -n 60 $reports
	fail "sanitizer reports: $reports"
else
	ok "no ASan/UBSan/LSan report"
fi
# (gofnd's own lines are JSON; a Go panic message may say "runtime error:")
check "no sanitizer output in the log" bash -c "! grep -v '^{' '$TMP/gofnd.log' | grep -E 'Sanitizer|runtime error:'"
finish
