/* One mutex guards every tenant's bookkeeping; process work (spawn, kill,
 * I/O) always happens outside it. */
#include "server/pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/frame_io.h"
#include "sandbox/sandbox.h"
#include "server/pool_idle.h"

typedef struct tenant_pool {
	char name[64];
	gofn_worker *idle;
	int total; /* idle + busy + slots being spawned */
	int waiting;
	pthread_cond_t cv;
	struct tenant_pool *next;
} tenant_pool;

struct gofn_pool {
	const gofn_config *c;
	pthread_mutex_t mu;
	pthread_cond_t drained;
	pthread_cond_t wake_reaper;
	pthread_t reaper;
	int have_reaper;
	tenant_pool *tenants;
	int closing;
	int64_t spawned;
};

static void *reap_idle(void *arg);

gofn_pool *gofn_pool_new(const gofn_config *c)
{
	gofn_pool *p = calloc(1, sizeof *p);

	if (!p)
		return NULL;
	p->c = c;
	pthread_mutex_init(&p->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->drained, &ca);
	pthread_cond_init(&p->wake_reaper, &ca);
	pthread_condattr_destroy(&ca);
	p->have_reaper = pthread_create(&p->reaper, NULL, reap_idle, p) == 0;
	return p;
}

static tenant_pool *tenant(gofn_pool *p, const char *name)
{
	tenant_pool *t;

	for (t = p->tenants; t; t = t->next)
		if (strcmp(t->name, name) == 0)
			return t;
	t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	snprintf(t->name, sizeof t->name, "%s", name);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&t->cv, &ca);
	pthread_condattr_destroy(&ca);
	t->next = p->tenants;
	p->tenants = t;
	return t;
}

static struct timespec abs_ts(int64_t deadline_ms)
{
	struct timespec ts = {.tv_sec = deadline_ms / 1000,
			      .tv_nsec = (deadline_ms % 1000) * 1000000};
	return ts;
}

static gofn_worker *take_idle(tenant_pool *t, const char *function)
{
	for (gofn_worker **pp = &t->idle; *pp; pp = &(*pp)->next) {
		gofn_worker *w = *pp;
		if (!function || strcmp(w->function, function) == 0) {
			*pp = w->next;
			w->next = NULL;
			return w;
		}
	}
	return NULL;
}

enum gofn_acquire gofn_pool_acquire(gofn_pool *p, const char *name, const char *function,
				    int64_t deadline_ms, gofn_worker **w)
{
	enum gofn_acquire r;
	gofn_worker *evict = NULL;

	*w = NULL;
	pthread_mutex_lock(&p->mu);
	tenant_pool *t = tenant(p, name);
	for (;;) {
		if (p->closing || !t) {
			r = GOFN_SHUTTING_DOWN;
			break;
		}
		if ((*w = take_idle(t, function))) {
			r = GOFN_GOT_WORKER;
			break;
		}
		if (t->total < p->c->workers_per_tenant) {
			t->total++;
			r = GOFN_GOT_SLOT;
			break;
		}
		/* A warm worker for another function is worth less than a cold start. */
		if ((evict = take_idle(t, NULL))) {
			r = GOFN_GOT_SLOT;
			break;
		}
		if (t->waiting >= p->c->queue_per_tenant) {
			r = GOFN_QUEUE_FULL;
			break;
		}
		struct timespec ts = abs_ts(deadline_ms);
		t->waiting++;
		int rc = pthread_cond_timedwait(&t->cv, &p->mu, &ts);
		t->waiting--;
		if (rc == ETIMEDOUT) {
			r = GOFN_QUEUE_TIMEOUT;
			break;
		}
	}
	pthread_mutex_unlock(&p->mu);
	gofn_worker_destroy(evict);
	return r;
}

