/* Per-tenant worker pools: at most `workers_per_tenant` processes per tenant
 * (warm ones are reused for the function they hold), at most
 * `queue_per_tenant` invocations waiting for one; beyond that the caller
 * answers 429. One worker runs one invocation at a time. At most
 * `max_workers` processes in all: beyond that the least-recently-used idle
 * worker of any tenant is stopped to make room (server/pool_budget.h). */
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
};

gofn_pool *gofn_pool_new(const gofn_config *c);
/* Stops handing out workers, kills idle ones, waits (bounded) for busy ones. */
/* From now on acquire answers GOFN_SHUTTING_DOWN, also to those queued. */
void gofn_pool_close(gofn_pool *p);
void gofn_pool_free(gofn_pool *p, int64_t grace_ms);

enum gofn_acquire gofn_pool_acquire(gofn_pool *p, const char *tenant, const char *function,
				    int64_t deadline_ms, gofn_worker **w);
/* The refusal an acquire that got neither worker nor slot means, as one
 * error class and one message wherever it happens: GOFN_EBUSY (429) for a
 * full queue, GOFN_EAGAIN (503) for a deadline or shutdown. Returns -1. */
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
} gofn_pool_stats;
void gofn_pool_stats_get(gofn_pool *p, gofn_pool_stats *s);
void gofn_pool_note_spawn(gofn_pool *p);

#endif
