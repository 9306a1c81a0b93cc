/* What the supervisor measures while a worker serves one call: the CPU
 * time the call uses (from the worker's /proc/PID/stat at the start and
 * while it runs, so a warm worker's earlier calls never count against this
 * one) and, where no cgroup limits memory, its resident set. worker.c polls
 * with gofn_callwatch_wait_ms and asks gofn_callwatch_over after each
 * wake-up; the decision and its message live here. */
#ifndef GOFN_SERVER_CALLWATCH_H
#define GOFN_SERVER_CALLWATCH_H

#include <stdint.h>
#include <sys/types.h>

#include "api/proto.h"
#include "sandbox/sandbox.h"
#include "server/config.h"

enum { GOFN_WATCH_OK = 0, GOFN_WATCH_CPU, GOFN_WATCH_MEMORY };

typedef struct gofn_callwatch {
	pid_t pid;
	int stat_fd; /* the worker's /proc/PID/stat, or -1 */
	uint64_t cpu0_ms, cpu_limit_ms, used_ms;
	uint64_t mem_limit, rss;
	int64_t next_ms; /* no /proc reads before this (gofn_now_ms) */
	int over;	 /* GOFN_WATCH_* */
} gofn_callwatch;

/* layers: the worker's GOFN_LAYER_* (no GOFN_LAYER_CGROUP: watch RSS).
 * stat_fd: from gofn_callwatch_open, or -1 to open /proc each time. */
void gofn_callwatch_start(gofn_callwatch *cw, const gofn_config *c, pid_t pid, int stat_fd,
			  unsigned layers);
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

/* The worker's /proc/PID/stat opened for gofn_proc_cpu_ms (-1 if it cannot
 * be): a warm call reads it twice (here at the start, and pool.c when the
 * worker goes idle), and pread() on an open file costs less than half of
 * open + read + close (docs/benchmarks.md). The caller closes it. */
int gofn_callwatch_open(pid_t pid);
/* CPU time (user + system, ms) of all the process's threads, from the fd
 * of gofn_callwatch_open, or from /proc/PID/stat when fd < 0. 0 if it
 * cannot be read (the process is gone). */
uint64_t gofn_proc_cpu_ms(int fd, pid_t pid);

/* Memory limit of a worker (bytes); the sandbox's default unless configured. */
uint64_t gofn_worker_mem_limit(const gofn_config *c);

#endif
