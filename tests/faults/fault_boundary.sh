#!/usr/bin/env bash
# The gofnd <-> worker boundary under tenant code that lies on the control
# socket (issue 12): a forged RESULT followed by a worker that no longer
# reads, an init that forges LOADED with 100,000 symbols, SIGTERM while
# both are in flight; results up to --max-result and one byte over; symbol
# names at their limit and one byte over. Bounds here are generous upper
# limits (curl --max-time, a wait for exit), never speed measurements.
source "$(dirname "$0")/lib.sh"
DATA=$TMP/data
# --prepared 0: the subject is which pooled worker holds the wedged function;
# prepared workers would be counted among the loaders below gofnd.
start_gofnd "$DATA" --workers 1 --prepared 0
tok=$(new_tenant mallory)
other=$(new_tenant alice)
forge=$(compile forge) || exit 1
fid=$(upload "$tok" "$forge")
check "upload of the forging function" test -n "$fid"

# has TEXT NEEDLE: TEXT contains NEEDLE.
has() { [[ "$1" == *"$2"* ]]; }

# metric NAME: its value in /metrics.
metric() {
	curl -sS --max-time 10 "$URL/metrics" -H "Authorization: Bearer $ADMIN" |
		awk -v m="$1" '$1 == m {print $2}'
}

# --- 1. a forged RESULT, then a call with a large body. The worker is
# fresh (--prepared 0): this is its call number 1, which the forger echoes.
req POST /invoke/main.ForgeResult "$tok" --data-binary 1
check "the forged RESULT is taken as the call's answer ($(jqv .status) $(jqv .result))" \
	test "$(jqv .status):$(jqv .result)" == ok:forged
wedged=$(loaders_of "$PID")
check "one worker holds the wedged function" test "$(wc -w <<<"$wedged")" == 1
head -c $((2 << 20)) /dev/zero >"$TMP/2mb"
req POST "/invoke/main.Echo?timeout_ms=3000" "$tok" --data-binary "@$TMP/2mb"
check "a 2 MB call to the wedged worker ends with status timeout ($(jqv .status): $(jqv .error))" \
	test "$(jqv .status)" == timeout
check "... and that worker is gone" gone_soon $wedged
req POST /invoke/main.Echo "$tok" --data-binary again
check "the next call gets a fresh worker and succeeds" test "$(jqv .status):$(jqv .result)" == ok:again
check "... not the wedged one" test -z "$(comm -12 <(tr ' ' '\n' <<<"$wedged" | sort) \
	<(loaders_of "$PID" | sort))"
# That worker's next call is its second: a RESULT naming another is a lie.
liar=$(loaders_of "$PID")
req POST /invoke/main.ForgeResult "$tok" --data-binary 7
check "a forged RESULT for another call ends the call killed ($(jqv .status): $(jqv .error))" \
	test "$(jqv .status)" == killed
check "... and its worker is gone" gone_soon $liar

# --- 2. an init that forges LOADED with 100,000 symbols
echo_id=$(upload "$other" "$forge")
check "another tenant's copy of the function" test -n "$echo_id"
db_bytes() { du -cb "$DATA"/gofn.db* 2>/dev/null | tail -1 | cut -f1; }
before=$(db_bytes)
bad=$(compile forgeinit) || exit 1
curl -sS --max-time 60 -o "$TMP/up" -w '%{http_code}' -H "Authorization: Bearer $tok" \
	-F "obj=@$bad" "$URL/functions" >"$TMP/upcode" &
upid=$!
served=0 failed=0
while kill -0 $upid 2>/dev/null || ((served < 3)); do
	req POST /invoke/main.Echo "$other" --data-binary "meanwhile-$served"
	if [[ "$(jqv .status):$(jqv .result)" == "ok:meanwhile-$served" ]]; then
		served=$((served + 1))
	else
		failed=$((failed + 1))
		echo "other tenant got $CODE $BODY"
		break
	fi
done
wait $upid
BODY=$(cat "$TMP/up")
CODE=$(cat "$TMP/upcode")
check "the forged-LOADED upload is refused ($CODE $(jqv .error.message))" \
	test "${CODE:0:1}" == 4
check "... naming the protocol break" has "$(jqv .error.message)" "LOADED frame"
check "another tenant's calls succeeded meanwhile ($served served)" test $failed == 0
req GET /functions "$tok"
check "nothing of it was stored (functions: $(jqv '[.functions[].id] | join(",")'))" \
	test "$(jqv '[.functions[].id] | join(",")')" == "$fid"
check "no forged symbol anywhere" test "$(jqv '[.functions[].symbols[]?.name] |
	map(select(startswith("main.Forged"))) | length')" == 0
after=$(db_bytes)
echo "gofn.db* before $before, after $after bytes"
check "the database grew by less than 1 MiB" test $((after - before)) -lt $((1 << 20))

# --- 3. results: 2 MB intact, --max-result exactly, one byte over
raw() { # raw SIZE: the result bytes of main.Sized into $TMP/raw
	curl -sS --max-time 60 -o "$TMP/raw" -D "$TMP/rawh" -H "Authorization: Bearer $tok" \
		-H 'Accept: application/octet-stream' --data-binary "$1" "$URL/invoke/main.Sized"
}
want_sha() {
	python3 -c 'import hashlib,sys; n=int(sys.argv[1]);
print(hashlib.sha256(bytes(i % 251 for i in range(n))).hexdigest())' "$1"
}
raw $((2 << 20))
check "a 2 MB result arrives intact" \
	test "$(sha256sum <"$TMP/raw" | cut -d' ' -f1)" == "$(want_sha $((2 << 20)))"
