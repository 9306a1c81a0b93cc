#!/usr/bin/env bash
# Inside the VM (cgroup v2 only): the limits as the sandbox sets them.
# memory.max, memory.swap.max and pids.max on each worker's leaf, the
# tenant's CPU group (cpu.weight, cpu.max from --cpu-quota-pct, then its
# own from PATCH /tenants/{name} while its worker runs), /healthz
# layers, a memory bomb stopped by the cgroup's OOM killer, and a burn
# throttled by the tenant's cpu.max.
source "$(dirname "$0")/../noisy/lib.sh"

CG=/sys/fs/cgroup
check "cgroup2 offers cpu, memory and pids" \
	bash -c "grep -qw cpu $CG/cgroup.controllers && grep -qw memory $CG/cgroup.controllers && grep -qw pids $CG/cgroup.controllers"
# --idle-cpu-ms high: under TCG the Go runtime's own work after the 600 ms
# burn (GC, scavenger) came to 210 ms of CPU once the worker was idle, over
# the default 200, and the worker whose group PATCH must reach was killed
# (idle_worker_used_cpu, 20:00 UTC run). The idle CPU kill is noisy/cpu's.
start_gofnd "$TMP/data" --workers 2 --cpu-quota-pct 50 --cpu-weight 200 --timeout-ms 60000 \
	--idle-cpu-ms 5000 --prepared 0 # the group and JSON are the tenant's own uid's
req GET /healthz ""
echo "healthz: $BODY"
check "healthz ok on cgroup v2" test "$(jqv .status)" = ok
check "layers include cgroup and cpu" \
	test "$(jqv '.sandbox.layers | (contains("cgroup") and contains("cpu"))')" = true
A=$(new_tenant alpha) || exit 1
OBJ=$(noisy_compile noisy) || exit 1
F=$(upload "$A" "$OBJ") || exit 1
call "$A" "$F" main.Burn 1
check "a call works" test "$(jqv .status)" = ok
W=$(worker_pids | head -1)
LEAF=$CG$(cut -d: -f3 "/proc/$W/cgroup")
GROUP=$(dirname "$LEAF")
echo "worker $W in $LEAF"
check "leaf is gofn/t<uid>/w<pid>" bash -c "[[ '$LEAF' == $CG/gofn/t*/w$W ]]"
check "memory.max 256 MiB" test "$(cat "$LEAF/memory.max")" = 268435456
check "memory.swap.max 0" test "$(cat "$LEAF/memory.swap.max")" = 0
check "pids.max 64" test "$(cat "$LEAF/pids.max")" = 64
check "tenant cpu.weight 200" test "$(cat "$GROUP/cpu.weight")" = 200
check "tenant cpu.max 50% of a CPU" test "$(cat "$GROUP/cpu.max")" = "50000 100000"
UID_T=$(awk '/^Uid:/{print $2}' "/proc/$W/status")
check "the group is named after the tenant's host uid ($UID_T)" test "$GROUP" = "$CG/gofn/t$UID_T"

# cpu.max bites: 600 CPU-ms at 50% of a CPU must be throttled.
before=$(awk '/nr_throttled/{print $2}' "$GROUP/cpu.stat")
call "$A" "$F" main.Burn 600
after=$(awk '/nr_throttled/{print $2}' "$GROUP/cpu.stat")
echo "cpu.stat nr_throttled $before -> $after"
check "burn under the tenant's cpu.max is throttled" test "$after" -gt "$before"

# A tenant's own settings (PATCH /tenants/alpha) reach its running worker's group.
req GET /tenants/alpha "$ADMIN"
check "the tenant JSON shows its host uid $UID_T" test "$(jqv .uid)" = "$UID_T"
req PATCH /tenants/alpha "$ADMIN" -d '{"cpu_weight":700,"cpu_quota":250}'
check "PATCH alpha weight 700, cap 250 millicores" test "$CODE" = 200
check "its group now has cpu.weight 700" test "$(cat "$GROUP/cpu.weight")" = 700
check "its group now has cpu.max 25000 100000" test "$(cat "$GROUP/cpu.max")" = "25000 100000"
check "with its worker $W still in it" grep -qx "$W" "$LEAF/cgroup.procs"

# memory.max: the cgroup's OOM killer stops 1.5 GiB, and the call says so.
call "$A" "$F" main.Alloc 1536
echo "alloc: $(jqv .status) $(jqv .error)"
check "1.5 GiB against memory.max 256 MiB: killed naming memory" \
	test "$(jqv .status)" = killed -a "$(jqv '.error | test("memory")')" = true
call "$A" "$F" main.Burn 1
check "the next call works" test "$(jqv .status)" = ok
echo "freezer: not used; idle workers that use CPU are killed (tests/noisy/test_cpu.sh)"
finish
