/* The global worker budget (--max-workers): at most that many worker
 * processes across all tenants, busy, idle or being spawned. A tenant that
 * needs a new worker when the budget is full takes the place of the
 * least-recently-used idle worker of any tenant (an eviction); when every
 * worker is busy it waits, in turn with the other tenants waiting: the
 * tenants form one queue, the first that can use the room gets it and goes
 * to the back, so one busy tenant cannot starve the others. While a tenant
 * waits, the others take no worker (not even a warm one of their own, which
 * may be the room it needs) before their turn. A busy worker is never
 * evicted. A cold start's turn (--max-starting, server/pool.h) is waited
 * for in the same queue.
 *
 * An extra worker (for a tenant whose workers are all busy or starting)
 * saves its tenant some waiting; evicting another tenant's last warm worker
 * costs that tenant a cold start. So with the budget full, room for an
 * extra is only a spare idle worker of another tenant or a last one at
 * rest (server/pool_lru.h); with neither, the call waits for its own
 * tenant's workers and holds up no other tenant's turn (it is not eligible
 * in the queue), for at most GOFN_EXTRA_TAKES_LAST_MS (server/pool.c).
 *
 * A soft budget below it (--warm-workers): once more workers than that
 * exist, the idle ones unused for --warm-idle-ms are stopped, oldest first
 * (spare ones first, server/pool_lru.h), down to the soft budget; the rest
 * stay for --idle-ms. So tenants active at once may hold up to the hard
 * cap, sized for memory at its peak, and when they go quiet the pool
 * shrinks back to what idle tenants should cost. Every function here runs
 * under gofn_pool.mu. */
#ifndef GOFN_SERVER_POOL_BUDGET_H
#define GOFN_SERVER_POOL_BUDGET_H

#include "server/pool_internal.h"

/* Workers kept past --warm-idle-ms: --warm-workers, at most the hard cap. */
int gofn_pool_warm_budget(const gofn_config *c);

/* 1 if no tenant ahead of t in the queue could use room now. */
int gofn_budget_my_turn(struct gofn_pool *p, const tenant_pool *t);

/* 1 when a tenant waiting may need an idle worker as its room: the budget
 * is full and a cold start could begin. Otherwise those waiting wait for a
 * cold start's turn (--max-starting) or their own --workers, and a warm
 * worker taken out of turn takes nothing from them: a storm of cold starts
 * does not hold up the warm calls of other tenants. */
int gofn_budget_contended(struct gofn_pool *p);

/* Counts one more worker for t if the budget has room, else evicts the
 * least-recently-used idle worker of any tenant into *evict (marked dead
 * and counted out of the budget: the caller kills it, outside the mutex,
 * before it spawns, and the pool's reaper waits for it, server/pool.c,
 * gofn_pool_acquire_for); for an
 * extra worker (t holds one already), only a spare or a worker at rest
 * (server/pool_lru.h). Returns 0 when there is no such room. */
int gofn_budget_take(struct gofn_pool *p, tenant_pool *t, int extra, gofn_worker **evict);

/* A caller of t got a worker or room in its turn: t goes to the back of
 * the queue (when on it) and the next tenant is woken. */
void gofn_budget_served(struct gofn_pool *p, tenant_pool *t);

/* A caller of t waits for room (once per acquire), and leaves acquire. */
void gofn_budget_join(struct gofn_pool *p, tenant_pool *t);
void gofn_budget_leave(struct gofn_pool *p, tenant_pool *t);

/* Room may have appeared (a worker went idle or away): wakes the callers
 * of the first tenant in the queue that can use it. */
void gofn_budget_wake(struct gofn_pool *p);

#endif
