#!/usr/bin/env bash
# CPU between tenants (issue 13 items 2 and 3):
#  - goroutines left spinning in an idle pooled worker are found and the
#    worker killed, and a victim tenant's median latency stays within 2x
#    (+5 ms) of its own baseline measured in this run;
#  - a worker that dies while idle is reaped (no zombie in the pool);
#  - the CPU limit is per call: a function using 1.5 CPU-s per call succeeds
#    10 times in a row on one warm worker with a 2 CPU-s limit, and a call
#    over it ends `timeout` naming CPU.
source "$(dirname "$0")/lib.sh"

# --prepared 0: the subject is the pool's own workers (the one killed while
# idle below must be a pooled one; integration/prepared kills a ready one).
# --idle-cpu-ms 150, not less: a worker's first idle trim (a GC, malloc_trim
# and madvise of its file mappings, 1 s after a call) is honest idle CPU:
# 2.5-4.6 ms here, 57-77 ms in the cgroup v2 VM's emulated CPU, where a 50 ms
# watch killed the victim's own idle workers. Spinners pass 150 ms at once.
start_gofnd "$TMP/data" --workers 4 --call-cpu-ms 2000 --timeout-ms 30000 --idle-cpu-ms 150 \
	--prepared 0
attacker_and_victim

# --- spinning idle workers
call "$V" "$VF" main.Burn 10 # warm
p50_ms "$V" "$VF" main.Burn 10 15
BASE=$P50
check "victim baseline calls all ok" test "$FAILED_CALLS" = 0
# Four concurrent calls: each lands on its own worker and leaves 2 spinners.
SPINS=()
for i in 1 2 3 4; do
	curl -sS --max-time 60 -o "$TMP/spin$i" -X POST -H "Authorization: Bearer $A" \
		--data-binary 2 "$URL/invoke/main.Spin?function=$AF" &
	SPINS+=($!)
done
wait "${SPINS[@]}"
check "attacker's Spin calls answered ok" \
	bash -c "cat $TMP/spin1 $TMP/spin2 $TMP/spin3 $TMP/spin4 | jq -e -s 'map(.status==\"ok\") | all'"
# 21 calls: the median falls after the spinners are found (on one slow CPU,
# as in the VM, finding them takes a good part of a second).
p50_ms "$V" "$VF" main.Burn 10 21
ATTACKED=$P50
check "victim calls all ok while the attacker's idle workers spin" test "$FAILED_CALLS" = 0
check "idle workers burning CPU are killed (idle_worker_used_cpu logged)" \
	wait_until 20 log_has idle_worker_used_cpu
check "victim p50 ${ATTACKED} ms within 2x of its baseline (floor 5 ms) ${BASE} ms" \
	within_factor "$ATTACKED" "$BASE" 2 5
noisy_report spin_idle baseline_p50_ms="$BASE" attacked_p50_ms="$ATTACKED"
check "no attacker worker left spinning: all of gofnd's workers use no CPU" \
	wait_until 20 no_running_workers

# --- a worker that dies while idle is reaped at once, not at its next use
call "$V" "$VF" main.Burn 1
VPIDS=$(worker_pids)
VICTIM_W=$(for p in $VPIDS; do echo "$p"; done | head -1)
kill -9 "$VICTIM_W"
check "worker killed while idle is reaped by the pool (no zombie)" \
	wait_until 10 bash -c "[[ ! -e /proc/$VICTIM_W ]]"
check "worker_lost logged" log_has worker_lost

# --- per-call CPU budget on a warm worker
ok_calls=0
for i in $(seq 10); do
	call "$V" "$VF" main.Burn 1500
	[[ "$(jqv .status)" == ok ]] && ok_calls=$((ok_calls + 1)) || echo "call $i: $BODY"
done
check "1.5 CPU-s per call with a 2 CPU-s limit: 10 of 10 calls ok (got $ok_calls)" \
	test "$ok_calls" = 10
call "$V" "$VF" main.Burn 4000
check "a call over its CPU limit ends timeout naming CPU" \
	test "$(jqv .status)" = timeout -a "$(jqv '.error | contains("CPU")')" = true
echo "over-limit call: $(jqv .error)"
call "$V" "$VF" main.Burn 10
check "the next call gets a fresh worker and succeeds" test "$(jqv .status)" = ok
finish
