#!/usr/bin/env bash
# ctest bench/bare_relay: bench-bare-relay answers each request with its
# tenant's echo process's reply ("hi " + body), picks the tenant by the
# bearer token, reuses a tenant's idle process instead of starting another,
# puts each tenant's processes in its CPU group with -g (where a v1 cpu
# hierarchy is writable), and leaves no echo process or group behind when
# it stops. With the C echo, and with the Go echo when go is installed.
# Usage: bench/bare_relay_test.sh BUILD
set -uo pipefail
BUILD=$(cd "${1:?usage: bare_relay_test.sh BUILD}" && pwd)
BENCH=$(cd "$(dirname "$0")" && pwd)
export PATH="$PATH:/usr/local/go/bin"
TMP=$(mktemp -d)
PID=""
trap '[[ -n "$PID" ]] && kill -TERM "$PID" 2>/dev/null; rm -rf "$TMP"' EXIT
fail() {
	echo "FAIL: $*"
	exit 1
}

# start ARGS...: the relay in the background (PID, PORT).
start() {
	"$BUILD/bin/bench-bare-relay" "$@" >"$TMP/port" 2>"$TMP/err" &
	PID=$!
	PORT=""
	for _ in $(seq 100); do
		PORT=$(awk '/^port/ {print $2}' "$TMP/port")
		[[ -n "$PORT" ]] && return
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.05
	done
	fail "bench-bare-relay $* did not listen: $(cat "$TMP/err")"
}
# call TENANT BODY: the reply's body (fails on a status other than 200).
call() {
	local out
	out=$(curl -sS -w '\n%{http_code}' -H "Authorization: Bearer $1" --data-binary "$2" \
		"http://127.0.0.1:$PORT/") || fail "curl to the relay failed"
	[[ "${out##*$'\n'}" == 200 ]] || fail "status ${out##*$'\n'} for tenant $1"
	echo "${out%$'\n'*}"
}
kids() { cat /proc/"$PID"/task/*/children 2>/dev/null | wc -w; }

# check ECHO...: the whole behaviour with that echo process.
check() {
	local cg="" kids_before pids
	[[ -w /sys/fs/cgroup/cpu/cgroup.procs ]] && cg=/sys/fs/cgroup/cpu/gofn-relay-test-$$
	start -t 2 -w 1 ${cg:+-g "$cg"} "$@"
	[[ "$(call 0 one)" == "hi one" ]] || fail "tenant 0: wrong reply"
	[[ "$(call 1 two)" == "hi two" ]] || fail "tenant 1: wrong reply"
	kids_before=$(kids)
	[[ "$kids_before" == 2 ]] || fail "$kids_before echo processes for two tenants, want 2"
	for i in 1 2 3; do
		[[ "$(call 3 "x$i")" == "hi x$i" ]] || fail "tenant 3 (= 1 mod 2): wrong reply"
	done
	[[ "$(kids)" == 2 ]] || fail "$(kids) echo processes after more calls, want 2 (reuse)"
	pids=$(cat /proc/"$PID"/task/*/children)
	if [[ -n "$cg" ]]; then
		local n
		n=$(cat "$cg"/t0/cgroup.procs "$cg"/t1/cgroup.procs | wc -l)
		[[ "$n" == 2 ]] || fail "$n processes in the tenants' CPU groups, want 2"
	fi
	kill -TERM "$PID"
	wait "$PID" || fail "the relay exited $?"
	PID=""
	for p in $pids; do
		[[ -d /proc/$p ]] && fail "echo process $p outlived the relay"
	done
	[[ -z "$cg" || ! -d "$cg" ]] || fail "CPU group $cg left behind"
	echo "ok: $1 (CPU groups: ${cg:-none})"
}

check "$BUILD/bin/bench-relay-echo"
if command -v go >/dev/null; then
	(cd "$BENCH/bare_relay_echo_go" && go build -o "$TMP/relay-echo-go" .) ||
		fail "the Go echo does not build"
	check "$TMP/relay-echo-go"
else
	echo "the Go echo not checked: go is not installed"
fi
