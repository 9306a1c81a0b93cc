#include "server/pool_budget.h"

#include <stddef.h>

#include "common/clock.h"
#include "server/pool_lru.h"

int gofn_pool_warm_budget(const gofn_config *c)
{
	return c->warm_workers > 0 && c->warm_workers < c->max_workers ? c->warm_workers
								       : c->max_workers;
}

/* A tenant at its own --workers limit cannot use room in the budget; it
 * keeps its place and the next one is served. One with an idle worker (for
 * another function) can still use a cold start's turn: it replaces that.
 * One whose workers are all busy wants an extra worker: with the budget
 * full, only a spare or a worker at rest can make room for it. */
static tenant_pool *first_eligible(struct gofn_pool *p)
{
	int full = p->workers >= p->c->max_workers, extra_room = -1;

	for (tenant_pool *u = p->bq_head; u; u = u->bq_next) {
		if (u->idle)
			return u;
		if (u->total >= p->c->workers_per_tenant)
			continue;
		if (!full || u->total == 0)
			return u;
		if (extra_room < 0)
			extra_room = gofn_lru_extra_room(p);
		if (extra_room)
			return u;
	}
	return NULL;
}

int gofn_budget_contended(struct gofn_pool *p)
{
	return p->workers >= p->c->max_workers && p->starting < p->c->max_starting;
}

int gofn_budget_my_turn(struct gofn_pool *p, const tenant_pool *t)
{
	const tenant_pool *u = first_eligible(p);

	return !u || u == t;
}

static void bq_remove(struct gofn_pool *p, tenant_pool *t)
{
	if (t->bq_prev)
		t->bq_prev->bq_next = t->bq_next;
	else
		p->bq_head = t->bq_next;
	if (t->bq_next)
		t->bq_next->bq_prev = t->bq_prev;
	else
		p->bq_tail = t->bq_prev;
	t->bq_prev = t->bq_next = NULL;
	t->in_bq = 0;
}

static void bq_append(struct gofn_pool *p, tenant_pool *t)
{
	t->bq_next = NULL;
	t->bq_prev = p->bq_tail;
	if (p->bq_tail)
		p->bq_tail->bq_next = t;
	else
		p->bq_head = t;
	p->bq_tail = t;
	t->in_bq = 1;
}

int gofn_budget_take(struct gofn_pool *p, tenant_pool *t, int extra, gofn_worker **evict)
{
	*evict = NULL;
	if (p->workers >= p->c->max_workers) {
		tenant_pool *owner = NULL;
		int64_t now = gofn_now_ms();
		gofn_worker *v = gofn_lru_victim(p, now, now, extra, &owner);
		if (!v)
			return 0;
		gofn_pool_count(p, owner, -1);
		v->dead = 1; /* idle: nothing to finish, so no grace before the kill */
		*evict = v;
		p->evictions++;
	}
	gofn_pool_count(p, t, +1);
	return 1;
}

void gofn_budget_served(struct gofn_pool *p, tenant_pool *t)
{
	if (!t->in_bq)
		return;
	if (t != p->bq_tail) { /* the other tenants waiting come first now */
		bq_remove(p, t);
		bq_append(p, t);
	}
	gofn_budget_wake(p); /* there may be room for the next one too */
}

void gofn_budget_join(struct gofn_pool *p, tenant_pool *t)
{
	if (t->bwait++ == 0)
		bq_append(p, t);
}

void gofn_budget_leave(struct gofn_pool *p, tenant_pool *t)
{
	if (--t->bwait == 0)
		bq_remove(p, t);
	gofn_budget_wake(p);
}

void gofn_budget_wake(struct gofn_pool *p)
{
	tenant_pool *u = first_eligible(p);

	if (u)
		pthread_cond_broadcast(&u->cv);
}
