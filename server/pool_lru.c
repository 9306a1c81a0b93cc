#include "server/pool_lru.h"

#include <string.h>

#include "common/clock.h"

static void list_append(struct gofn_pool *p, gofn_worker *w)
{
	int c = w->lru_class;

	w->lru_next = NULL;
	w->lru_prev = p->lru_tail[c];
	if (p->lru_tail[c])
		p->lru_tail[c]->lru_next = w;
	else
		p->lru_head[c] = w;
	p->lru_tail[c] = w;
}

static void list_remove(struct gofn_pool *p, gofn_worker *w)
{
	int c = w->lru_class;

	if (w->lru_prev)
		w->lru_prev->lru_next = w->lru_next;
	else
		p->lru_head[c] = w->lru_next;
	if (w->lru_next)
		w->lru_next->lru_prev = w->lru_prev;
	else
		p->lru_tail[c] = w->lru_prev;
	w->lru_prev = w->lru_next = NULL;
}

void gofn_lru_put(struct gofn_pool *p, tenant_pool *t, gofn_worker *w)
{
	/* Set here, under the mutex, so each list stays in idle_since order. */
	w->idle_since_ms = gofn_now_ms();
	w->idle_seq = ++p->idle_seq;
	w->pool_tenant = t;
	w->lru_class = t->total > 1 ? GOFN_LRU_SPARE : GOFN_LRU_LAST;
	w->next = t->idle;
	t->idle = w;
	list_append(p, w);
	p->idle++;
}

void gofn_lru_unlink(struct gofn_pool *p, tenant_pool *t, gofn_worker *w)
{
	for (gofn_worker **pp = &t->idle; *pp; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	w->next = NULL;
	list_remove(p, w);
	w->pool_tenant = NULL;
	p->idle--;
}

gofn_worker *gofn_lru_take(struct gofn_pool *p, tenant_pool *t, const char *function)
{
	for (gofn_worker *w = t->idle; w; w = w->next)
		if (!function || strcmp(w->function, function) == 0) {
			gofn_lru_unlink(p, t, w);
			return w;
		}
	return NULL;
}

gofn_worker *gofn_lru_victim(struct gofn_pool *p, int64_t now, int64_t before, tenant_pool **owner)
{
	gofn_worker *s = p->lru_head[GOFN_LRU_SPARE], *l = p->lru_head[GOFN_LRU_LAST];
	/* Spare only while its tenant still holds another worker: if not, it is
	 * that tenant's last and only its age counts. */
	int aged_spare = s && ((tenant_pool *)s->pool_tenant)->total > 1 &&
			 now - s->idle_since_ms >= p->c->warm_idle_ms;
	gofn_worker *first = s, *second = l;

	if (!aged_spare && (!s || (l && l->idle_since_ms < s->idle_since_ms))) {
		first = l;
		second = s;
	}
	gofn_worker *v = first && first->idle_since_ms <= before     ? first
			 : second && second->idle_since_ms <= before ? second
								     : NULL;
	if (!v)
		return NULL;
	*owner = v->pool_tenant;
	gofn_lru_unlink(p, *owner, v);
	return v;
}
