/* Prepared workers: confined workers started before any tenant needs one,
 * so that a tenant's first call with no warm worker does not wait for the
 * sandbox, the exec and the worker's Go runtime start (docs/benchmarks.md,
 * row 4, has what each costs).
 *
 * A prepared worker has gone through everything a tenant's worker goes
 * through up to HELLO: every namespace, the empty read-only root, its
 * rlimits and memory/pids cgroup, seccomp (installed by the worker itself),
 * and it has read no tenant byte. It runs as a one-time host uid
 * (server/prepared_uid.h) and in no tenant's CPU group (cgroup v1: in one
 * of its own). Binding it to a tenant (gofn_prepared_take) puts it into the
 * tenant's CPU group, on v1 by renaming its own group when none of the
 * tenant's workers runs (a move waits for an RCU grace period, the largest
 * part of a bind: docs/benchmarks.md, "Cold start"); from then on
 * it is that tenant's worker like any other (its pool, its limits) and
 * is never given to anyone else: a bound worker is never returned here.
 *
 * `--prepared N` ready workers are kept per Go release that has been asked
 * for (the first release from the start), refilled by one background
 * thread, one worker at a time, after the call a taken worker serves has
 * its first result (gofn_prepared_settled). 0 turns them off. */
#ifndef GOFN_SERVER_PREPARED_H
#define GOFN_SERVER_PREPARED_H

#include "common/buf.h"
#include "common/err.h"
#include "server/worker.h"

struct gofn_server;
typedef struct gofn_prepared gofn_prepared;

/* Prepared workers count against --max-workers: they take their share of
 * it up front (--prepared per Go release served), the pool gets the rest,
 * so gofnd's worker processes stay within the budget. When the budget is
 * not larger than that share, --prepared becomes 0. Before the pool is made. */
void gofn_prepared_share(gofn_config *c);

/* Starts the refill thread; *out NULL when --prepared is 0. */
int gofn_prepared_start(struct gofn_server *s, gofn_prepared **out, gofn_err *e);

/* Kills the ready workers and stops refilling. NULL is fine. */
void gofn_prepared_stop(gofn_prepared *p);

/* A ready worker of executable exe, bound to tenant (its box: uid and CPU
 * group, server/tenant_uid.h): 1 with *w (its spawn
 * clock restarted now, so gofn_worker_first_result_seconds measures the
 * call's own wait), 0 when none is ready (the caller spawns one). */
int gofn_prepared_take(gofn_prepared *p, const char *exe, const char *tenant,
		       const gofn_tenant_box *box, gofn_worker **w);

/* The call a worker taken from here served has its first result, or its
 * load failed: refilling may start (it would compete with that call for
 * the CPU and stall it in the kernel). Any other worker: nothing; a taken
 * worker that never reports (an upload's) holds refilling for at most 1 s.
 * NULL is fine. */
void gofn_prepared_settled(gofn_prepared *p, const gofn_worker *w);

/* Ready workers now, and counters, in the Prometheus text format. */
void gofn_prepared_metrics(gofn_prepared *p, gofn_buf *b);

#endif
