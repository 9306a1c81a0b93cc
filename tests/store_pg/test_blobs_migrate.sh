#!/usr/bin/env bash
# A PostgreSQL database from before blobs existed (issue 19): its object
# rows' bytes are only files in the data dir of the replica that took the
# upload. At open gofnd copies every such file it has into blobs, so a
# replica on an empty data dir serves the function; a second open copies
# nothing. The old state is made by deleting the blobs rows of an upload
# (the object row and the file stay, as an old gofnd left them).
# Runs with GOFN_TEST_STORE=postgres (lib.sh starts the database).
source "$(dirname "$0")/lib.sh"

DB=$(pg_database_url "$TMP/shared") || exit 1
# replica NAME: gofnd on $TMP/NAME and the shared database, the one req talks to.
replica() {
	start_replica "$1" "$TMP/$1" --sandbox 0 --store postgres --database-url "$DB"
	CUR=$1
	local url=${1}_URL
	on "${!url}"
}
blobs() { pg_sql "$TMP/shared" "SELECT count(*) FROM blobs"; }

replica old
T=$(new_tenant acme) || exit 1
HELLO=$(compile hello) || exit 1
FN=$(upload "$T" "$HELLO")
check "upload through the old replica" test -n "$FN"
req GET "/functions/$FN" "$T"
SHA=$(jqv '.objects[0].sha256')
stop_replica "$CUR" || fail "old replica's exit status"
pg_sql "$TMP/shared" "DELETE FROM blobs" >/dev/null
check "old state: an object row, its file, and no blob" \
	test "$(pg_sql "$TMP/shared" "SELECT count(*) FROM objects WHERE sha256 = '$SHA'"):$(blobs):$(test -f "$TMP/old/objects/$SHA" && echo file)" = "1:0:file"

# Without the migration an empty replica cannot serve it (the gap is real).
replica empty1
req POST "/invoke/main.Handle?function=$FN" "$T" --data-binary x
check "before: a replica on an empty data dir cannot load it" test "$(jqv .status)" != ok
stop_replica "$CUR" || fail "empty1 exit status"

replica old
check "reopening the old replica copies the file into blobs" \
	test "$(pg_sql "$TMP/shared" "SELECT octet_length(data) = size FROM blobs WHERE sha256 = '$SHA'")" = t
check "... and logs blobs_migrated copied 1" \
	test "$(jq -r 'select(.event=="blobs_migrated") | .copied' "$TMP/old.log")" = 1
stop_replica "$CUR" || fail "old replica's exit status"
replica old
check "a second open copies nothing (idempotent)" \
	bash -c '! grep -q blobs_migrated "$1" && [[ $2 == 1 ]]' _ "$TMP/old.log" "$(blobs)"
stop_replica "$CUR" || fail "old replica's exit status"

replica empty2
req POST "/invoke/main.Handle?function=$FN" "$T" --data-binary migrated
check "after: a replica on an empty data dir invokes it" test "$CODE:$(jqv .result)" = "200:hi migrated"
stop_replica "$CUR" || fail "empty2 exit status"
finish
