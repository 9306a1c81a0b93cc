#!/usr/bin/env bash
# Two gofnd replicas behind (imagined) one load balancer: one PostgreSQL
# database and one shared data dir (the object volume). Whatever one
# replica writes the other serves at once, but for the two lookups of a
# warm invoke a replica caches (token -> tenant, symbol -> function:
# server/store_cache.h), which follow another replica's change within
# --store-cache-ms (1 s); racing creations of one tenant name get exactly
# one winner; deletions and new deploys are seen by both; a database
# restart under them goes unnoticed; while it is down they answer 503
# (Retry-After) naming it, and serve again once it is back.
# Runs with GOFN_TEST_STORE=postgres (lib.sh starts the database).
source "$(dirname "$0")/lib.sh"

DATA=$TMP/data

start_gofnd "$DATA" --sandbox 0
A=$URL
A_PID=$PID
# Replica B: the same flags, its own port and log (start_gofnd's twin).
store_args "$DATA"
start_replica B "$DATA" --sandbox 0 "${STORE_ARGS[@]}"
B=$B_URL

on "$A"
T=$(new_tenant acme) || exit 1
on "$B"
req GET /functions "$T"
expect_code 200 "tenant made on A authenticates on B"

HELLO=$(compile hello) || exit 1
on "$A"
req POST /functions "$T" -F "obj=@$HELLO"
expect_code 201 "upload on A"
FN=$(jqv .id)
SHA=$(jqv .sha256)
on "$B"
req GET "/functions/$FN" "$T"
check "B lists A's function" test "$(jqv .sha256)" = "$SHA"
req POST /invoke/main.Handle "$T" --data-binary replica
check "B runs A's upload from the shared volume" test "$(jqv .result)" = "hi replica"

# The same new name on both replicas at once, several times.
for i in 1 2 3 4 5; do
	racers=()
	for u in "$A" "$B"; do
		curl -sS -o /dev/null -w '%{http_code}\n' -X POST -H "Authorization: Bearer $ADMIN" \
			-H 'Content-Type: application/json' -d "{\"name\":\"race$i\"}" \
			"$u/tenants" >>"$TMP/race$i" &
		racers+=($!)
	done
	wait "${racers[@]}"
	check "race$i: one 201, one 409" test "$(sort "$TMP/race$i" | tr '\n' ' ')" = "201 409 "
done

# The database restarts under both replicas: they reconnect by themselves.
"${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w restart >/dev/null
on "$A"
req GET "/functions/$FN" "$T"
expect_code 200 "A after a database restart"
on "$B"
req POST /invoke/main.Handle "$T" --data-binary again
check "B invokes after a database restart" test "$(jqv .result)" = "hi again"

# The database is down: requests that need it fail at once with a message
# naming it, the rest is served, and all is back when the database is.
pg_server stop
req GET "/functions/$FN" "$T"
check "database down: 503 store_unavailable naming postgres" test "$CODE" = 503 -a \
	"$(jqv .error.code)" = store_unavailable -a \
	"$(jqv '.error.message | test("postgres")')" = true
check "database down: Retry-After" grep -qi '^Retry-After: [0-9]' "$HDRS"
# A warm invoke needs the database only once its cached lookups are older
# than --store-cache-ms.
invoke_refused() {
	req POST /invoke/main.Handle "$T" --data-binary down
	[[ "$CODE" == 503 ]]
}
check "database down: invoke answers 503 too (within the cache's bound)" wait_until 20 invoke_refused
req GET /healthz ""
expect_code 200 "database down: /healthz still answers"
pg_server start
req GET "/functions/$FN" "$T"
expect_code 200 "database back: served again"

# A new deploy on B: A, which has the older one cached, runs the new one
# within the bound; B at once.
on "$A"
req POST /invoke/main.Handle "$T" --data-binary x
check "A invokes (and caches) the first upload" test "$(jqv .function)" = "$FN"
on "$B"
req POST /functions "$T" -F "obj=@$HELLO"
expect_code 201 "B deploys main.Handle again"
FN2=$(jqv .id)
check "the deploy is a new function" test "$FN2" != "$FN"
req POST /invoke/main.Handle "$T" --data-binary x
check "B runs its new deploy at once" test "$(jqv .function)" = "$FN2"
on "$A"
runs_new() {
	req POST /invoke/main.Handle "$T" --data-binary x
	[[ "$(jqv .function)" == "$FN2" ]]
}
check "A runs B's new deploy within the cache's bound" wait_until 20 runs_new
on "$B"
req DELETE "/functions/$FN2" "$T"
expect_code 204 "B deletes the new deploy"
req DELETE "/functions/$FN" "$T"
expect_code 204 "B deletes the function"
req POST /invoke/main.Handle "$T" --data-binary x
expect_code 404 "B no longer invokes it, at once"
on "$A"
req GET "/functions/$FN" "$T"
expect_code 404 "A no longer has it"
not_invoked() {
	req POST /invoke/main.Handle "$T" --data-binary x
	[[ "$CODE" == 404 ]]
}
check "A no longer invokes it (within the cache's bound)" wait_until 20 not_invoked
on "$B"
req GET /functions "$T"
expect_code 200 "B knows (and caches) the tenant's token"
on "$A"
req DELETE /tenants/acme "$ADMIN"
check "A deletes the tenant" test "$CODE" = 204 -o "$CODE" = 200
req GET /functions "$T"
expect_code 401 "A refuses the deleted tenant's token at once"
on "$B"
refused() {
	req GET /functions "$T"
	[[ "$CODE" == 401 ]]
}
check "B refuses the deleted tenant's token (within the cache's bound)" wait_until 20 refused

check "replica B: SIGTERM exits 0" stop_replica B
on "$A"
PID=$A_PID
check "replica A: SIGTERM exits 0" stop_gofnd
finish
