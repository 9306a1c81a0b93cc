#!/usr/bin/env bash
# SQLite busy/locked: another process holds the write lock on gofnd's
# database. A lock held for less than gofnd's busy timeout only delays
# writes; one held longer makes writes fail with a message naming it (and
# a log line), never a hang or a crash; reads and invocations keep being
# served throughout (WAL); once the lock is gone, writes work again.
source "$(dirname "$0")/lib.sh"
DATA=$TMP/data
start_gofnd "$DATA"
tok=$(new_tenant acme)
obj=$(compile mix) || exit 1
req POST /functions "$tok" -F "obj=@$obj"
expect_code 201 "upload"
fid=$(jqv .id)
req POST /invoke/main.Echo "$tok" --data-binary warm

# hold_lock SECONDS: an exclusive write transaction on the db, in the background.
hold_lock() {
	python3 - "$DATA/gofn.db" "$1" "$TMP/locked" <<'PY' &
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
db.execute("BEGIN EXCLUSIVE")
open(sys.argv[3], "w").close()
time.sleep(float(sys.argv[2]))
db.execute("ROLLBACK")
PY
	LOCKER=$!
	for _ in $(seq 50); do
		[[ -f "$TMP/locked" ]] && break
		sleep 0.1
	done
	rm -f "$TMP/locked"
}

# 1. A short lock: the write waits for it and succeeds.
hold_lock 1.5
t0=$(date +%s%N)
req POST /tenants "$ADMIN" -H 'Content-Type: application/json' -d '{"name":"waits"}'
ms=$((($(date +%s%N) - t0) / 1000000))
expect_code 201 "write behind a 1.5 s lock waits and succeeds (${ms} ms)"
wait $LOCKER

# 2. A lock held past the busy timeout.
hold_lock 9
req POST /invoke/main.Echo "$tok" --data-binary locked
check "invocations served while the db is locked" test "$(jqv .status):$(jqv .result)" == ok:locked
req GET "/functions/$fid" "$tok"
expect_code 200 "reads served while the db is locked"
req POST /tenants "$ADMIN" -H 'Content-Type: application/json' -d '{"name":"blocked"}'
check "write past the busy timeout is 503 (retry) naming the lock ($CODE $(jqv .error.message))" \
	bash -c "[[ '$CODE' == 503 && '$(jqv .error.code)' == store_unavailable && '$(jqv .error.message)' == *locked* ]]"
check "log: the refused write is logged as a server error" \
	log_has '.event=="http" and .path=="/tenants" and .status>=500 and .level=="error"'
wait $LOCKER
req POST /tenants "$ADMIN" -H 'Content-Type: application/json' -d '{"name":"blocked"}'
expect_code 201 "writes work again once the lock is gone"
req GET /tenants "$ADMIN"
check "tenants: exactly the acknowledged ones" \
	test "$(jqv '[.tenants[]?.name // .[]?.name]|sort|join(",")')" == "acme,blocked,waits"
stop_gofnd
check "graceful stop exits 0" test $? == 0
finish
