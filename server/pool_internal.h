/* The pool's bookkeeping, shared by server/pool.c (per-tenant pools, the
 * idle reaper) and server/pool_budget.c (the global worker budget). Every
 * field is guarded by gofn_pool.mu. */
#ifndef GOFN_SERVER_POOL_INTERNAL_H
#define GOFN_SERVER_POOL_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include "server/config.h"
#include "server/worker.h"

#define GOFN_POOL_BUCKETS 1024 /* tenant lookup: a hash, not a list walk per call */

/* The pool's two idle lists (server/pool_lru.h). */
enum { GOFN_LRU_LAST, GOFN_LRU_SPARE, GOFN_LRU_N };

typedef struct tenant_pool {
	char name[64];
	gofn_worker *idle; /* most recently released first (server/pool_lru.h) */
	int total;	   /* idle + busy + slots being spawned */
	int waiting;	   /* callers blocked in acquire */
	int bwait;	   /* of those, callers that have waited for the budget */
	int in_bq;	   /* on the budget queue (bwait > 0) */
	pthread_cond_t cv;
	struct tenant_pool *next;	       /* every tenant */
	struct tenant_pool *hnext;	       /* the same hash bucket */
	struct tenant_pool *bq_prev, *bq_next; /* the budget queue */
} tenant_pool;

struct gofn_pool {
	const gofn_config *c;
	pthread_mutex_t mu;
	pthread_cond_t drained;
	pthread_cond_t wake_reaper;
	pthread_t reaper;
	int have_reaper;
	tenant_pool *tenants;
	tenant_pool *buckets[GOFN_POOL_BUCKETS];
	int closing;
	int64_t spawned;
	int64_t cold_ms; /* recent spawn -> first result, averaged (pool.c) */
	/* The global budget (server/pool_budget.h). */
	int workers;			/* sum of every tenant's total */
	int64_t evictions;		/* idle workers stopped to make room */
	gofn_worker *doomed;		/* evicted, killed, for the reaper to wait for (pool.c) */
	int reaping;			/* those, and the ones the reaper is destroying */
	tenant_pool *bq_head, *bq_tail; /* tenants waiting for room, in turn */
	int starting;			/* slots handed out, cold start not over */
	/* Callers waiting for a client that may go (server/pool_gone.h). */
	struct gofn_waiter *waiters;
	uint64_t waiter_seq;
	int gone_ep, gone_stop; /* epoll of their connections; eventfd ending its thread */
	pthread_t gone_thread;
	int have_gone_thread;
	int64_t abandoned; /* calls whose client went while they waited */
	/* Every tenant's idle workers, oldest first (server/pool_lru.h). */
	gofn_worker *lru_head[GOFN_LRU_N], *lru_tail[GOFN_LRU_N];
	int idle;	   /* on those lists */
	uint64_t idle_seq; /* times a worker went idle */
};

/* Adds delta to t's worker count and to the pool's. */
void gofn_pool_count(struct gofn_pool *p, tenant_pool *t, int delta);

#endif
