#!/usr/bin/env bash
# kill -9 of gofnd mid-upload and mid-invoke, then a restart on the same
# data dir: every upload that was acknowledged (201) is there and callable,
# nothing half-written is visible (no temporary object, no function whose
# object is missing or differs from its sha256), the old workers died with
# their gofnd, and the new one serves.
source "$(dirname "$0")/lib.sh"

# calls_running N: at least N workers are busy with a call (alive, neither
# idle nor in a cold start), by one read of GET /metrics.
calls_running() {
	curl -sS --max-time 60 -H "Authorization: Bearer $ADMIN" "$URL/metrics" |
		awk -v n="$1" '$1 == "gofn_workers" {w = $2} $1 == "gofn_workers_idle" {i = $2}
			$1 == "gofn_workers_starting" {s = $2} END {exit !(w - i - s >= n)}'
}
DATA=$TMP/data
start_gofnd "$DATA"
tok=$(new_tenant acme)
obj=$(compile mix) || exit 1
# Bodies that arrive slowly, so the kill lands while they are on the wire.
head -c 300000 /dev/urandom >"$TMP/pad"
req POST /functions "$tok" -F "obj=@$obj"
expect_code 201 "first upload"
first=$(jqv .id)

# 1. Mid-upload: 6 uploads in flight, two of them trickling their bodies.
for i in 1 2 3 4; do
	curl -sS --max-time 30 -o "$TMP/up$i" -w '%{http_code}' -H "Authorization: Bearer $tok" \
		-F "obj=@$obj" "$URL/functions" >"$TMP/code$i" 2>/dev/null &
done
for i in 5 6; do
	curl -sS --max-time 30 --limit-rate 20k -o "$TMP/up$i" -w '%{http_code}' \
		-H "Authorization: Bearer $tok" -F "obj=@$obj" -F "pad=@$TMP/pad" \
		"$URL/functions" >"$TMP/code$i" 2>/dev/null &
done
sleep 0.4
gofnd_pid=$PID
workers=$(loaders_of "$gofnd_pid")
kill9_gofnd
wait
acked=("$first")
for i in 1 2 3 4 5 6; do
	[[ "$(cat "$TMP/code$i")" == 201 ]] && acked+=("$(jq -r .id "$TMP/up$i")")
done
check "the trickling uploads were cut off by the kill" \
	test "$(cat "$TMP/code5")" != 201 -a "$(cat "$TMP/code6")" != 201
check "workers of the killed gofnd are gone" gone_soon $workers

start_gofnd "$DATA"
check "restart after kill -9 mid-upload: store consistent" store_consistent "$DATA" "$tok"
for id in "${acked[@]}"; do
	req GET "/functions/$id" "$tok"
	expect_code 200 "acknowledged upload $id survives kill -9"
done
req POST "/invoke/main.Echo?function=$first" "$tok" --data-binary ping
check "acknowledged function callable after restart" test "$(jqv .result)" == ping
echo "acknowledged before the kill: ${#acked[@]} (of 7)"

# 2. Mid-invoke: 4 invocations running when gofnd dies. Each sleeps far
# longer than the wait for them to start can take, so none can finish
# before the kill however loaded the machine (a 3 s sleep did, at load 72).
for i in 1 2 3 4; do
	curl -sS --max-time 200 -o "$TMP/inv$i" -w '%{http_code}' -H "Authorization: Bearer $tok" \
		--data-binary 150000 "$URL/invoke/main.Sleep?timeout_ms=180000" >"$TMP/icode$i" 2>/dev/null &
done
check "4 calls are running in workers" wait_until 120 calls_running 4
workers=$(loaders_of "$PID")
kill9_gofnd
wait
codes=$(cat "$TMP"/icode*)
check "no invocation was answered as if it had finished ($codes)" bash -c "! grep -q 200 <<<'$codes'"
check "workers mid-invoke died with gofnd ($(wc -w <<<"$workers"))" gone_soon $workers
start_gofnd "$DATA"
check "restart after kill -9 mid-invoke: store consistent" store_consistent "$DATA" "$tok"
req POST /invoke/main.Echo "$tok" --data-binary again
check "invocations work after the restart" test "$(jqv .status):$(jqv .result)" == ok:again
check "the log says the new gofnd is listening on the old data" \
	log_has ".event==\"listening\" and .data==\"$DATA\""
stop_gofnd
check "graceful stop after recovery exits 0" test $? == 0
finish
