#!/usr/bin/env bash
# perf profile of the event-driven relay (bench-bare-relay -e nproc, C echo,
# one tenant) under wrk -c64: perf record on the CPU clock with call chains
# on the relay and its echoes for SECONDS in the middle of the load, then the
# top frames per thread (MHD threads, the reactor, the echoes: thread_top.py)
# and the relay's own counts (calls queued on a busy echo, waited for room).
# docs/benchmarks.md, "The relay floor, event-driven (eighth session)".
# Not part of make test or make bench: a tool for looking.
# Usage: bench/floor_profile.sh BUILD [SECONDS] [RELAY_ARG...] (default -q 64)
set -uo pipefail
BUILD=$(cd "${1:?usage: floor_profile.sh BUILD [SECONDS] [RELAY_ARG...]}" && pwd)
SECS=${2:-6}
shift $(($# < 2 ? $# : 2))
(($#)) || set -- -q 64
BENCH=$(cd "$(dirname "$0")" && pwd)
command -v perf >/dev/null || { echo "floor_profile: perf not installed (linux-perf)"; exit 1; }
OUT=$(mktemp -d)
RELAY=""
trap '[[ -n "$RELAY" ]] && kill -TERM "$RELAY" 2>/dev/null; rm -rf "$OUT"' EXIT
"$BUILD/bin/bench-bare-relay" -e "$(nproc)" "$@" "$BUILD/bin/bench-relay-echo" >"$OUT/port" \
	2>"$OUT/err" &
RELAY=$!
for _ in $(seq 100); do
	port=$(awk '/^port/ {print $2}' "$OUT/port")
	[[ -n "$port" ]] && break
	sleep 0.1
done
[[ -n "${port:-}" ]] || { echo "floor_profile: the relay did not listen"; exit 1; }
printf 'wrk.method = "POST"\nwrk.body = "bench"\n' >"$OUT/post.lua"
url=http://127.0.0.1:$port/
wrk -t2 -c64 -d3s -s "$OUT/post.lua" "$url" >/dev/null # starts the 4 echoes
pids=$(echo "$RELAY" $(cat /proc/"$RELAY"/task/*/children) | tr ' ' ,)
wrk -t2 -c64 -d$((SECS + 8))s -s "$OUT/post.lua" "$url" >"$OUT/wrk" &
w=$!
sleep 4
perf record -e cpu-clock -F 999 -g -p "$pids" -o "$OUT/perf.data" -- sleep "$SECS" 2>/dev/null
wait "$w"
kill -TERM "$RELAY"
wait "$RELAY"
RELAY=""
grep Requests/sec "$OUT/wrk"
cat "$OUT/err"
uptime
perf script -i "$OUT/perf.data" -F comm,ip,sym 2>/dev/null |
	python3 "$BENCH/thread_top.py" epoll_ctl epoll_wait __GI___lll_lock_wait __GI___lll_lock_wake \
		__libc_recv __send __libc_sendmsg __GI___libc_write
