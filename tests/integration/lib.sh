# Shared helpers for the integration tests: a real gofnd on 127.0.0.1 with a
# kernel-chosen port and a temporary data dir, driven with curl, always
# killed at the end. Sourced by each test_*.sh with the build dir as $1.
set -uo pipefail

BUILD=$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# The sanitized twin when the build has one (GOFN_SANITIZE=ON, as make does):
# ASan/UBSan abort on a memory error, LeakSanitizer fails the SIGTERM exit.
GOFND=$BUILD/bin/gofnd
[[ -x "$BUILD/bin/gofnd_san" && -z "${GOFN_TEST_PLAIN:-}" ]] && GOFND=$BUILD/bin/gofnd_san
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}
LOADER=$BUILD/bin/gofn-loader
PROGS=$ROOT/tests/integration/progs
export PATH="$PATH:/usr/local/go/bin"
TMP=$(mktemp -d /tmp/gofn-it.XXXXXX)
ADMIN=test-admin-token
FAILS=0
PID=""
PORT=""
URL=""

cleanup() {
	if [[ -n "$PID" ]] && kill -0 "$PID" 2>/dev/null; then
		kill -9 "$PID" 2>/dev/null
		wait "$PID" 2>/dev/null
	fi
	declare -F pg_stop >/dev/null && pg_stop
	rm -rf "$TMP"
}
trap cleanup EXIT
# GOFN_TEST_STORE=postgres: the same tests against gofnd --store postgres,
# on a throwaway PostgreSQL started here (tests/integration/pg.sh).
[[ "${GOFN_TEST_STORE:-sqlite}" == postgres ]] && source "$ROOT/tests/integration/pg.sh"

# store_args DATA_DIR: the --store flags for that data dir (none for SQLite).
store_args() {
	STORE_ARGS=()
	declare -F pg_database_url >/dev/null || return 0
	local url
	url=$(pg_database_url "$1") || exit 1
	STORE_ARGS=(--store postgres --database-url "$url")
}

fail() {
	echo "FAIL: $*"
	FAILS=$((FAILS + 1))
}
ok() { echo "ok: $*"; }

# check "description" COMMAND...: passes when the command succeeds.
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else fail "$what"; fi
}

# wait_until SECONDS COMMAND...: polls the condition (never a fixed sleep
# as the assertion); fails when it does not hold within the bound.
wait_until() {
	local limit=$1
	shift
	local end=$((SECONDS + limit))
	while ((SECONDS < end)); do
		"$@" && return 0
		sleep 0.1
	done
	"$@"
}

# wait_port LOG PID: the port of gofnd's "listening" line in LOG, once it
# is there (empty if PID ends first or it never comes).
wait_port() {
	local port=""
	for _ in $(seq 100); do
		port=$(jq -r 'select(.event=="listening") | .port' "$1" 2>/dev/null | head -1)
		[[ -n "$port" ]] && break
		kill -0 "$2" 2>/dev/null || break
		sleep 0.1
	done
	echo "$port"
}

# start_gofnd DATA_DIR [flags...]: starts and waits for its "listening" line.
# GOFND_WRAP=(setpriv ...) runs it through a wrapper (tests/noisy: as nobody).
GOFND_WRAP=()
start_gofnd() {
	local data=$1
	shift
	: >"$TMP/gofnd.log"
	store_args "$data"
	GOFN_ADMIN_TOKEN=${GOFN_ADMIN_TOKEN-$ADMIN} "${GOFND_WRAP[@]}" "$GOFND" --listen 127.0.0.1:0 --data "$data" \
		--loader "$LOADER" "${STORE_ARGS[@]}" "$@" >"$TMP/gofnd.out" 2>"$TMP/gofnd.log" &
	PID=$!
	PORT=$(wait_port "$TMP/gofnd.log" "$PID")
	if [[ -z "$PORT" ]]; then
		echo "gofnd did not start:"
		cat "$TMP/gofnd.log"
		exit 1
	fi
	URL=http://127.0.0.1:$PORT
}