raw $((8 << 20))
check "a result of exactly --max-result (8 MiB) arrives intact" \
	test "$(sha256sum <"$TMP/raw" | cut -d' ' -f1)" == "$(want_sha $((8 << 20)))"
req POST /invoke/main.Sized "$tok" --data-binary $(((8 << 20) + 1))
check "one byte over is status error ($(jqv .status): $(jqv .error))" \
	test "$(jqv .status)" == error
check "... naming the limit" has "$(jqv .error)" "8388608-byte limit (gofnd --max-result)"

# --- 4. symbol names: 1024 bytes everywhere, 1025 refused everywhere
long() { python3 -c 'import sys; print("L" + "x" * (int(sys.argv[1]) - 6))' "$1"; }
at=$(long 1024)  # "main." + at = 1024 bytes
over=$(long 1025)
mkdir -p "$TMP/syms"
printf 'package main\n\nfunc main() {}\n\nfunc %s(in []byte) []byte { return in }\n' "$at" \
	>"$TMP/syms/at.go"
printf 'package main\n\nfunc main() {}\n\nfunc %s(in []byte) []byte { return in }\n' "$over" \
	>"$TMP/syms/over.go"
PROGS=$TMP/syms
at_o=$(compile at) && over_o=$(compile over) || exit 1
PROGS=$ROOT/tests/faults/progs
req POST /functions "$tok" -F "obj=@$at_o"
check "an object with a 1024-byte symbol name is stored" test "$CODE" == 201
check "... under its whole name" \
	test "$(jq --arg n "main.$at" '[.symbols[].name] | index($n) != null' <<<"$BODY")" == true
req POST "/invoke/main.$at" "$tok" --data-binary at-limit
check "... and invoked by it" test "$(jqv .status):$(jqv .result)" == ok:at-limit
req POST /functions "$tok" -F "obj=@$over_o"
check "an object with a 1025-byte symbol name is refused ($CODE)" test "${CODE:0:1}" == 4
check "... naming the limit" has "$(jqv .error.message)" "1025 bytes exceeds the 1024-byte limit"
req POST "/invoke/main.$over" "$tok" --data-binary x
expect_err 400 bad_symbol "invoking a 1025-byte name"
check "... naming the limit" has "$(jqv .error.message)" "1025 bytes exceeds the 1024-byte limit"

# --- 5. callable symbols per function: 4096 stored, 4097 refused
many() { # many N: a package with N callable functions
	printf 'package main\n\nfunc main() {}\n'
	for ((i = 1; i < $1; i++)); do printf 'func F%d(in []byte) []byte { return in }\n' $i; done
}
PROGS=$TMP/syms
many 4096 >"$TMP/syms/many.go" # with main.main: 4096
many 4097 >"$TMP/syms/toomany.go"
many_o=$(compile many) && toomany_o=$(compile toomany) || exit 1
PROGS=$ROOT/tests/faults/progs
req POST /functions "$tok" -F "obj=@$many_o"
check "4096 callable symbols are stored ($CODE)" test "$CODE:$(jqv '.symbols | length')" == 201:4096
jq -c 'select(.event=="http" and .method=="POST" and .path=="/functions")' "$TMP/gofnd.log" | tail -1
req POST /functions "$tok" -F "obj=@$toomany_o"
check "4097 are refused ($CODE)" test "${CODE:0:1}" == 4
check "... naming the limit" has "$(jqv .error.message)" "4097 callable symbols; the limit is 4096"

# --- 6. SIGTERM while a call is stuck sending to a wedged worker and an
# upload waits on an init that never finishes: gofnd still stops.
stop_gofnd || fail "gofnd exits 0 on SIGTERM"
start_gofnd "$DATA" --workers 1 --prepared 0 --shutdown-grace-ms 1000
req POST /invoke/main.ForgeResult "$tok" --data-binary 1
check "wedged again" test "$(jqv .result)" == forged
curl -sS --max-time 120 -o "$TMP/stuck" -H "Authorization: Bearer $tok" \
	--data-binary "@$TMP/2mb" "$URL/invoke/main.Echo?timeout_ms=100000" &
cpid=$!
stuck=$(compile stuckinit) || exit 1
curl -sS --max-time 120 -o "$TMP/stuckup" -H "Authorization: Bearer $other" \
	-F "obj=@$stuck" "$URL/functions" &
upid=$!
# wait for both: the call holds the wedged worker (none idle), the upload
# has a worker of its own
for _ in $(seq 300); do
	[[ "$(metric gofn_workers_idle)" == 0 && "$(loaders_of "$PID" | wc -l)" -ge 2 ]] && break
	sleep 0.1
done
busy=$(loaders_of "$PID")
echo "workers in flight: $(wc -w <<<"$busy")"
kill -TERM "$PID"
exited=0
for _ in $(seq 300); do # 30 s: far above grace 1 s + 3 s drain + 5 s hard stop
	kill -0 "$PID" 2>/dev/null || { exited=1; break; }
	sleep 0.1
done
check "gofnd stops after SIGTERM with both in flight" test $exited == 1
wait "$PID"
rc=$?
PID=""
check "... cleanly (exit $rc), not by the hard deadline" test $rc == 0
check "... after cutting the grace short" log_has '.event=="shutdown_grace_expired"'
check "... leaving no worker" gone_soon $busy
wait $cpid $upid
finish
