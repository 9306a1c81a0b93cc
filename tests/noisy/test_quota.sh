#!/usr/bin/env bash
# Kernel quotas shared per host uid (issue 13 items 4 and 6):
#  - each tenant's workers run as a distinct host uid from --uid-range;
#  - a worker queuing real-time signals to itself is stopped at
#    RLIMIT_SIGPENDING (<= 1024) and keeps them while idle, and another
#    tenant's timer_create (what pprof does per thread) still works.
source "$(dirname "$0")/lib.sh"

if [[ $(id -u) -ne 0 ]]; then
	echo "SKIP: per-tenant uids need gofnd to run as root (here uid $(id -u))"
	exit 0
fi
# --prepared 0: a prepared worker runs as a one-time uid of its own
# (integration/prepared); the range checked here is the tenants' own.
start_gofnd "$TMP/data" --workers 4 --uid-range 200000:1000 --prepared 0
attacker_and_victim

# --- distinct host uids
call "$A" "$AF" main.Burn 1
call "$V" "$VF" main.Burn 1
declare -A UIDS=()
for p in $(worker_pids); do
	u=$(awk '/^Uid:/{print $2}' "/proc/$p/status")
	UIDS[$u]=1
done
echo "worker host uids: ${!UIDS[*]}"
check "two tenants' workers run as two different host uids" test "${#UIDS[@]}" = 2
for u in "${!UIDS[@]}"; do
	check "uid $u within --uid-range 200000:1000" test "$u" -ge 200000 -a "$u" -lt 201000
done

# --- signal queue: the attacker fills it on every one of its 4 workers
p50_ms "$V" "$VF" main.Timer "" 10
BASE=$P50
check "victim's timer_create works before the attack" test "$FAILED_CALLS" = 0
FL=()
for i in 1 2 3 4; do
	curl -sS --max-time 60 -o "$TMP/flood$i" -X POST -H "Authorization: Bearer $A" \
		"$URL/invoke/main.SigFlood?function=$AF" &
	FL+=($!)
done
wait "${FL[@]}"
# A call that lands on a worker already flooded queues 0 more.
most=0
for i in 1 2 3 4; do
	n=$(jq -r .result "$TMP/flood$i")
	check "attacker call $i queued $n signals: stopped at or below 1024" \
		test "${n:-99999}" -le 1024
	((${n:-0} > most)) && most=$n
done
check "the attacker did fill a queue (most: $most)" test "$most" -ge 512
p50_ms "$V" "$VF" main.Timer "" 10
ATTACKED=$P50
check "victim's timer_create still works with the attacker's queues full" \
	test "$FAILED_CALLS" = 0
call "$V" "$VF" main.Timer
echo "victim: $(jqv .result)"
# The call is "ok" either way: Timer reports timer_create's errno in its result.
check "... and its result is ok, not EAGAIN" test "$(jqv .result)" = ok
noisy_report sigpending baseline_p50_ms="$BASE" attacked_p50_ms="$ATTACKED"
finish
