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

/* What a tenant's worker is spawned with (server/tenant_uid.h). */
typedef struct gofn_tenant_box {
	unsigned uid;		 /* host uid; 0: the shared nobody (--uid-range off) */
	unsigned cpu_weight;	 /* its CPU group's weight, 1..10000 */
	unsigned cpu_quota_mcpu; /* its CPU group's cap in millicores; 0: none */
} gofn_tenant_box;

/* Closes the pidfd and, when confined, removes the worker's cgroup. Only
 * after the process has been reaped. */
void gofn_spawned_release(gofn_spawned *sp);

/* Warns once when --max-workers workers at their least signal queue (64)
 * would overcommit gofnd's RLIMIT_SIGPENDING, which they all draw on
 * (gofn_sandbox_sigpending_share): a host with little RAM has a small one. */
void gofn_spawn_check_sigpending(const gofn_config *c);

/* Runs exe -worker (a per-release worker, server/runtimes.h); child_end
 * becomes its fd 3; stdin/stdout/stderr are /dev/null. box: the tenant's
 * host uid and CPU group (NULL: none, e.g. the start-up probe: nobody and
 * the flags' CPU settings); c the other limits. */
int gofn_spawn_worker(const gofn_config *c, const char *exe, int confined,
		      const gofn_tenant_box *box, int prepared, int child_end, gofn_spawned *out,
		      gofn_err *e);

/* prepared: a worker started before its tenant is known (server/prepared.h),
 * with a box holding its one-time uid, in no tenant's CPU group (cgroup v1:
 * in one of its own); it builds its host tables before HELLO.
 * gofn_spawned_bind then puts it into the CPU group of the tenant's box, the
 * last part of its confinement that names the tenant (its uid is already
 * the tenant's alone: server/prepared_uid.h): 1 when its own group became
 * the tenant's (no process moved, gofn_sandbox_join_cpu), 0 when it moved. */
int gofn_spawned_bind(const gofn_config *c, gofn_spawned *sp, const gofn_tenant_box *box,
		      gofn_err *e);

#endif
