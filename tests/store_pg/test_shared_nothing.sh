#!/usr/bin/env bash
# Replicas that share only the PostgreSQL database (issue 19): two gofnd on
# two different EMPTY data dirs. Object bytes and profile bytes are rows
# (each replica caches them as files), and the admin token's hash and the
# profile secret are settings rows, so an upload through one replica is
# invoked through the other, a profile URL one hands out is fetched from
# the other, and neither needs a file the other wrote.
# Runs with GOFN_TEST_STORE=postgres (lib.sh starts the database).
source "$(dirname "$0")/lib.sh"
export PPROF_TMPDIR=$TMP/pprof

DB=$(pg_database_url "$TMP/shared") || exit 1
# replica NAME: gofnd on $TMP/NAME (new and empty) and the shared database,
# without GOFN_ADMIN_TOKEN; sets NAME_URL and NAME_PID.
replica() {
	GOFN_ADMIN_TOKEN="" start_replica "$1" "$TMP/$1" --sandbox 0 --store postgres --database-url "$DB"
}

replica A
replica B
ADMIN=$(sed -n 's/^gofnd: generated admin token[^:]*: //p' "$TMP/A.out")
check "A, first on the database, generates and prints the admin token" test -n "$ADMIN"
check "B prints none (it takes the stored hash)" test ! -s "$TMP/B.out"
check "no token or secret file in either data dir" \
	bash -c 'test -z "$(ls "$1"/A/admin-token "$1"/B/admin-token "$1"/A/profile-secret "$1"/B/profile-secret 2>/dev/null)"' _ "$TMP"

on "$B_URL"
T=$(new_tenant acme) || exit 1
check "A's admin token creates a tenant on B" test -n "$T"
HELLO=$(compile hello) && BURN=$(compile burn) || exit 1
on "$A_URL"
FN=$(upload "$T" "$HELLO")
check "upload through A" test -n "$FN"
req GET "/functions/$FN" "$T"
SHA=$(jqv '.objects[0].sha256')
on "$B_URL"
req POST /invoke/main.Handle "$T" --data-binary nothing-shared
check "B invokes A's upload from the database" test "$(jqv .result)" = "hi nothing-shared"
check "B keeps the object as a local cache file" test -f "$TMP/B/objects/$SHA"
check "the object's bytes are one row in blobs" \
	test "$(pg_sql "$TMP/shared" "SELECT size = octet_length(data) FROM blobs WHERE sha256 = '$SHA'")" = t

on "$A_URL"
upload "$T" "$BURN" >/dev/null
req POST "/invoke/main.Burn?profile=cpu" "$T" --data-binary 200
PROF=$(jqv .profiles.cpu)
check "A's profile has no file in A's data dir (its bytes are a row)" \
	bash -c 'test -z "$(ls "$1"/profiles 2>/dev/null)"' _ "$TMP/A"
PROF_B=${PROF/$A_URL/$B_URL}
check "profile URL from A, fetched from B: go tool pprof -top reads it" \
	bash -c 'test "$1" != "$2" && go tool pprof -top "$2" 2>&1 | grep -q "main.burn$"' _ "$PROF" "$PROF_B"

# The same object under a second function: one blob; it goes with the last user.
on "$A_URL"
FN2=$(upload "$T" "$HELLO")
check "a second upload of the same object" test -n "$FN2" -a "$FN2" != "$FN"
blobs() { pg_sql "$TMP/shared" "SELECT count(*) FROM blobs WHERE sha256 = '$SHA'"; }
check "... is stored once" test "$(blobs)" = 1
on "$B_URL"
req DELETE "/functions/$FN" "$T"
expect_code 204 "B deletes the first"
check "the blob stays while a function uses it" test "$(blobs)" = 1
req DELETE "/functions/$FN2" "$T"
expect_code 204 "B deletes the second"
check "then the blob goes" test "$(blobs)" = 0

# Bytes that do not match their name are refused, not run.
on "$A_URL"
FN3=$(upload "$T" "$HELLO")
pg_sql "$TMP/shared" "UPDATE blobs SET data = 'not an object' WHERE sha256 = '$SHA'" >/dev/null
replica C
on "$C_URL"
req POST /invoke/main.Handle "$T" --data-binary x
check "C refuses bytes whose hash is not their name" \
	bash -c '[[ "$1" == *"hash to"* ]]' _ "$BODY"

check "replica A: SIGTERM exits 0" stop_replica A
check "replica B: SIGTERM exits 0" stop_replica B
check "replica C: SIGTERM exits 0" stop_replica C
REPLICA_PIDS=()
: "$FN3"
finish
