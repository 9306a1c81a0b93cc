# Helpers for the store-pg tests that run more than one gofnd on one
# PostgreSQL database, on top of tests/integration/lib.sh (which starts the
# database with GOFN_TEST_STORE=postgres). Sourced by those test_*.sh with
# the build dir as $1.
source "$(dirname "${BASH_SOURCE[0]}")/../integration/lib.sh"

# Every replica started here is killed at exit, with what lib.sh cleans up.
REPLICA_PIDS=()
trap 'for p in "${REPLICA_PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done; cleanup' EXIT

# start_replica NAME DATA_DIR [gofnd flags...]: one more gofnd on DATA_DIR
# (made if missing), its output in $TMP/NAME.out and $TMP/NAME.log; waits for
# its "listening" line and sets NAME_URL and NAME_PID. GOFN_ADMIN_TOKEN as
# for start_gofnd: $ADMIN unless set (empty: none).
start_replica() {
	local name=$1 data=$2 pid port
	shift 2
	mkdir -p "$data"
	GOFN_ADMIN_TOKEN=${GOFN_ADMIN_TOKEN-$ADMIN} "$GOFND" --listen 127.0.0.1:0 --data "$data" \
		--loader "$LOADER" "$@" >"$TMP/$name.out" 2>"$TMP/$name.log" &
	pid=$!
	REPLICA_PIDS+=("$pid")
	port=$(wait_port "$TMP/$name.log" "$pid")
	[[ -n "$port" ]] || {
		echo "replica $name did not start:"
		cat "$TMP/$name.log"
		exit 1
	}
	printf -v "${name}_URL" %s "http://127.0.0.1:$port"
	printf -v "${name}_PID" %s "$pid"
}

# stop_replica NAME: SIGTERM; its exit status (0 expected).
stop_replica() {
	local pid=${1}_PID
	kill -TERM "${!pid}"
	wait "${!pid}"
}

# on URL: where req sends the next requests.
on() { URL=$1; }
