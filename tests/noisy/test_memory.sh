#!/usr/bin/env bash
# Memory where no cgroup limits it (issue 13 item 5): gofnd runs as nobody,
# as in the Dockerfile and the k8s manifest, so no cgroup is writable.
# /healthz must say degraded naming cgroup, and a pooled worker allocating
# 1.5 GiB against 256 MiB is stopped by the RSS watchdog (or RLIMIT_DATA)
# while a victim tenant keeps working.
source "$(dirname "$0")/lib.sh"

if [[ $(id -u) -eq 0 ]]; then
	command -v setpriv >/dev/null || {
		echo "FAIL: setpriv (util-linux) is needed to run gofnd as nobody"
		exit 1
	}
	GOFND_WRAP=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	"${GOFND_WRAP[@]}" test -x "$LOADER" || {
		echo "SKIP: nobody cannot reach $LOADER (a parent directory is private)"
		exit 0
	}
	chmod 755 "$TMP"
	mkdir -p "$TMP/data" && chown 65534:65534 "$TMP/data"
fi
start_gofnd "$TMP/data" --workers 2 --worker-mem 268435456 --timeout-ms 60000
req GET /healthz ""
echo "healthz: $BODY"
check "healthz degraded without the cgroup layer" test "$(jqv .status)" = degraded
check "healthz names the missing cgroup layer" \
	test "$(jqv '.sandbox.missing | index("cgroup") != null')" = true
attacker_and_victim
call "$V" "$VF" main.Burn 10
p50_ms "$V" "$VF" main.Burn 10 10
BASE=$P50

# The attack runs in the background while the victim is measured.
curl -sS --max-time 120 -o "$TMP/alloc" -X POST -H "Authorization: Bearer $A" \
	--data-binary 1536 "$URL/invoke/main.Alloc?function=$AF" &
ALLOC=$!
p50_ms "$V" "$VF" main.Burn 10 10
ATTACKED=$P50
VFAILED=$FAILED_CALLS
wait "$ALLOC"
# The baseline again once the attack is over: on the shared host the load
# of other work moves within seconds (one run measured 44 ms before and
# 108 ms during at load ~24), so the bound takes the larger of the two
# baselines that bracket the attack.
p50_ms "$V" "$VF" main.Burn 10 10
AFTER=$P50
BASE=$(awk -v a="$BASE" -v b="$AFTER" 'BEGIN {print (a > b ? a : b)}')
echo "attacker: $(head -c 400 "$TMP/alloc")"
check "1.5 GiB against 256 MiB without a cgroup: the call is stopped, not ok" \
	test "$(jq -r .status "$TMP/alloc")" != ok
check "... and the reason names memory" \
	bash -c "jq -r .error '$TMP/alloc' | grep -qiE 'memory'"
check "victim calls all ok during the attack" test "$VFAILED" = 0
check "victim p50 ${ATTACKED} ms within 2x of its baseline (floor 5 ms) ${BASE} ms (after: ${AFTER} ms)" \
	within_factor "$ATTACKED" "$BASE" 2 5
noisy_report memory_nocgroup baseline_p50_ms="$BASE" attacked_p50_ms="$ATTACKED" after_p50_ms="$AFTER"
max_rss=0
for p in $(worker_pids); do
	r=$(awk '/VmRSS/{print $2}' "/proc/$p/status" 2>/dev/null)
	((${r:-0} > max_rss)) && max_rss=$r
done
check "no worker holds more than 256 MiB afterwards (max ${max_rss} kB)" test "$max_rss" -le 262144
call "$A" "$AF" main.Burn 1
check "the attacker's next call works on a fresh worker" test "$(jqv .status)" = ok
finish
