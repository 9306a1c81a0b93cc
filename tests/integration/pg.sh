# A throwaway PostgreSQL for one test script, from Debian's packages
# (install-deps.sh installs postgresql). Sourced by lib.sh when
# GOFN_TEST_STORE=postgres, so the same integration tests run against
# gofnd --store postgres.
#
# - initdb into a fresh /tmp/gofn-pg.XXXXXX; postgres refuses to run as
#   root, so as root (CI) the cluster belongs to the `postgres` system user
#   and its programs run through runuser.
# - No TCP at all (listen_addresses=''): the server listens only on a unix
#   socket inside that directory, so nothing else on the machine can reach
#   it and no port can clash. fsync is off: a test kills gofnd, never the
#   database.
# - pg_database_url DATA prints the conninfo of a database of its own for
#   each gofnd data dir (created on first use), so a test that starts gofnd
#   on a fresh data dir sees a fresh store, and a restart on the same dir
#   sees the same one, as with SQLite's DATA/gofn.db.
# - pg_stop (called from lib.sh's cleanup) stops it and removes the dir.
# Exit status 77 (ctest SKIP_RETURN_CODE) when no server is installed.

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
PG_DIR=""
PG_AS=()

pg_stop() {
	[[ -n "$PG_DIR" ]] || return 0
	"${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1
	rm -rf "$PG_DIR"
	PG_DIR=""
}

pg_start() {
	if [[ -z "$PG_BIN" || ! -x "$PG_BIN/initdb" ]]; then
		echo "SKIP: no PostgreSQL server under /usr/lib/postgresql (scripts/install-deps.sh installs it)"
		exit 77
	fi
	PG_DIR=$(mktemp -d /tmp/gofn-pg.XXXXXX)
	if [[ $(id -u) -eq 0 ]]; then
		chown postgres: "$PG_DIR"
		PG_AS=(runuser -u postgres --)
	fi
	# ctest's timeout sends TERM: turn it into an exit so cleanup runs.
	trap 'exit 143' TERM INT
	if ! "${PG_AS[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U gofn -E UTF8 \
		--no-locale --no-sync >"$PG_DIR/initdb.log" 2>&1; then
		echo "initdb failed:"
		cat "$PG_DIR/initdb.log"
		exit 1
	fi
	pg_server start || exit 1
	pg_watchdog
}

# pg_server start|stop: the server of the cluster pg_start made (tests
# stop and start it under a running gofnd).
pg_server() {
	if [[ "$1" == stop ]]; then
		"${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null
		return
	fi
	if ! "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
		-o "-F -k $PG_DIR -c listen_addresses=''" start >/dev/null; then
		echo "PostgreSQL did not start:"
		cat "$PG_DIR/server.log"
		return 1
	fi
}

# A SIGKILLed test (ctest's timeout) runs no cleanup, and the server is a
# daemon: a detached watcher stops it once this shell is gone.
pg_watchdog() {
	local stop
	stop=$(printf '%q ' "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop)
	(setsid bash -c "while kill -0 $$ 2>/dev/null; do sleep 1; done
		[[ -d $(printf '%q' "$PG_DIR")/data ]] || exit 0
		$stop; rm -rf $(printf '%q' "$PG_DIR")" </dev/null >/dev/null 2>&1 &)
}

# pg_database_url DATA_DIR: creates that dir's database if needed and
# prints its conninfo.
pg_database_url() {
	local db
	db=g$(printf '%s' "$1" | sha256sum | cut -c1-16)
	local url="host=$PG_DIR user=gofn dbname=$db"
	if [[ -z $("$PG_BIN/psql" "host=$PG_DIR user=gofn dbname=postgres" -tAc \
		"SELECT 1 FROM pg_database WHERE datname = '$db'") ]]; then
		"$PG_BIN/createdb" -h "$PG_DIR" -U gofn "$db" || return 1
	fi
	echo "$url"
}

# pg_sql DATA_DIR SQL: runs SQL in that dir's database (for checks).
pg_sql() {
	"$PG_BIN/psql" "$(pg_database_url "$1")" -tAc "$2"
}

pg_start
