/* What the supervisor measures while a worker serves one call: the CPU
 * time the call uses (the worker's CPU clock since its previous request
 * ended and while it runs, so a warm worker's earlier calls never count
 * against this one)
 * and, where no cgroup limits memory, its resident set. worker.c polls
 * with gofn_callwatch_wait_ms and asks gofn_callwatch_over after each
 * wake-up; the decision and its message live here. */
#ifndef GOFN_SERVER_CALLWATCH_H
#define GOFN_SERVER_CALLWATCH_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "api/proto.h"
#include "sandbox/sandbox.h"
#include "server/config.h"

enum { GOFN_WATCH_OK = 0, GOFN_WATCH_CPU, GOFN_WATCH_MEMORY };

/* /proc is read at most this often during a call: the CPU limit overshoots
 * by at most this much CPU per running thread, the RSS limit by what a
 * thread can allocate in it (RLIMIT_DATA is the backstop). It is also
 * the control socket's SO_RCVTIMEO (server/worker.c). */
#define GOFN_CALLWATCH_CHECK_MS 50

/* A process's CPU clock (clock_getcpuclockid(3)): the CPU time of all its
 * threads, the ones that ended included, read with one clock_gettime
 * instead of formatting and parsing /proc/PID/stat (docs/benchmarks.md).
 * Linux lets any process read any process's clock: no ptrace right
 * needed, and the pid is the one in our namespace, which is how gofnd
 * sees a confined worker in its own pid namespace. */
typedef struct gofn_cpuclock {
	pid_t pid;
	clockid_t id;
	int ok; /* 0: the clock could not be had; /proc/PID/stat is read instead */
} gofn_cpuclock;

gofn_cpuclock gofn_cpuclock_of(pid_t pid);
/* CPU time (user + system, ms) of all the process's threads; 0 if it cannot
 * be read (the process is gone). */
uint64_t gofn_cpuclock_ms(const gofn_cpuclock *c);

typedef struct gofn_callwatch {
	pid_t pid;
	const gofn_cpuclock *clock; /* the worker's, or NULL: /proc by pid */
	uint64_t cpu0_ms, cpu_limit_ms, used_ms;
	uint64_t mem_limit, rss;
	int64_t next_ms; /* no /proc reads before this (gofn_now_ms) */
	int over;	 /* GOFN_WATCH_* */
} gofn_callwatch;

/* layers: the worker's GOFN_LAYER_* (no GOFN_LAYER_CGROUP: watch RSS).
 * clock: the worker's CPU clock (kept for the call), or NULL to read /proc.
 * cpu0: the worker's CPU time when the call began, or NULL to read it now.
 * gofnd passes the reading it took when the worker's last request ended
 * (server/worker.c): one read per call instead of two, and CPU the worker
 * used while idle (at most --idle-cpu-ms before the idle watch kills it)
 * counts against its next call, never for it. */
void gofn_callwatch_start(gofn_callwatch *cw, const gofn_config *c, pid_t pid,
			  const gofn_cpuclock *clock, unsigned layers, const uint64_t *cpu0);
/* How long to poll before the next check, at most `left` ms. */
int gofn_callwatch_wait_ms(const gofn_callwatch *cw, int64_t left);
/* Measures now; non-zero (GOFN_WATCH_*) once a limit is passed. */
int gofn_callwatch_over(gofn_callwatch *cw);
/* The call's status and message for a worker the watch stopped. */
void gofn_callwatch_outcome(const gofn_callwatch *cw, gofn_status *status, char *msg, size_t len);

/* A worker killed by a SIGKILL gofnd did not send: if its cgroup's OOM
 * killer did it, msg says memory instead of "from outside". */
void gofn_callwatch_after_death(const gofn_sandbox_proc *p, gofn_status status, char *msg,
				size_t len);

/* Memory limit of a worker (bytes); the sandbox's default unless configured. */
uint64_t gofn_worker_mem_limit(const gofn_config *c);

#endif