# stop_gofnd: SIGTERM, and the exit code must be 0.
stop_gofnd() {
	kill -TERM "$PID"
	wait "$PID"
	local rc=$?
	PID=""
	return $rc
}

# workers_gone PID...: none of these processes still runs (a zombie waiting
# for a reaper that is not ours counts as gone).
workers_gone() {
	local p state
	for p in "$@"; do
		state=$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null) || continue
		[[ -z "$state" || "$state" == Z || "$state" == X ]] || return 1
	done
	return 0
}

# can_run PID: the process can still run its code: not a zombie, no SIGKILL
# pending. An evicted worker is killed by the evicting call and waited for
# on gofnd's reaper thread (server/pool.c doom), so for a moment after an
# eviction it may still be listed, killed, with its command line.
can_run() {
	local k v rest
	while read -r k v rest; do
		case $k in
		State:) [[ $v == [ZX] ]] && return 1 ;;
		SigPnd: | ShdPnd:) (((0x$v >> 8) & 1)) && return 1 ;;
		esac
	done <"/proc/$1/status" 2>/dev/null || return 1
	return 0
}

# worker_pids [running]: gofnd's gofn-loader -worker processes (children,
# or grandchildren under the sandbox's supervisor), one a line; with
# "running", only those that can still run (can_run), none below a killed
# one (a sandboxed worker below its killed supervisor ends with it).
worker_pids() {
	local kids=("$PID") p c
	while ((${#kids[@]})); do
		p=${kids[0]}
		kids=("${kids[@]:1}")
		for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do
			[[ ${1-} != running ]] || can_run "$c" || continue
			kids+=("$c")
			tr '\0' ' ' <"/proc/$c/cmdline" 2>/dev/null | grep -q -- '-worker' && echo "$c"
		done
	done
}

# metric NAME: its value in GET /metrics (admin), e.g. metric gofn_workers.
metric() {
	curl -sS --max-time 60 -H "Authorization: Bearer $ADMIN" "$URL/metrics" |
		awk -v m="$1" '$1 == m {print $2}'
}

# inv_lines TOKEN FILTER ID...: GET /invocations/ID of every id with one
# curl, each answer through jq -r FILTER, in order (one curl and one jq, not
# a few processes per id: on a loaded machine those were most of a 100-call
# check's time).
inv_lines() {
	local tok=$1 filter=$2
	shift 2
	(($#)) || return 0
	curl -sS --max-time 120 -H "Authorization: Bearer $tok" $(printf "$URL/invocations/%s " "$@") |
		jq -r "$filter"
}

# wait_done TOKEN ID...: until none of these async invocations is queued
# or running (bounded: 240 s in all).
wait_done() {
	local tok=$1 end=$((SECONDS + 240))
	shift
	local pending=("$@")
	while ((${#pending[@]})) && ((SECONDS < end)); do
		mapfile -t pending < <(inv_lines "$tok" \
			'select(.status == "queued" or .status == "running") | .invocation_id' "${pending[@]}")
		((${#pending[@]})) && sleep 0.1
	done
}

# metric_is NAME VALUE: GET /metrics shows NAME at VALUE (for wait_until).
metric_is() { [[ "$(metric "$1")" == "$2" ]]; }

kill9_gofnd() {
	kill -9 "$PID"
	wait "$PID" 2>/dev/null
	PID=""
}

# req METHOD PATH TOKEN [curl args...]: sets CODE, BODY (text) and HDRS (file).
req() {
	local method=$1 path=$2 token=$3
	shift 3
	local auth=()
	[[ -n "$token" ]] && auth=(-H "Authorization: Bearer $token")
	CODE=$(curl -sS --max-time 60 -o "$TMP/body" -D "$TMP/hdrs" -w '%{http_code}' \
		-X "$method" "${auth[@]}" "$@" "$URL$path")
	BODY=$(cat "$TMP/body")
	HDRS=$TMP/hdrs
}

# expect CODE ERROR_CODE "what": the last req answered CODE with that error code.
expect_err() {
	local code=$1 ecode=$2 what=$3
	local got
	got=$(jq -r '.error.code' <<<"$BODY" 2>/dev/null)
	if [[ "$CODE" == "$code" && "$got" == "$ecode" ]]; then
		ok "$what ($code $ecode)"
	else
		fail "$what: want $code $ecode, got $CODE $BODY"
	fi
}

expect_code() {
	if [[ "$CODE" == "$1" ]]; then ok "$2 ($1)"; else fail "$2: want $1, got $CODE $BODY"; fi
}

# jqv FILTER: a field of the last body.
jqv() { jq -r "$1" <<<"$BODY"; }

# new_tenant NAME: creates it and prints its token.
new_tenant() {
	req POST /tenants "$ADMIN" -H 'Content-Type: application/json' -d "{\"name\":\"$1\"}"
	[[ "$CODE" == 201 ]] || {
		echo "cannot create tenant $1: $CODE $BODY" >&2
		return 1
	}
	jqv .token
}

# compile NAME: tests/integration/progs/NAME.go -> $TMP/NAME.o, with the
# project's gofn-compile when present, else the two steps it automates.
compile() {
	local src=$PROGS/$1.go out=$TMP/$1.o
	if [[ -x "$ROOT/scripts/gofn-compile" ]]; then
		"$ROOT/scripts/gofn-compile" -o "$out" "$src" >/dev/null || return 1
	else
		local pkgs
		pkgs=$(go list -f '{{join .Imports " "}}' "$src")
		go list -export -f '{{if .Export}}packagefile {{.ImportPath}}={{.Export}}{{end}}' \
			-deps $pkgs >"$TMP/$1.importcfg" 2>/dev/null
		go tool compile -p main -importcfg "$TMP/$1.importcfg" -o "$out" "$src" || return 1
	fi
	echo "$out"
}

# upload TOKEN OBJ: POST /functions; on 201 prints the function id.
upload() {
	req POST /functions "$1" -F "obj=@$2"
	[[ "$CODE" == 201 ]] && jqv .id
}

# concurrent_tags N PATH TOKEN...: N concurrent POST PATH (main.Tag of
# progs/tagged.go), call i as the tenant of TOKEN i % (number of tokens)
# with input t<that index>-call<i>. Once all have answered, BAD is the number
# of calls that did not answer 200, status ok, result tagged:INPUT and
# INPUT on stderr (each is printed): another tenant's output is cross-talk.
concurrent_tags() {
	local n=$1 path=$2 i t j want
	shift 2
	local tokens=("$@") pids=()
	rm -rf "$TMP/out"
	mkdir -p "$TMP/out"
	for ((i = 0; i < n; i++)); do
		t=$((i % ${#tokens[@]}))
		curl -sS --max-time 120 -o "$TMP/out/$i.json" -w '%{http_code}' -X POST \
			-H "Authorization: Bearer ${tokens[$t]}" --data-binary "t$t-call$i" \
			"$URL$path" >"$TMP/out/$i.code" &
		pids+=($!)
	done
	wait "${pids[@]}"
	BAD=0
	for ((i = 0; i < n; i++)); do
		want="t$((i % ${#tokens[@]}))-call$i"
		j=$TMP/out/$i.json
		if [[ "$(cat "$TMP/out/$i.code")" != 200 ]] ||
			[[ "$(jq -r .status "$j")" != ok ]] ||
			[[ "$(jq -r .result "$j")" != "tagged:$want" ]] ||
			[[ "$(jq -r .stderr "$j")" != "$want" ]]; then
			echo "wrong answer for call $i: $(cat "$TMP/out/$i.code") $(cat "$j")"
			BAD=$((BAD + 1))
		fi
	done
}

finish() {
	if ((FAILS)); then
		echo "$FAILS check(s) failed; gofnd log:"
		tail -n 40 "$TMP/gofnd.log"
		exit 1
	fi
	echo "all checks passed"
	exit 0
}
