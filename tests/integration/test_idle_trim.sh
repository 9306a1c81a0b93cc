#!/usr/bin/env bash
# An idle pooled worker gives back what it does not need (issue 16 target 4,
# loader/host/cli/worker_trim.h): once it has waited GOFN_WORKER_TRIM_DELAY_MS
# for its next request, the Go heap the last call freed, malloc's free pages
# and the pages of its executable and libraries go back. What is asserted is
# what the trim controls: its file pages (RssFile) fall by at least a quarter
# from right after a call (8.4 -> 4.1 MiB here), and a freed 32 MiB heap goes
# back. Not a bound on the whole RSS: a freshly linked executable sits in the
# page cache as large folios, and the runtime threads' next touch of its text
# maps a whole folio back (idle RSS 7.5 MiB against 3.9 for a copy of the same
# binary, 2026-12-06), which says how the kernel cached the file, not whether
# the worker trimmed. The issue's 6 MiB target is measured by make bench
# (row 6). A worker whose calls once held a large heap keeps more: the
# runtime's metadata for it. The trim must do no harm: the same worker
# answers the next calls correctly. And it runs only when the worker grew
# since the last one: a worker whose calls allocate little passes its trim
# point without a forced GC.
source "$(dirname "$0")/lib.sh"

# rss_kb PID [FIELD]: VmRSS (or FIELD, e.g. RssFile) in KiB, empty once the
# process is gone.
rss_kb() { awk -v f="${2:-VmRSS}:" '$1 == f {print $2}' "/proc/$1/status" 2>/dev/null; }

# the_worker: the pid of gofnd's one worker.
the_worker() { worker_pids | head -1; }

# wait_rss_at_most PID KIB [FIELD]: waits (up to 60 s) until the worker's RSS
# (or FIELD) is at most KIB; LAST_RSS holds the last reading, printed when it
# never is.
wait_rss_at_most() {
	for _ in $(seq 600); do
		LAST_RSS=$(rss_kb "$1" "${3:-VmRSS}")
		[[ -n "$LAST_RSS" ]] || return 1
		((LAST_RSS <= $2)) && return 0
		sleep 0.1
	done
	echo "worker $1: ${3:-VmRSS} ${LAST_RSS} KiB, over ${2} KiB"
	return 1
}

# past_trim_point PID: the worker waits for its next request in C with no
# timeout, which it does only once idle past its trim delay, trimmed or
# not (worker_wait.h): a thread blocked in poll(2) (x86_64; ppoll on
# arm64), whose timeout is -1 (ppoll: no timespec). Root reads another
# process's /proc/PID/task/*/syscall.
past_trim_point() {
	local f nr a0 a1 a2
	for f in /proc/"$1"/task/*/syscall; do
		read -r nr a0 a1 a2 _ <"$f" 2>/dev/null || continue
		case "$(uname -m) $nr" in
		"x86_64 7") [[ $a1 == 0x1 && $a2 == 0xffffffff* ]] && return 0 ;;
		"aarch64 73") [[ $a1 == 0x1 && $a2 == 0x0 ]] && return 0 ;;
		esac
	done
	return 1
}

invoke() {
	req POST "/invoke/main.$1" "$T" --data-binary "$2"
	[[ "$CODE" == 200 && "$(jqv .result)" == "$3" ]]
}

start_gofnd "$TMP/data" --workers 1 --prepared 0 # the_worker: the pooled one
req GET /healthz ""
echo "sandbox: confined=$(jqv .sandbox.confined)"
T=$(new_tenant trim) || exit 1
OBJ=$(compile memtrim) || exit 1
upload "$T" "$OBJ" >/dev/null || {
	echo "upload failed: $CODE $BODY"
	exit 1
}

check "a first call" invoke Echo a "echo a"
W=$(the_worker)
check "one warm worker" test -n "$W"
FILE_KB=$(rss_kb "$W" RssFile)
echo "worker file pages right after the call: ${FILE_KB} KiB"
check "idle, its file pages fall by a quarter" wait_rss_at_most "$W" $((FILE_KB * 3 / 4)) RssFile
echo "idle worker file pages: ${LAST_RSS} KiB, RSS $(rss_kb "$W") KiB"

check "a call that keeps 32 MiB of Go heap" invoke Grow x grown
HI=$(rss_kb "$W")
echo "worker RSS holding it: ${HI} KiB"
check "its RSS holds the 32 MiB" test "${HI:-0}" -ge $((32 * 1024))
# Without the trim no GC would run for two minutes (nothing allocates), and
# the runtime's scavenger returns only what a GC freed.
check "a call that frees it" invoke Release x released
check "idle again, the freed heap goes back (at least 24 of the 32 MiB)" \
	wait_rss_at_most "$W" $((HI - 24 * 1024))
echo "idle worker RSS after the freed heap: ${LAST_RSS} KiB"

check "the trimmed worker answers the next call" invoke Echo b "echo b"
check "it is the same worker" test "$(the_worker)" = "$W"
check "and grows again" invoke Grow y grown
HI=$(rss_kb "$W")
check "and frees again" invoke Release y released
check "still the same worker" test "$(the_worker)" = "$W"
check "trimmed once more" wait_rss_at_most "$W" $((HI - 24 * 1024))
echo "idle worker RSS after the second: ${LAST_RSS} KiB"

# forced COUNT_VAR: the worker's forced GCs so far (memtrim's Forced).
forced() {
	req POST /invoke/main.Forced "$T" --data-binary x
	[[ "$CODE" == 200 ]] && printf -v "$1" %s "$(jqv .result)"
}
# idle_past PID: waits until the worker passed its trim point.
idle_past() { wait_until 30 past_trim_point "$1"; }
if [[ $EUID -ne 0 ]]; then
	echo "skipped: the trim-point checks read /proc/PID/task/*/syscall (needs root)"
else
	check "an Echo (the working set after the last trim)" invoke Echo c "echo c"
	check "idle past its trim point" idle_past "$W"
	check "the forced GCs so far" forced G1
	check "idle past the next trim point" idle_past "$W"
	check "an Echo" invoke Echo d "echo d"
	check "idle past the next trim point" idle_past "$W"
	check "the forced GCs again" forced G2
	echo "forced GCs: ${G1:-?} then ${G2:-?}, two trim points apart"
	check "no trim forced a GC: the worker did not grow" test "${G1:-x}" = "${G2:-y}"
	check "still the same worker" test "$(the_worker)" = "$W"
fi
check "SIGTERM exits 0" stop_gofnd
finish
