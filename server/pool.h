/* Per-tenant worker pools: at most `workers_per_tenant` processes per tenant
 * (warm ones are reused for the function they hold), at most
 * `queue_per_tenant` invocations waiting for one; beyond that the caller
 * answers 429. One worker runs one invocation at a time. At most
 * `max_workers` processes in all: beyond that the least-recently-used idle
 * worker of any tenant is stopped to make room (server/pool_budget.h).
 *
 * At most `max_starting` cold starts (a slot handed out, until its caller
 * says gofn_pool_started) at once: a storm of them (1,000 tenants called at
 * once) otherwise starts 1,000 Go runtimes on a few CPUs, none finishes in
 * time, and clients give up while gofnd goes on starting workers for them.
 * The calls beyond wait in the queue, in turn by tenant, until their
 * deadline; one whose client closed its connection meanwhile leaves the
 * queue within GOFN_GONE_AFTER_MS (50 ms, server/pool.c; watched by
 * server/pool_gone.h), so no worker is started for it. */
#ifndef GOFN_SERVER_POOL_H
#define GOFN_SERVER_POOL_H

#include <stdint.h>

#include "common/err.h"
#include "server/config.h"
#include "server/worker.h"

typedef struct gofn_pool gofn_pool;

enum gofn_acquire {
	GOFN_GOT_WORKER, /* *w holds the function, ready */
	GOFN_GOT_SLOT,	 /* spawn one yourself; release it (or the slot) after */
	GOFN_QUEUE_FULL, /* 429 */
	GOFN_QUEUE_TIMEOUT /* waited until the deadline */,
	GOFN_SHUTTING_DOWN,
	GOFN_CLIENT_GONE, /* the client closed its connection while the call waited */
};

gofn_pool *gofn_pool_new(const gofn_config *c);
/* Stops handing out workers, kills idle ones, waits (bounded) for busy ones. */
/* From now on acquire answers GOFN_SHUTTING_DOWN, also to those queued. */
void gofn_pool_close(gofn_pool *p);
void gofn_pool_free(gofn_pool *p, int64_t grace_ms);

enum gofn_acquire gofn_pool_acquire(gofn_pool *p, const char *tenant, const char *function,
				    int64_t deadline_ms, gofn_worker **w);
/* The same for a call whose client is on the connection client_fd (-1:
 * none): while the call waits (after its first GOFN_GONE_AFTER_MS), a
 * hangup there (the peer closed or shut down its sending side, as a
 * client that gave up does) ends the wait with
 * GOFN_CLIENT_GONE, counted in gofn_pool_stats.abandoned. */
enum gofn_acquire gofn_pool_acquire_for(gofn_pool *p, const char *tenant, const char *function,
					int64_t deadline_ms, int client_fd, gofn_worker **w);
/* The cold start of a GOFN_GOT_SLOT is over, whether it produced a worker
 * or not: the next waiting one may begin. Once per GOFN_GOT_SLOT, right
 * after the spawn and load (before the call runs: a long first call is no
 * start). */
void gofn_pool_started(gofn_pool *p);
/* The refusal an acquire that got neither worker nor slot means, as one
 * error class and one message wherever it happens: GOFN_EBUSY (429) for a
 * full queue, GOFN_EAGAIN (503) for a deadline, shutdown or a client gone
 * (whose answer nobody reads). Returns -1. */
int gofn_pool_refusal(enum gofn_acquire a, gofn_err *e);
/* Returns a worker: dead ones are destroyed, live ones kept warm. */
void gofn_pool_release(gofn_pool *p, const char *tenant, gofn_worker *w);
/* Gives back a slot from GOFN_GOT_SLOT that produced no worker. */
void gofn_pool_release_slot(gofn_pool *p, const char *tenant);
/* Kills idle workers holding function (or every function when NULL). */
void gofn_pool_forget(gofn_pool *p, const char *tenant, const char *function);

/* The tenant's workers in this gofnd now: idle, busy and being spawned
 * (server/tenant_uid.c frees a deleted tenant's uid only at 0). */
int gofn_pool_workers(gofn_pool *p, const char *tenant);

/* Callers of this tenant waiting for a worker now. */
int gofn_pool_waiting(gofn_pool *p, const char *tenant);

typedef struct gofn_pool_stats {
	int64_t workers, idle, queued, spawned;
	int64_t max_workers, evictions; /* the budget and the idle workers it stopped */
	int64_t reaping; /* evicted workers killed, not yet waited for (server/pool.c) */
	int64_t starting, max_starting; /* cold starts in progress, and their limit */
	int64_t abandoned;		/* calls that left the queue: their client had gone */
	int64_t spawn_wait_ms;		/* a call waits this long for its tenant's busy worker
					   before a cold start of another (server/pool.c) */
} gofn_pool_stats;
void gofn_pool_stats_get(gofn_pool *p, gofn_pool_stats *s);
void gofn_pool_note_spawn(gofn_pool *p);

#endif