void gofn_pool_release(gofn_pool *p, const char *name, gofn_worker *w)
{
	gofn_worker *dead = NULL;

	if (!w->dead) /* the idle watch compares against this (pool_idle.c) */
		w->idle_cpu_ms = gofn_sandbox_cpu_ms(w->pid);
	pthread_mutex_lock(&p->mu);
	tenant_pool *t = tenant(p, name);
	if (!t || w->dead || p->closing) {
		dead = w;
		if (t)
			t->total--;
	} else {
		w->idle_since_ms = gofn_now_ms();
		w->next = t->idle;
		t->idle = w;
	}
	if (t)
		pthread_cond_signal(&t->cv);
	pthread_cond_broadcast(&p->drained);
	pthread_mutex_unlock(&p->mu);
	gofn_worker_destroy(dead);
}

void gofn_pool_release_slot(gofn_pool *p, const char *name)
{
	pthread_mutex_lock(&p->mu);
	tenant_pool *t = tenant(p, name);
	if (t) {
		t->total--;
		pthread_cond_signal(&t->cv);
	}
	pthread_cond_broadcast(&p->drained);
	pthread_mutex_unlock(&p->mu);
}

void gofn_pool_forget(gofn_pool *p, const char *name, const char *function)
{
	gofn_worker *list = NULL, *w;

	pthread_mutex_lock(&p->mu);
	tenant_pool *t = tenant(p, name);
	while (t && (w = take_idle(t, function))) {
		t->total--;
		w->next = list;
		list = w;
	}
	if (t)
		pthread_cond_broadcast(&t->cv);
	pthread_mutex_unlock(&p->mu);
	while ((w = list)) {
		list = w->next;
		gofn_worker_destroy(w);
	}
}

/* Takes every idle worker that died or misbehaves out of the pool, marked
 * dead so destroying it kills at once. /proc is read under the mutex: a
 * few reads per idle worker per tick, far less than a spawn. */
static gofn_worker *take_misbehaving(gofn_pool *p)
{
	gofn_worker *bad = NULL;

	for (tenant_pool *t = p->tenants; t; t = t->next)
		for (gofn_worker **pp = &t->idle; *pp;) {
			gofn_worker *w = *pp;
			if (!gofn_idle_misbehaves(p->c, t->name, w)) {
				pp = &w->next;
				continue;
			}
			*pp = w->next;
			t->total--;
			w->dead = 1;
			w->next = bad;
			bad = w;
			pthread_cond_signal(&t->cv);
		}
	return bad;
}

/* Takes every idle worker unused since before `cutoff` out of the pool. */
static gofn_worker *take_stale(gofn_pool *p, int64_t cutoff)
{
	gofn_worker *stale = NULL;

	for (tenant_pool *t = p->tenants; t; t = t->next)
		for (gofn_worker **pp = &t->idle; *pp;) {
			gofn_worker *w = *pp;
			if (w->idle_since_ms > cutoff) {
				pp = &w->next;
				continue;
			}
			*pp = w->next;
			t->total--;
			w->next = stale;
			stale = w;
			pthread_cond_signal(&t->cv);
		}
	return stale;
}

/* Warm workers cost memory and a process each; ones nobody used for
 * cfg.idle_ms are stopped. Every IDLE_TICK_MS the idle ones are also
 * checked (gofn_idle_misbehaves): dead ones are reaped at once, ones that
 * use CPU or memory while nobody called them are killed. */
