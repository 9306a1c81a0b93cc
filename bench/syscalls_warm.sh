#!/usr/bin/env bash
# System calls per warm invoke (issue 16 target 2), of gofnd and of the
# worker that serves the calls: a gofnd started as bench_invoke.sh starts
# it (--workers 4, --queue 1024, one tenant, hello.go), wrk posting to
# main.Handle at concurrency C, and `perf stat -e syscalls:sys_enter_NAME`
# (the ~45 calls a warm path can make) on gofnd's threads and, separately,
# on its workers for the middle SECS - 2 seconds of the run. Counts are divided by the RESULTs gofnd read in that
# window (gofnd's recvmsg count: one per call, a protocol fact) and printed
# one system call a line, most frequent first, those under 0.05 per call
# left out; then the context switches and CPU time (task-clock) per call. Not part of make test or make bench: a tool for comparing changes.
# Usage: bench/syscalls_warm.sh BUILD [C] [SECONDS]   (GOFND_BIN=path overrides gofnd)
export GOFN_TEST_PLAIN=1
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
source "$BENCH_DIR/../tests/integration/lib.sh"
source "$BENCH_DIR/lib.sh"
C=${2:-64}
SECS=${3:-6}
GOFND=${GOFND_BIN:-$GOFND}
command -v perf >/dev/null || { echo "syscalls_warm: perf not installed (linux-perf)"; exit 1; }
command -v wrk >/dev/null || { echo "syscalls_warm: wrk not installed"; exit 1; }

start_gofnd "$TMP/data" --workers 4 --queue 1024
T=$(new_tenant bench) || exit 1
HELLO=$(compile hello) || exit 1
upload "$T" "$HELLO" >/dev/null || { echo "syscalls_warm: upload failed: $BODY"; exit 1; }
for _ in 1 2 3 4; do req POST /invoke/main.Handle "$T" --data-binary warm; done
cat >"$TMP/post.lua" <<LUA
wrk.method = "POST"
wrk.body = "bench"
wrk.headers["Authorization"] = "Bearer $T"
LUA
run_wrk "$C" "$SECS" "$URL/invoke/main.Handle" "$TMP/post.lua" "$TMP/wrk.txt" &
pw=$!
sleep 1
# MHD starts a thread per connection: perf follows the process from here,
# once wrk's connections are open (-p takes every thread at start).
all=$(workers_of "$PID" | paste -sd,)
# One descriptor per event per thread (~70 threads): the system calls a
# warm path can make, not all ~350 (syscalls:sys_enter_* runs out of them).
EV=""
for s in poll ppoll epoll_wait epoll_pwait select read write readv writev pread64 pwrite64 \
	sendmsg recvmsg sendto recvfrom futex clock_gettime clock_nanosleep nanosleep getsockopt \
	setsockopt lseek mmap munmap madvise mprotect brk sched_yield getpid gettid tgkill \
	rt_sigreturn rt_sigprocmask sigaltstack fcntl close accept4 openat fdatasync fsync ioctl \
	getrusage fallocate; do
	EV+="${EV:+,}syscalls:sys_enter_$s"
done
EV+=",context-switches,task-clock"
perf stat -x, -e "$EV" -p "$PID" -o "$TMP/gofnd.stat" -- sleep "$((SECS - 2))" &
p1=$!
perf stat -x, -e "$EV" -p "$all" -o "$TMP/worker.stat" -- sleep "$((SECS - 2))" &
p2=$!
wait $p1 $p2 $pw
stop_gofnd
calls=$(awk -F, '$3 == "syscalls:sys_enter_recvmsg" {print $1}' "$TMP/gofnd.stat")
read -r p50 p99 rps bad < <(wrk_stats "$TMP/wrk.txt")
echo "c=$C: $rps req/s (p50 $p50 us, non-2xx $bad); RESULTs read in the window: $calls; load $(cut -d' ' -f1-3 /proc/loadavg)"
for who in gofnd worker; do
	echo "$who, per call:"
	awk -F, -v n="$calls" '$3 ~ /^syscalls:sys_enter_/ && $1 + 0 > 0 {
		v = $1 / n; if (v >= 0.05) printf "  %-22s %6.2f\n", substr($3, 20), v }' \
		"$TMP/$who.stat" | sort -k2 -g -r
	awk -F, -v n="$calls" '$3 == "context-switches" {printf "  (context switches %.2f,", $1 / n}
		$3 == "task-clock" {printf " CPU %.1f us)\n", $1 * 1000 / n}' "$TMP/$who.stat"
done
