#!/usr/bin/env bash
# Kernel quotas shared per host uid (issue 13 items 4 and 6):
#  - each tenant's workers run as a distinct host uid from --uid-range;
#  - a worker queuing real-time signals to itself is stopped at its
#    RLIMIT_SIGPENDING and keeps them while idle, and another tenant's
#    timer_create (what pprof does per thread) still works;
#  - that limit is gofnd's share for one of --max-workers workers: every
#    queued signal is also charged to gofnd's uid, the creator of each
#    worker's user namespace, against gofnd's own limit
#    (gofn_sandbox_sigpending_share), so all workers together must fit.
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

# --- signal queue: each worker's limit is its share of gofnd's
pending_limit() { awk '/^Max pending signals/{print $4}' "/proc/$1/limits"; }
OWN=$(pending_limit "$PID")
LIM=$(pending_limit "$(worker_pids | head -n1)")
echo "gofnd's RLIMIT_SIGPENDING $OWN, each worker's $LIM, --max-workers 256 (default)"
check "a worker's limit is at most 1024 (was the inherited $OWN)" test "${LIM:-99999}" -le 1024
WANT=$((OWN / 4 * 3 / 256))
((WANT > 1024)) && WANT=1024
((WANT < 64)) && WANT=64
check "a worker's limit is gofnd's share, 3/4 of $OWN over 256 workers in 64..1024: $WANT" \
	test "$LIM" = "$WANT"
if ((WANT > 64)); then
	check "256 workers' limits together fit in 3/4 of gofnd's ($((256 * LIM)) <= $((OWN / 4 * 3)))" \
		test $((256 * LIM)) -le $((OWN / 4 * 3))
else # a host with little RAM (the cgroup v2 VM): gofnd says it overcommits
	check "gofnd warns that 256 workers at 64 overcommit its $OWN" \
		grep -q sigpending_overcommitted "$TMP/gofnd.log"
fi

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
	check "attacker call $i queued $n signals: stopped at or below $LIM" \
		test "${n:-99999}" -le "$LIM"
	((${n:-0} > most)) && most=$n
done
check "the attacker did fill a queue (most: $most of $LIM)" test "$most" -ge $((LIM / 2))
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
