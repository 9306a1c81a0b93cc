/* Go's sysmon in a worker sleeps with coarse timer slack (issue 16 target 3:
 * many tenants; docs/benchmarks.md, "Many tenants (sixth session)").
 *
 * A rarely called worker waits parked in Go's netpoller (loader/host/cli/
 * worker_wait.h): every P idle, sysmon (runtime/proc.go sysmon) asleep.
 * The call's first cgo call (entersyscall) wakes sysmon, which then polls
 * every 20 us (usleep: nanosleep, woken 20 us + the thread's timer slack,
 * 50 us by default, later) until every P is idle again: about five extra
 * wake-ups per call on a loaded machine. With 1 ms of slack on sysmon's
 * thread alone it wakes about once per call; the threads that run tenant
 * code keep the default, so their timers are not late.
 *
 * Only the thread itself can set its slack with prctl, which the worker's
 * seccomp filter refuses (sandbox/seccomp.c allows PR_SET_VMA alone), or a
 * process with CAP_SYS_NICE over it through /proc/TID/timerslack_ns: gofnd,
 * which created the worker's user namespace (or is root). sysmon is the
 * first thread a Go program creates (runtime/proc.go main: newm(sysmon)
 * before any other M, in Go 1.26 and 1.27), so in the worker's own PID
 * namespace, where the worker is 1 and nothing else allocates ids, it is
 * the thread with the smallest id after the main thread's. */
#ifndef GOFN_SERVER_WORKER_SYSMON_H
#define GOFN_SERVER_WORKER_SYSMON_H

#include <sys/types.h>

#define GOFN_SYSMON_SLACK_NS 1000000

/* Once the worker pid has said HELLO (its runtime has started): sets the
 * timer slack of its sysmon thread to GOFN_SYSMON_SLACK_NS. layers: the
 * worker's GOFN_LAYER_* (sandbox/sandbox.h); without its own PID namespace
 * thread ids say nothing of the creation order and nothing is done. 1 when
 * set, 0 when not (no PID namespace, no second thread, or the kernel
 * refused: the worker works as before, only less cheaply). */
int gofn_worker_coarse_sysmon(pid_t pid, unsigned layers);

/* The id of pid's thread that was created first after its main thread, by
 * the innermost ids of /proc/PID/task/TID/status (NSpid); 0 if none. */
pid_t gofn_worker_first_thread(pid_t pid);

#endif
