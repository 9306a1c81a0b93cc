/* Starting one gofn-loader -worker process with its control socket on fd 3.
 * The one place that decides how a worker is confined: through
 * sandbox/sandbox.h when `confined`, else as a plain child (--sandbox 0, or
 * when the sandbox is unavailable in auto mode; /healthz says so). */
#ifndef GOFN_SERVER_SPAWN_H
#define GOFN_SERVER_SPAWN_H

#include <sys/types.h>

#include "common/err.h"
#include "sandbox/sandbox.h"
#include "server/config.h"

typedef struct gofn_spawned {
	gofn_sandbox_proc proc; /* pid and pidfd (-1 if unavailable) in both modes */
	int confined;
} gofn_spawned;

/* Closes the pidfd and, when confined, removes the worker's cgroup. Only
 * after the process has been reaped. */
void gofn_spawned_release(gofn_spawned *sp);

/* Runs exe -worker (a per-release worker, server/runtimes.h); child_end
 * becomes its fd 3; stdin/stdout/stderr are /dev/null. tenant (NULL: none,
 * e.g. the start-up probe) picks the host uid; c the limits. */
int gofn_spawn_worker(const gofn_config *c, const char *exe, int confined, const char *tenant,
		      int child_end, gofn_spawned *out, gofn_err *e);

#endif
