#!/usr/bin/env bash
# A worker's calls get a P back while goroutines of its tenant hold every P
# and never block (progs/spinners.go), as natively: Go's sysmon preempts
# such a goroutine after 10 ms (runtime/proc.go retake), but only while it
# is awake. An idle worker's sysmon sleeps deeply (every P idle) until a
# timer, a GC or a system call through entersyscall wakes it, and the
# worker's request path makes none (drive.go: raw steps, the netpoller's
# wake-up); past the trim point no Go timer is pending, so it slept up to
# forcegcperiod/2 (60 s) and the call starved until its CPU limit
# (vm/cgroup2's cpu suite, 4c3a931 and 3284f45). Checked on one worker:
#  - past its trim point, a call leaves spinners and the next call answers;
#  - past its trim point, a call that starts spinners and then sleeps 1 ms
#    answers;
#  - before its trim point (the read deadline's timer pending), the same
#    as the first.
# The spinners' CPU counts toward the call that waits for them
# (--call-cpu-ms): a starved call ends `timeout`. gofnd's idle CPU watch
# is set out of the way, or it would kill the spinning worker between two
# calls and the next call would get a fresh one.
source "$(dirname "$0")/lib.sh"

# past_trim_point PID: the worker waits for its next request with no
# deadline, which it does only once idle past its trim delay
# (worker_wait.h): a thread in the Go netpoller's epoll_pwait (x86_64 281,
# arm64 22) with a timeout of -1, or, as before 4c3a931, in C's poll()
# (x86_64 7; ppoll, arm64 73, with no timespec) with a timeout of -1. Root
# reads /proc/PID/task/*/syscall.
past_trim_point() {
	local f nr a1 a2 a3
	for f in /proc/"$1"/task/*/syscall; do
		[[ -r "$f" ]] && read -r nr _ a1 a2 a3 _ <"$f" 2>/dev/null || continue
		case "$(uname -m) $nr" in
		"x86_64 281" | "aarch64 22") [[ $a3 == 0xffffffff* ]] && return 0 ;;
		"x86_64 7") [[ $a1 == 0x1 && $a2 == 0xffffffff* ]] && return 0 ;;
		"aarch64 73") [[ $a1 == 0x1 && $a2 == 0x0 ]] && return 0 ;;
		esac
	done
	return 1
}

# cpu_ticks PID: the process's user and system time, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null; }

# spun_since PID TICKS: the worker used 5 ticks (50 ms at 100 Hz) more
# than TICKS: its spinners run, and its call loop long since parked
# (a hot worker's wait holds its P at most GOFN_WORKER_HOT_MS).
spun_since() {
	local now
	now=$(cpu_ticks "$1")
	[[ -n "$now" ]] && ((now >= $2 + 5))
}

# invoke NAME INPUT RESULT: the call answers 200 with a result matching
# the pattern RESULT (printed when not).
invoke() {
	req POST "/invoke/main.$1" "$T" --data-binary "$2"
	[[ "$CODE" == 200 && "$(jqv .result)" == $3 ]] && return 0
	echo "main.$1: $CODE $BODY"
	return 1
}

the_worker() { worker_pids | head -1; }

if [[ $EUID -ne 0 ]]; then
	echo "skipped: the trim-point checks read /proc/PID/task/*/syscall (needs root)"
	exit 0
fi
start_gofnd "$TMP/data" --workers 1 --prepared 0 --call-cpu-ms 5000 --timeout-ms 60000 \
	--idle-cpu-ms 3600000
T=$(new_tenant spin) || exit 1
OBJ=$(compile spinners) || exit 1
upload "$T" "$OBJ" >/dev/null || {
	echo "upload failed: $CODE $BODY"
	exit 1
}

# warm NAME: an Echo, and W its worker (a starved call's worker is
# replaced: each case starts from the worker there is).
warm() {
	invoke Echo "$1" "echo $1" || return 1
	W=$(the_worker)
	[[ -n "$W" ]]
}

# spin_then_echo INPUT: Spin, wait until the spinners ran, then an Echo.
spin_then_echo() {
	local t0
	invoke Spin x "spinning *" || return 1
	t0=$(cpu_ticks "$W")
	wait_until 60 spun_since "$W" "$t0" || return 1
	t0=$(date +%s%N)
	invoke Echo "$1" "echo $1" || return 1
	echo "the Echo beside the spinners: $((($(date +%s%N) - t0) / 1000000)) ms"
}

check "a first call" warm a
echo "worker $W: $(grep -E '^(Cpus_allowed_list|Threads)' "/proc/$W/status" | tr '\n\t' '  ')"
check "idle past its trim point" wait_until 30 past_trim_point "$W"
check "past the trim point: a call leaves spinners, the next call answers" spin_then_echo b
check "the spinners stop" invoke Stop x stopped
check "the same worker" test "$(the_worker)" = "$W"

check "an Echo" warm b
check "idle past its trim point" wait_until 30 past_trim_point "$W"
check "past the trim point: a call that starts spinners and sleeps answers" \
	invoke SpinSleep x "slept *"
check "the spinners stop" invoke Stop x stopped
check "the same worker" test "$(the_worker)" = "$W"

check "an Echo" warm c
check "before the trim point: a call leaves spinners, the next call answers" spin_then_echo d
check "the spinners stop" invoke Stop x stopped
check "the same worker" test "$(the_worker)" = "$W"
check "SIGTERM exits 0" stop_gofnd
finish
