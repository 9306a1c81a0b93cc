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
 * spare worker idle for GOFN_SPARE_IDLE_MS goes before any tenant's last
 * worker; younger than that, the tenant was using it and plain LRU holds
 * (evicting a spare worker used a moment ago makes its tenant spawn it
 * again and evict another: churn). Every function here runs under
 * gofn_pool.mu. */
#ifndef GOFN_SERVER_POOL_LRU_H
#define GOFN_SERVER_POOL_LRU_H

#include <stdint.h>

#include "server/pool_internal.h"

/* A spare worker idle this long is not part of its tenant's current
 * concurrency: the worker's own idle trim (worker_trim.h) uses the same
 * second as the line between a worker in use and one at rest. */
#define GOFN_SPARE_IDLE_MS 1000

/* w goes idle now: on t's list and at the young end of the pool's. */
void gofn_lru_put(struct gofn_pool *p, tenant_pool *t, gofn_worker *w);

/* Takes w (idle, of t) off both lists. */
void gofn_lru_unlink(struct gofn_pool *p, tenant_pool *t, gofn_worker *w);

/* t's most recently idle worker holding function (any when NULL),
 * unlinked, or NULL. */
gofn_worker *gofn_lru_take(struct gofn_pool *p, tenant_pool *t, const char *function);

/* The idle worker to stop first (see above) among those idle since
 * `before` or earlier, unlinked, its tenant in *owner; NULL when none is.
 * The caller counts it out of its tenant. */
gofn_worker *gofn_lru_victim(struct gofn_pool *p, int64_t now, int64_t before, tenant_pool **owner);

#endif
