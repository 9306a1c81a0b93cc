#!/usr/bin/env bash
# Slowloris (issue 13 item 1): one client address keeps 200 connections
# trickling one header byte every 0.5 s against a gofnd that allows 64
# connections. Before the per-address cap and the header deadline, that held
# every connection and every other request failed, /healthz included.
# Asserted: a victim on another loopback address gets all its requests
# answered, with its median latency within VICTIM_FACTOR times the baseline
# it measured just before (floor 5 ms); the trickling connections are cut
# with a 408 JSON error once the header deadline passes.
source "$(dirname "$0")/lib.sh"
VICTIM_FACTOR=4
N=${NOISY_SLOWLORIS_CONNS:-200}

# NOISY_GUARD_FLAGS="--max-connections-per-client 1000 --header-timeout-ms 600000"
# turns both defences off: the test then fails, as it did before them.
read -ra GUARD <<<"${NOISY_GUARD_FLAGS:---max-connections-per-client 16 --header-timeout-ms 2000}"
start_gofnd "$TMP/data" --max-connections 64 "${GUARD[@]}"
A=$(new_tenant victim) || exit 1
victim() { victim_run 20 "$1" --interface 127.0.0.2 -H "Authorization: Bearer $A" "$URL/functions"; }

check "baseline: every victim request answered" victim "$TMP/base"
python3 "$NOISY/slowloris.py" "$PORT" "$N" 0.5 127.0.0.1 "$TMP/attack.json" &
ATTACKER=$!
trap 'kill $ATTACKER 2>/dev/null; cleanup' EXIT
# The attack is on once the attacker holds what the server lets it hold.
for _ in $(seq 300); do
	[[ -s "$TMP/attack.json" ]] && (($(jq .rounds "$TMP/attack.json") >= 2)) && break
	sleep 0.1
done
check "under attack: every victim request answered" victim "$TMP/attack"
# The header deadline: trickling connections end with 408 (2 s + a tick),
# and the attacker opens new ones; the victim again, across that churn.
for _ in $(seq 300); do
	(($(jq .cut_408 "$TMP/attack.json") > 0)) && break
	sleep 0.1
done
check "after the first cuts: every victim request answered" victim "$TMP/attack2"
cat "$TMP/attack2" >>"$TMP/attack"
kill "$ATTACKER" 2>/dev/null
wait "$ATTACKER" 2>/dev/null
BASE=$(p50 "$TMP/base")
UNDER=$(p50 "$TMP/attack")
echo "victim p50: baseline ${BASE} ms, under attack ${UNDER} ms; attacker: $(cat "$TMP/attack.json")"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
check "victim p50 under attack within ${VICTIM_FACTOR}x baseline (floor 5 ms)" \
	within_factor "$UNDER" "$BASE" "$VICTIM_FACTOR" 5
check "the per-address cap refused the attacker's surplus connections" \
	test "$(jq .refused "$TMP/attack.json")" -gt 0
check "trickling connections were cut with 408 at the header deadline" \
	test "$(jq .cut_408 "$TMP/attack.json")" -gt 0
check "gofnd logged the cut" grep -q '"event":"request_timeout"' "$TMP/gofnd.log"
req GET /healthz ""
expect_code 200 "gofnd still healthy after the attack"
finish