static void *reap_idle(void *arg)
{
	gofn_pool *p = arg;
	int64_t last_stale = gofn_now_ms();

	pthread_mutex_lock(&p->mu);
	while (!p->closing) {
		int64_t deadline = gofn_now_ms() + GOFN_IDLE_TICK_MS;
		struct timespec ts = abs_ts(deadline);
		pthread_cond_timedwait(&p->wake_reaper, &p->mu, &ts);
		if (p->closing)
			break;
		gofn_worker *gone = take_misbehaving(p);
		if (gofn_now_ms() - last_stale >= p->c->idle_ms / 4) {
			gofn_worker **tail = &gone;
			while (*tail)
				tail = &(*tail)->next;
			*tail = take_stale(p, gofn_now_ms() - p->c->idle_ms);
			last_stale = gofn_now_ms();
		}
		pthread_mutex_unlock(&p->mu);
		while (gone) {
			gofn_worker *next = gone->next;
			gofn_worker_destroy(gone);
			gone = next;
		}
		pthread_mutex_lock(&p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* A tenant's worker count or waiting callers, 0 for one the pool has not seen. */
static int tenant_count(gofn_pool *p, const char *name, int waiting)
{
	int n = 0;

	pthread_mutex_lock(&p->mu);
	for (tenant_pool *t = p->tenants; t; t = t->next)
		if (strcmp(t->name, name) == 0)
			n = waiting ? t->waiting : t->total;
	pthread_mutex_unlock(&p->mu);
	return n;
}

int gofn_pool_workers(gofn_pool *p, const char *name)
{
	return tenant_count(p, name, 0);
}

int gofn_pool_waiting(gofn_pool *p, const char *name)
{
	return tenant_count(p, name, 1);
}

void gofn_pool_stats_get(gofn_pool *p, gofn_pool_stats *s)
{
	memset(s, 0, sizeof *s);
	pthread_mutex_lock(&p->mu);
	for (tenant_pool *t = p->tenants; t; t = t->next) {
		s->workers += t->total;
		s->queued += t->waiting;
		for (gofn_worker *w = t->idle; w; w = w->next)
			s->idle++;
	}
	s->spawned = p->spawned;
	pthread_mutex_unlock(&p->mu);
}

void gofn_pool_note_spawn(gofn_pool *p)
{
	pthread_mutex_lock(&p->mu);
	p->spawned++;
	pthread_mutex_unlock(&p->mu);
}

static int busy_total(gofn_pool *p)
{
	int n = 0;

	for (tenant_pool *t = p->tenants; t; t = t->next)
		n += t->total;
	return n;
}

void gofn_pool_close(gofn_pool *p)
{
	pthread_mutex_lock(&p->mu);
	p->closing = 1;
	for (tenant_pool *t = p->tenants; t; t = t->next)
		pthread_cond_broadcast(&t->cv);
	pthread_mutex_unlock(&p->mu);
}

void gofn_pool_free(gofn_pool *p, int64_t grace_ms)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->closing = 1;
	for (tenant_pool *t = p->tenants; t; t = t->next)
		pthread_cond_broadcast(&t->cv);
	pthread_cond_signal(&p->wake_reaper);
	pthread_mutex_unlock(&p->mu);
	if (p->have_reaper)
		pthread_join(p->reaper, NULL);
	for (tenant_pool *t = p->tenants; t; t = t->next)
		gofn_pool_forget(p, t->name, NULL);
	struct timespec ts = abs_ts(gofn_now_ms() + grace_ms);
	pthread_mutex_lock(&p->mu);
	while (busy_total(p) > 0)
		if (pthread_cond_timedwait(&p->drained, &p->mu, &ts) == ETIMEDOUT)
			break;
	tenant_pool *t = p->tenants;
	p->tenants = NULL;
	pthread_mutex_unlock(&p->mu);
	while (t) {
		tenant_pool *next = t->next;
		pthread_cond_destroy(&t->cv);
		free(t);
		t = next;
	}
	pthread_cond_destroy(&p->drained);
	pthread_cond_destroy(&p->wake_reaper);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

int gofn_pool_refusal(enum gofn_acquire a, gofn_err *e)
{
	if (a == GOFN_QUEUE_FULL)
		return gofn_errf(e, GOFN_EBUSY, "tenant queue is full");
	if (a == GOFN_QUEUE_TIMEOUT)
		return gofn_errf(e, GOFN_EAGAIN, "no worker became free before the deadline");
	return gofn_errf(e, GOFN_EAGAIN, "shutting down");
}
