#!/usr/bin/env bash
# A PostgreSQL database from before blobs existed (issue 19): its object
# rows' bytes are only files in the data dir of the replica that took the
# upload. At open gofnd copies every such file it has into blobs, so a
# replica on an empty data dir serves the function; a second open copies
# nothing. The old state is made by deleting the blobs rows of an upload
# (the object row and the file stay, as an old gofnd left them).
# Runs with GOFN_TEST_STORE=postgres (lib.sh starts the database).
source "$(dirname "$0")/../integration/lib.sh"
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done; cleanup' EXIT

DB=$(pg_database_url "$TMP/shared") || exit 1
# start_replica NAME: gofnd on $TMP/NAME and the shared database; sets URL and RPID.
start_replica() {
	mkdir -p "$TMP/$1"
	GOFN_ADMIN_TOKEN=$ADMIN "$GOFND" --listen 127.0.0.1:0 --data "$TMP/$1" --loader "$LOADER" \
		--sandbox 0 --store postgres --database-url "$DB" >"$TMP/$1.out" 2>"$TMP/$1.log" &
	RPID=$!
	PIDS+=("$RPID")
	local port
	port=$(wait_port "$TMP/$1.log" "$RPID")
	[[ -n "$port" ]] || {
		echo "replica $1 did not start:"
		cat "$TMP/$1.log"
		exit 1
	}
	URL=http://127.0.0.1:$port
}
stop_replica() {
	kill -TERM "$RPID"
	wait "$RPID"
}
blobs() { pg_sql "$TMP/shared" "SELECT count(*) FROM blobs"; }

start_replica old
T=$(new_tenant acme) || exit 1
HELLO=$(compile hello) || exit 1
FN=$(upload "$T" "$HELLO")
check "upload through the old replica" test -n "$FN"
req GET "/functions/$FN" "$T"
SHA=$(jqv '.objects[0].sha256')
stop_replica || fail "old replica's exit status"
pg_sql "$TMP/shared" "DELETE FROM blobs" >/dev/null
check "old state: an object row, its file, and no blob" \
	test "$(pg_sql "$TMP/shared" "SELECT count(*) FROM objects WHERE sha256 = '$SHA'"):$(blobs):$(test -f "$TMP/old/objects/$SHA" && echo file)" = "1:0:file"

# Without the migration an empty replica cannot serve it (the gap is real).
start_replica empty1
req POST "/invoke/main.Handle?function=$FN" "$T" --data-binary x
check "before: a replica on an empty data dir cannot load it" test "$(jqv .status)" != ok
stop_replica || fail "empty1 exit status"

start_replica old
check "reopening the old replica copies the file into blobs" \
	test "$(pg_sql "$TMP/shared" "SELECT octet_length(data) = size FROM blobs WHERE sha256 = '$SHA'")" = t
check "... and logs blobs_migrated copied 1" \
	test "$(jq -r 'select(.event=="blobs_migrated") | .copied' "$TMP/old.log")" = 1
stop_replica || fail "old replica's exit status"
start_replica old
check "a second open copies nothing (idempotent)" \
	bash -c '! grep -q blobs_migrated "$1" && [[ $2 == 1 ]]' _ "$TMP/old.log" "$(blobs)"
stop_replica || fail "old replica's exit status"

start_replica empty2
req POST "/invoke/main.Handle?function=$FN" "$T" --data-binary migrated
check "after: a replica on an empty data dir invokes it" test "$CODE:$(jqv .result)" = "200:hi migrated"
stop_replica || fail "empty2 exit status"
finish
