#!/usr/bin/env bash
# ctest bench/bare_relay: bench-bare-relay answers each request with its
# tenant's echo process's reply ("hi " + body), picks the tenant by the
# bearer token, reuses a tenant's idle process instead of starting another,
# puts each tenant's processes in its CPU group with -g (where a v1 cpu
# hierarchy is writable), and leaves no echo process or group behind when
# it stops. With the C echo, and with the Go echo when go is installed.
# The event-driven mode (-e) the same, and: 48 calls at once over 2
# tenants with 2 echoes each all answered right; frames queued on a busy
# echo (-q 4 with an echo that answers only once 4 frames are in: no
# reply unless the relay put 4 calls in flight on one process); a call
# whose echo never answers fails when the relay stops, and nothing is left.
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
	rm -f "$TMP/port" # the shell opens it in the child: not read the last run's
	"$BUILD/bin/bench-bare-relay" "$@" >"$TMP/port" 2>"$TMP/err" &
	PID=$!
	PORT=""
	for _ in $(seq 100); do
		PORT=$(awk '/^port/ {print $2}' "$TMP/port" 2>/dev/null)
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
	local cg="" kids_before pids mode=$1
	shift
	[[ -w /sys/fs/cgroup/cpu/cgroup.procs ]] && cg=/sys/fs/cgroup/cpu/gofn-relay-test-$$
	start -t 2 -w 1 ${cg:+-g "$cg"} $mode "$@"
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
	echo "ok: ${mode:-threads} $1 (CPU groups: ${cg:-none})"
}

# stop_relay: SIGTERM, the relay exits 0 and no echo process outlives it.
stop_relay() {
	local pids
	pids=$(cat /proc/"$PID"/task/*/children)
	kill -TERM "$PID"
	wait "$PID" || fail "the relay exited $?: $(cat "$TMP/err")"
	PID=""
	for p in $pids; do
		[[ -d /proc/$p ]] && fail "echo process $p outlived the relay"
	done
}

# check_concurrent ECHO: 48 calls at once over 2 tenants, 2 echoes each,
# one frame at a time on an echo: every call gets its own reply.
check_concurrent() {
	local i calls=()
	start -e 2 -t 2 -w 2 "$@"
	for i in $(seq 48); do
		call $((i % 2)) "c$i" >"$TMP/out.$i" &
		calls+=($!)
	done
	wait "${calls[@]}"
	for i in $(seq 48); do
		[[ "$(cat "$TMP/out.$i")" == "hi c$i" ]] || fail "call $i: '$(cat "$TMP/out.$i")'"
	done
	(($(kids) <= 4)) || fail "$(kids) echo processes for 2 tenants of at most 2"
	stop_relay
	grep -q "^bench-bare-relay: 48 calls" "$TMP/err" || fail "calls not counted: $(cat "$TMP/err")"
	echo "ok: -e, 48 calls at once ($(grep -o '48 calls.*' "$TMP/err"))"
}

# A test echo that answers nothing until it holds $1 unanswered frames,
# then all of them, in order.
cat >"$TMP/batch_echo.py" <<'PY'
import os, socket, struct, sys
want = int(sys.argv[1])
s = socket.socket(fileno=3)
buf, frames = b"", []
while True:
    d = s.recv(65536)
    if not d:
        sys.exit(0)
    buf += d
    while len(buf) >= 12:
        n, call = struct.unpack("<IQ", buf[:12])
        if len(buf) < 12 + n:
            break
        frames.append((call, buf[12:12 + n]))
        buf = buf[12 + n:]
    if len(frames) >= want:
        out = b""
        for call, p in frames:
            out += struct.pack("<IQ", len(p) + 3, call) + b"hi " + p
        s.sendall(out)
        frames = []
PY

# check_queued: -w 1 -q 4 and the batch echo of 4: 4 calls at once are
# answered only if all 4 were in flight on the one echo process.
check_queued() {
	local i calls=()
	start -e 2 -w 1 -q 4 "$(command -v python3)" "$TMP/batch_echo.py" 4
	for i in 1 2 3 4; do
		call 0 "q$i" >"$TMP/out.$i" &
		calls+=($!)
	done
	wait "${calls[@]}"
	for i in 1 2 3 4; do
		[[ "$(cat "$TMP/out.$i")" == "hi q$i" ]] || fail "queued call $i: '$(cat "$TMP/out.$i")'"
	done
	# One call its echo never answers: the relay stops anyway, the call fails.
	curl -s -o /dev/null -H "Authorization: Bearer 0" --data-binary x "http://127.0.0.1:$PORT/" &
	local cpid=$!
	for _ in $(seq 100); do # until it is connected (it fails either way)
		[[ -n "$(ss -tnH state established "( dport = :$PORT )" 2>/dev/null)" ]] && break
		sleep 0.05
	done
	stop_relay
	wait "$cpid" && fail "a call its echo never answered succeeded"
	grep -q "^bench-bare-relay: [0-9]* calls, 3 queued behind another" "$TMP/err" ||
		fail "want 3 calls queued behind another: $(cat "$TMP/err")"
	echo "ok: -e -q 4, calls queued on one echo; a stuck call fails at the stop"
}

check "" "$BUILD/bin/bench-relay-echo"
check "-e 2" "$BUILD/bin/bench-relay-echo"
check_concurrent "$BUILD/bin/bench-relay-echo"
if command -v python3 >/dev/null; then
	check_queued
else
	echo "the queued calls not checked: python3 is not installed"
fi
if command -v go >/dev/null; then
	(cd "$BENCH/bare_relay_echo_go" && go build -ldflags=-checklinkname=0 -o "$TMP/relay-echo-go" .) ||
		fail "the Go echo does not build"
	check "" "$TMP/relay-echo-go"
	check "-e 2" "$TMP/relay-echo-go"
else
	echo "the Go echo not checked: go is not installed"
fi
