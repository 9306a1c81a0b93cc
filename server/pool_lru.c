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

/* Puts w on the list of its class in idle order (idle_seq: the order they
 * went idle), walking from the old end. */
static void list_insert(struct gofn_pool *p, gofn_worker *w)
{
	gofn_worker *at = p->lru_head[w->lru_class];

	while (at && at->idle_seq < w->idle_seq)
		at = at->lru_next;
	if (!at) {
		list_append(p, w);
		return;
	}
	w->lru_next = at;
	w->lru_prev = at->lru_prev;
	if (at->lru_prev)
		at->lru_prev->lru_next = w;
	else
		p->lru_head[w->lru_class] = w;
	at->lru_prev = w;
}

/* The oldest idle worker whose tenant still holds another. One that went
 * idle as a spare but whose tenant has lost its other workers since is
 * that tenant's last now: it moves to the other list on the way (once). */
static gofn_worker *spare_head(struct gofn_pool *p)
{
	gofn_worker *s;

	while ((s = p->lru_head[GOFN_LRU_SPARE]) && ((tenant_pool *)s->pool_tenant)->total <= 1) {
		list_remove(p, s);
		s->lru_class = GOFN_LRU_LAST;
		list_insert(p, s);
	}
	return s;
}

/* The first of two candidates idle since `before` or earlier (either may
 * be NULL). */
static gofn_worker *first_of(gofn_worker *first, gofn_worker *second, int64_t before)
{
	if (first && first->idle_since_ms <= before)
		return first;
	if (second && second->idle_since_ms <= before)
		return second;
	return NULL;
}

static gofn_worker *pick(struct gofn_pool *p, int64_t now, int64_t before, int last_at_rest)
{
	gofn_worker *s = spare_head(p), *l = p->lru_head[GOFN_LRU_LAST];
	int aged_spare = s && now - s->idle_since_ms >= p->c->warm_idle_ms;

	if (l && last_at_rest && now - l->idle_since_ms < p->c->warm_idle_ms)
		l = NULL; /* a last worker younger than that is its tenant's warm one */
	if (!aged_spare && (!s || (l && l->idle_since_ms < s->idle_since_ms)))
		return first_of(l, s, before);
	return first_of(s, l, before);
}

int gofn_lru_extra_room(struct gofn_pool *p)
{
	int64_t now = gofn_now_ms();

	return pick(p, now, now, 1) != NULL;
}

gofn_worker *gofn_lru_victim(struct gofn_pool *p, int64_t now, int64_t before, int for_extra,
			     tenant_pool **owner)
{
	gofn_worker *v = pick(p, now, before, for_extra);

	if (!v)
		return NULL;
	*owner = v->pool_tenant;
	gofn_lru_unlink(p, *owner, v);
	return v;
}
