#!/bin/bash
# The public image's contract, reduced to what deploy/ uses: a first start
# makes the cluster with POSTGRES_USER/POSTGRES_PASSWORD/POSTGRES_DB and
# password authentication over TCP; "postgres ARGS" runs the server.
set -euo pipefail
if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
	pw=$(mktemp)
	printf '%s\n' "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}" >"$pw"
	initdb -D "$PGDATA" -U "${POSTGRES_USER:-postgres}" --pwfile="$pw" -A scram-sha-256 \
		--auth-local=trust -E UTF8 --no-locale >/dev/null
	rm -f "$pw"
	echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
	db=${POSTGRES_DB:-${POSTGRES_USER:-postgres}}
	if [[ "$db" != postgres ]]; then
		postgres --single -D "$PGDATA" -c listen_addresses='' postgres <<<"CREATE DATABASE \"$db\" OWNER \"${POSTGRES_USER:-postgres}\";" >/dev/null
	fi
fi
if [[ "${1:-}" == postgres ]]; then
	shift
	exec postgres -D "$PGDATA" -c listen_addresses='*' "$@"
fi
exec "$@"
