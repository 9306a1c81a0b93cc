/* The idle workers of every tenant, in two lists ordered by the time they
 * went idle (oldest first), so that the worker to evict or reap is found
 * in constant time whatever the number of tenants; before, every eviction
 * scanned every idle worker under the pool's mutex. A worker is also on its
 * tenant's own idle list (most recent first), which the tenant's callers
 * search by function.
 *
 * The two lists: a tenant's last worker (it had no other when it went
 * idle) and a spare one (the tenant held others). Evicting a last worker
 * costs its tenant a cold start on its next call; evicting a spare one
 * costs something only when that tenant runs calls at once again. So a
 * spare worker idle for --warm-idle-ms (the age at which the soft budget
 * counts a worker as at rest, server/pool_budget.h) goes before any
 * tenant's last worker; younger than that, plain LRU holds. With 1 s
 * instead, 100 tenants at c=64 never settled (bench row 7, budget full of
 * idle tenants' workers): a tenant's second worker, used only when two of
 * its calls meet, often idled past a second, was evicted before the idle
 * tenants' workers, spawned again at the next meeting and evicted another
 * tenant's: 34 cold starts and 59 evictions in the sixth 5 s pass.
 *
 * For an extra worker (its tenant holds others, all busy) another tenant's
 * last worker is no candidate until it is at rest (server/pool_budget.h,
 * docs/design.md "The worker pool"). A worker's list is chosen when it goes
 * idle; one that went idle as a spare and whose tenant lost its other
 * workers since is moved to the last workers' list when it reaches the old
 * end of the spares' (an ordered insert, once per such worker). Every
 * function here runs under gofn_pool.mu. */
#ifndef GOFN_SERVER_POOL_LRU_H
#define GOFN_SERVER_POOL_LRU_H

#include <stdint.h>

#include "server/pool_internal.h"

/* w goes idle now: on t's list and at the young end of the pool's. */
void gofn_lru_put(struct gofn_pool *p, tenant_pool *t, gofn_worker *w);

/* Takes w (idle, of t) off both lists. */
void gofn_lru_unlink(struct gofn_pool *p, tenant_pool *t, gofn_worker *w);

/* t's most recently idle worker holding function (any when NULL),
 * unlinked, or NULL. */
gofn_worker *gofn_lru_take(struct gofn_pool *p, tenant_pool *t, const char *function);

/* The idle worker to stop first (see above) among those idle since
 * `before` or earlier, unlinked, its tenant in *owner; NULL when none is.
 * for_extra: the room is for a tenant that holds a worker already (an
 * extra one, server/pool_budget.h): another tenant's last worker is a
 * candidate only once it has been idle --warm-idle-ms (at rest); spare
 * ones are, whatever their age. The caller counts it out of its tenant. */
gofn_worker *gofn_lru_victim(struct gofn_pool *p, int64_t now, int64_t before, int for_extra,
			     tenant_pool **owner);

/* 1 if gofn_lru_victim would find one for an extra worker now. */
int gofn_lru_extra_room(struct gofn_pool *p);

#endif
