#!/usr/bin/env bash
# Prepared workers (server/prepared.h): a tenant's first call with no warm
# worker is served by a worker started before it; the ready ones are
# refilled; a worker bound to one tenant never serves another, each runs as
# a host uid no other worker had; --prepared 0 spawns as before.
source "$(dirname "$0")/lib.sh"

# metric NAME: its value in GET /metrics.
metric() {
	req GET /metrics "$ADMIN"
	awk -v n="$1" '$1 == n {print $2}' <<<"$BODY"
}

# wait_metric NAME VALUE: until /metrics shows it (gofnd refills in the
# background); gives up after 60 s so a broken refill fails, not hangs.
wait_metric() {
	local v
	for _ in $(seq 600); do
		v=$(metric "$1")
		[[ "$v" == "$2" ]] && return 0
		kill -0 "$PID" 2>/dev/null || return 1
		sleep 0.1
	done
	echo "waited for $1 = $2, it stayed $v" >&2
	return 1
}

# within_30s CMD...: until CMD succeeds, polling every 0.1 s for 30 s.
within_30s() {
	for _ in $(seq 300); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# events NAME FIELD: that field of each such log line, in order.
events() { jq -r "select(.event==\"$1\") | .$2" "$TMP/gofnd.log"; }

# bound_field TENANT FIELD: FIELD of the last prepared_bound event for TENANT.
bound_field() {
	jq -r "select(.event==\"prepared_bound\" and .tenant==\"$1\") | .$2" "$TMP/gofnd.log" |
		tail -1
}

# host_uid PID: the worker's real uid on the host.
host_uid() { awk '/^Uid:/ {print $2}' "/proc/$1/status" 2>/dev/null; }

# cpu_group PID: the tenant CPU group (gofn/t<uid>) the process is in, if any.
cpu_group() { grep -o 'gofn/t[0-9]*' "/proc/$1/cgroup" 2>/dev/null | head -1; }

# v1_cpu_of PID: the process's group in a cgroup v1 cpu hierarchy ("" if none).
v1_cpu_of() { sed -n 's/^[0-9]*:\([a-z,]*,\)\{0,1\}cpu\(,[a-z,]*\)\{0,1\}:\(.*\)/\3/p' "/proc/$1/cgroup" 2>/dev/null; }
# On cgroup v1 a ready worker waits in a CPU group of its own that its bind
# renames to the tenant's (sandbox/cgroup.c); v2 has no rename.
V1CPU=""
[[ -d /sys/fs/cgroup/cpu/gofn && -n "$(v1_cpu_of $$)" ]] && V1CPU=1

# Host uids of this run's own (as test_tenants.sh): a tenant's CPU group
# t<uid> is shared by every gofnd on the host that gives the same uid, and
# whether a bind renames or joins depends on what else runs in it.
RANGE=$((2000000 + ($$ % 50000) * 8)):8
start_gofnd "$TMP/data" --workers 2 --prepared 2 --uid-range "$RANGE"
req GET /healthz ""
CONFINED=$(jqv .sandbox.confined)
ROOT_UIDS=0
[[ "$CONFINED" == true && $(id -u) == 0 ]] && ROOT_UIDS=1
((ROOT_UIDS)) || echo "NOTE: not root and confined here: the host uid checks are skipped"
check "two prepared workers become ready at start" wait_metric gofn_prepared_workers 2

A=$(new_tenant alpha) || exit 1
B=$(new_tenant beta) || exit 1
HELLO=$(compile hello) || exit 1
EXIT=$(compile exit) || exit 1
# An upload loads its object in a worker of its tenant: a prepared one too.
FA=$(upload "$A" "$HELLO") || { echo "upload failed: $BODY"; exit 1; }
wait_metric gofn_prepared_workers 2 || fail "refill after an upload"
FAX=$(upload "$A" "$EXIT") || { echo "upload failed: $BODY"; exit 1; }
wait_metric gofn_prepared_workers 2 || fail "refill after an upload"
FB=$(upload "$B" "$HELLO") || { echo "upload failed: $BODY"; exit 1; }
check "uploads took prepared workers too (3 bound)" test "$(metric gofn_prepared_bound_total)" = 3

# After a restart nobody has a warm worker: the first call binds one.
cat "$TMP/gofnd.log" >>"$TMP/all.log"
stop_gofnd || fail "gofnd exit code"
start_gofnd "$TMP/data" --workers 2 --prepared 2 --uid-range "$RANGE"
check "ready again after the restart" wait_metric gofn_prepared_workers 2
READY_BEFORE=$(events prepared_ready pid | sort)
if [[ -n $V1CPU ]]; then
	for p in $READY_BEFORE; do
		check "ready worker $p waits in a CPU group of its own (v1: $(v1_cpu_of "$p"))" \
			test "$(v1_cpu_of "$p")" = "/gofn/w$p"
	done
fi
req POST "/invoke/main.Handle?function=$FA" "$A" --data-binary x
check "alpha's first call answers" test "$CODE/$(jqv .result)" = "200/hi x"
check "it was served by a prepared worker" test "$(metric gofn_prepared_bound_total)" = 1
check "its spawn -> first result was measured" test "$(metric gofn_worker_first_result_seconds_count)" = 1
A_PID=$(bound_field alpha pid)
A_UID=$(bound_field alpha uid)
check "the bound worker was one of the ready ones" grep -qx "$A_PID" <<<"$READY_BEFORE"
if [[ -n $V1CPU ]]; then
	check "alpha had no worker running: its group was the worker's own, renamed" \
		test "$(bound_field alpha cpu_group)" = renamed
fi
if ((ROOT_UIDS)); then
	check "it runs as its one-time uid, from --prepared-uids" \
		test "$(host_uid "$A_PID")" = "$A_UID" -a "$A_UID" -ge 3000000000
fi
A_GROUP=$(cpu_group "$A_PID")
check "the ready workers are refilled" wait_metric gofn_prepared_workers 2

req POST "/invoke/main.Handle?function=$FA" "$A" --data-binary y
check "alpha's second call is warm, no prepared worker taken" \
	test "$CODE/$(jqv .result)/$(metric gofn_prepared_bound_total)" = "200/hi y/1"

READY_BEFORE=$(events prepared_ready pid | sort)
req POST "/invoke/main.Handle?function=$FB" "$B" --data-binary z
check "beta's first call answers from a prepared worker" \
	test "$CODE/$(jqv .result)/$(metric gofn_prepared_bound_total)" = "200/hi z/2"
B_PID=$(bound_field beta pid)
B_UID=$(bound_field beta uid)
check "beta's worker is a ready one, not alpha's" \
	test "$B_PID" != "$A_PID" -a -n "$(grep -x "$B_PID" <<<"$READY_BEFORE")"
if ((ROOT_UIDS)); then
	check "beta's worker runs as a uid of its own" \
		test "$(host_uid "$B_PID")" = "$B_UID" -a "$B_UID" != "$A_UID"
fi
B_GROUP=$(cpu_group "$B_PID")
if [[ -n "$A_GROUP" ]]; then
	req GET /tenants/alpha "$ADMIN"
	UA=$(jqv .uid)
	req GET /tenants/beta "$ADMIN"
	UB=$(jqv .uid)
	check "each bound worker joined its own tenant's CPU group (t$UA, t$UB)" \
		test "$A_GROUP" = "gofn/t$UA" -a "$B_GROUP" = "gofn/t$UB" -a "$UA" != "$UB"
else
	echo "NOTE: no CPU cgroup here: the tenant CPU group checks are skipped"
fi

# A worker that ran alpha's code and died is replaced by another prepared
# one, bound to alpha again; no worker is ever bound twice.
check "ready before alpha's exit" wait_metric gofn_prepared_workers 2
req POST "/invoke/main.main?function=$FAX" "$A"
check "os.Exit(3) in alpha's second function: status exit" test "$(jqv .status)" = exit
check "its worker was a prepared one too" test "$(metric gofn_prepared_bound_total)" = 3
if [[ -n $V1CPU ]]; then
	X_PID=$(bound_field alpha pid)
	check "alpha's first worker still runs in its group: the second one joined it" \
		test "$(bound_field alpha cpu_group)/$(cpu_group "$A_PID")" = "joined/$A_GROUP"
	check "... and its own group (w$X_PID) is gone" test ! -e "/sys/fs/cgroup/cpu/gofn/w$X_PID"
fi
req POST "/invoke/main.main?function=$FAX" "$A"
check "alpha's next call to it binds one more" \
	test "$(jqv .status)/$(metric gofn_prepared_bound_total)" = exit/4
check "refilled after the exits" wait_metric gofn_prepared_workers 2
check "no worker was bound twice (so none to a second tenant)" \
	test "$(events prepared_bound pid | sort | uniq -d)" = ""
check "no worker was offered twice" test "$(events prepared_ready pid | sort | uniq -d)" = ""
# A ready worker killed from outside while it waits is reaped (no zombie
# left in gofnd until a tenant would take it) and replaced.
LOST=$(events prepared_ready pid | tail -1)
check "a ready worker to kill" test -n "$LOST"
kill -9 "$LOST"
check "a ready worker killed while waiting is reaped" \
	within_30s bash -c "[[ ! -e /proc/$LOST ]]"
check "... logged prepared_lost" within_30s bash -c \
	"jq -r 'select(.event==\"prepared_lost\") | .pid' '$TMP/gofnd.log' | grep -qx '$LOST'"
check "... and replaced" wait_metric gofn_prepared_workers 2
READY_PIDS=$(events prepared_ready pid | sort -u)
cat "$TMP/gofnd.log" >>"$TMP/all.log"
stop_gofnd || fail "gofnd exit code"
# shellcheck disable=SC2086
check "ready workers are stopped with gofnd" workers_gone $READY_PIDS
if [[ -n $V1CPU ]]; then
	left=""
	for p in $READY_PIDS; do [[ -e /sys/fs/cgroup/cpu/gofn/w$p ]] && left+=" w$p"; done
	check "no prepared worker's own CPU group is left (${left:-none})" test -z "$left"
fi

if ((ROOT_UIDS)); then
	check "every prepared worker of both runs had a uid no other worker had" \
		test "$(jq -r 'select(.event=="prepared_ready") | .uid' "$TMP/all.log" | sort | uniq -d)" = ""
fi

# --prepared 0: no prepared worker, calls still served.
start_gofnd "$TMP/data" --workers 2 --prepared 0 --uid-range "$RANGE"
req POST "/invoke/main.Handle?function=$FA" "$A" --data-binary off
check "--prepared 0: the call answers" test "$CODE/$(jqv .result)" = "200/hi off"
check "--prepared 0: none ready, none bound" \
	test "$(metric gofn_prepared_workers)/$(metric gofn_prepared_bound_total)" = 0/0
check "--prepared 0: a worker was spawned for the call" \
	test "$(metric gofn_workers_spawned_total)" = 1
stop_gofnd || fail "gofnd exit code"
# Our tenants' CPU groups go with the test (best effort, as test_tenants.sh).
for ((u = ${RANGE%:*}; u < ${RANGE%:*} + 8; u++)); do
	rmdir /sys/fs/cgroup/{,unified/}gofn/t$u /sys/fs/cgroup/cpu/gofn/t$u 2>/dev/null
done
finish
