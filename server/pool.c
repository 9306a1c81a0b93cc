/* One mutex guards every tenant's bookkeeping; process work (spawn, kill,
 * I/O) always happens outside it. The global budget's turn-taking is in
 * server/pool_budget.c. */
#include "server/pool.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/frame_io.h"
#include "sandbox/sandbox.h"
#include "server/callwatch.h"
#include "server/pool_budget.h"
#include "server/pool_gone.h"
#include "server/pool_idle.h"
#include "server/pool_internal.h"
#include "server/pool_lru.h"

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
	gofn_gone_start(p);
	return p;
}

static unsigned bucket(const char *name)
{
	unsigned h = 2166136261u;

	while (*name)
		h = (h ^ (unsigned char)*name++) * 16777619u;
	return h % GOFN_POOL_BUCKETS;
}

static tenant_pool *find(gofn_pool *p, const char *name, unsigned b)
{
	for (tenant_pool *t = p->buckets[b]; t; t = t->hnext)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

/* The tenant's pool, created on first use. */
static tenant_pool *tenant(gofn_pool *p, const char *name)
{
	unsigned b = bucket(name);
	tenant_pool *t = find(p, name, b);

	if (t)
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
	t->hnext = p->buckets[b];
	p->buckets[b] = t;
	return t;
}

void gofn_pool_count(gofn_pool *p, tenant_pool *t, int delta)
{
	t->total += delta;
	p->workers += delta;
}

/* Something changed for t's callers (a worker came back or went away):
 * one of them can act on it, unless some wait for the budget and may not
 * be able to use what the woken one could not. */
static void tenant_wake(gofn_pool *p, tenant_pool *t)
{
	if (t->bwait)
		pthread_cond_broadcast(&t->cv);
	else
		pthread_cond_signal(&t->cv);
	gofn_budget_wake(p);
}

static struct timespec abs_ts(int64_t deadline_ms)
{
	struct timespec ts = {.tv_sec = deadline_ms / 1000,
			      .tv_nsec = (deadline_ms % 1000) * 1000000};
	return ts;
}

/* Room for one more worker of t without waiting (in t's turn), or 0 with
 * *for_budget set when the budget, or a cold start's turn, is what t waits
 * for. A warm worker of t's own for another function is worth less than a
 * cold start, so when the budget is full (or t at its limit) that one is
 * replaced first. An extra worker (t's others are all busy or starting)
 * takes another tenant's last warm worker only when `may_take_last`
 * (server/pool_budget.h, "extra"); otherwise, with no spare to evict, the
 * caller waits for its own tenant's workers (*for_budget stays 0: it holds
 * up no other tenant's turn). */
static int take_room(gofn_pool *p, tenant_pool *t, int may_take_last, gofn_worker **evict,
		     int *for_budget)
{
	int at_limit = t->total >= p->c->workers_per_tenant;

	*for_budget = 0;
	if (p->starting >= p->c->max_starting) {
		/* With those waiting for room: a start that ends wakes the
		 * first that can use it (gofn_pool_started). */
		*for_budget = !at_limit || t->idle;
		return 0;
	}
	if (at_limit || p->workers >= p->c->max_workers) {
		if ((*evict = gofn_lru_take(p, t, NULL))) {
			(*evict)->dead = 1; /* idle: nothing to finish, no grace before the kill */
			return 1;
		}
		if (at_limit)
			return 0;
	}
	int extra = t->total > 0 && !may_take_last;
	if (gofn_budget_take(p, t, extra, evict))
		return 1;
	*for_budget = !extra;
	return 0;
}

/* A cold start costs tens of milliseconds of CPU (docs/benchmarks.md row
 * 4: 25-35 ms from spawn to first result); a busy worker of the same
 * tenant running a short call is usually free again far sooner. So a
 * caller that finds every worker of its tenant busy waits about one cold
 * start for one before it spawns another: it never waits more than twice
 * what the better choice would have cost (the ski-rental bound). Without
 * it two calls of a tenant arriving together spawned a second worker, and
 * 100 tenants at c=64 spent their CPU on cold starts and filled the
 * budget with workers that were then evicted (bench row 7). "One cold
 * start" is what they cost here lately (an average of the spawn -> first
 * result times, at least GOFN_SPAWN_WAIT_MS): on a loaded machine both a
 * busy worker's call and a spawn take longer, and a fixed 25 ms wait
 * expired while spawns were hundreds of milliseconds, so 100 tenants kept
 * spawning third and fourth workers (42 in a 5 s run, load average 22). */
#define GOFN_SPAWN_WAIT_MS     25
#define GOFN_SPAWN_WAIT_MAX_MS 2000

/* w served its first call: its spawn -> first result joins the average.
 * Its first call is its first INVOKE (`calls`), not its first exchange
 * (`invocations` counts LOAD too: keyed on that, no cold start was ever
 * counted and the wait below was GOFN_SPAWN_WAIT_MS, 25 ms, whatever the
 * load; docs/benchmarks.md, "settling the pool"). */
static void note_cold_start(gofn_pool *p, const gofn_worker *w)
{
	if (w->calls != 1 || w->first_result_us <= 0)
		return;
	int64_t ms = w->first_result_us / 1000;
	p->cold_ms = p->cold_ms ? (7 * p->cold_ms + ms) / 8 : ms;
}

static int busy(const tenant_pool *t)
{
	int n = t->total;

	for (const gofn_worker *w = t->idle; w; w = w->next)
		n--;
	return n;
}

/* One recent cold start, clamped. */
static int64_t spawn_wait_ms(const gofn_pool *p)
{
	int64_t wait = p->cold_ms > GOFN_SPAWN_WAIT_MS ? p->cold_ms : GOFN_SPAWN_WAIT_MS;
	return wait < GOFN_SPAWN_WAIT_MAX_MS ? wait : GOFN_SPAWN_WAIT_MAX_MS;
}

/* The end of the caller's wait for a busy worker of its tenant, or 0. */
static int64_t spawn_wait(gofn_pool *p, tenant_pool *t, int64_t deadline_ms)
{
	if (busy(t) <= 0 || t->total >= p->c->workers_per_tenant ||
	    t->waiting >= p->c->queue_per_tenant)
		return 0;
	int64_t until = gofn_now_ms() + spawn_wait_ms(p);
	return until < deadline_ms ? until : deadline_ms;
}

/* At most this many evicted workers wait for the reaper per cold-start turn
 * (--max-starting): past that an evicting caller waits for its own, so a
 * reaper held up (a loaded machine, a victim slow to exit) does not let
 * zombies and cgroup directories pile up. */
#define GOFN_REAPING_PER_START 1

/* An evicted worker (counted out of the budget, marked dead) goes: killed
 * here, before the caller spawns the worker that takes its place, and
 * waited for on the reaper thread. Its destroy waits for the process to
 * exit (a sandboxed worker's exit tears down its namespaces, the mount
 * one after an RCU grace period) and removes its cgroup: milliseconds
 * that were the evicting call's (docs/benchmarks.md, "What an evicted
 * tenant pays"). Counting it free from the kill on is safe for what the
 * budget bounds, memory and processes: after SIGKILL it runs no more of
 * its code, the kernel releases its memory first thing in its exit
 * whoever waits for it, and what it keeps until the reaper waits is a
 * zombie's pid and an empty cgroup directory, at most
 * GOFN_REAPING_PER_START * --max-starting of them. Kill before close: a
 * worker that saw EOF first exits on its own, with no sign yet of going. */
static void doom(gofn_pool *p, gofn_worker *w)
{
	if (w->pid > 0) /* not waited for yet: the pid is still its */
		kill(w->pid, SIGKILL);
	if (w->ctrl >= 0)
		close(w->ctrl);
	w->ctrl = -1;
	pthread_mutex_lock(&p->mu);
	int handed = p->have_reaper && !p->closing &&
		     p->reaping < GOFN_REAPING_PER_START * p->c->max_starting;
	if (handed) {
		w->next = p->doomed;
		p->doomed = w;
		p->reaping++;
		pthread_cond_signal(&p->wake_reaper);
	}
	pthread_mutex_unlock(&p->mu);
	if (!handed)
		gofn_worker_destroy(w);
}

/* On the reaper thread, under the mutex (released while it destroys): waits
 * for the evicted workers handed to it and removes their cgroups. */
static void reap_doomed(gofn_pool *p)
{
	gofn_worker *w;

	while ((w = p->doomed)) {
		p->doomed = NULL;
		pthread_mutex_unlock(&p->mu);
		int n = 0;
		while (w) {
			gofn_worker *next = w->next;
			gofn_worker_destroy(w);
			w = next;
			n++;
		}
		pthread_mutex_lock(&p->mu);
		p->reaping -= n;
	}
}

enum gofn_acquire gofn_pool_acquire(gofn_pool *p, const char *name, const char *function,
				    int64_t deadline_ms, gofn_worker **w)
{
	return gofn_pool_acquire_for(p, name, function, deadline_ms, -1, w);
}

/* A waiting caller's client is watched (server/pool_gone.h) once the call
 * has waited this long: the watch is for the waits of cold starts, tens of
 * milliseconds to seconds, while at c=64 on 4 warm workers nearly every
 * call waits a few milliseconds, and its two epoll_ctl calls, under the
 * pool's mutex, held up every acquire and release (docs/benchmarks.md,
 * "c=64 (seventh session)"). A client gone sooner is noticed that much
 * later. */
#define GOFN_GONE_AFTER_MS 50

/* An extra worker is a latency optimisation for its tenant; evicting
 * another tenant's last warm worker for it costs that tenant a cold start,
 * and when the budget is full each such start wanted extras of its own
 * (the calls that queued behind it), which evicted more: 100 tenants never
 * settled (docs/benchmarks.md, "settling the pool"). So with the budget
 * full an extra takes a spare or a worker at rest (server/pool_lru.h) or
 * waits for its own tenant's workers. A call that has waited this long
 * for them is no optimisation any more (a tenant whose worker runs a long
 * call, and a call for another function): it may take the least recently
 * used, as a first worker does. */
#define GOFN_EXTRA_TAKES_LAST_MS 2000

enum gofn_acquire gofn_pool_acquire_for(gofn_pool *p, const char *name, const char *function,
					int64_t deadline_ms, int client_fd, gofn_worker **w)
{
	int64_t hold = -1;     /* the spawn wait's end; -1 before it is decided */
	int64_t watch_at = -1; /* when the client starts being watched */
	int64_t last_at = gofn_now_ms() + GOFN_EXTRA_TAKES_LAST_MS;
	enum gofn_acquire r;
	gofn_worker *evict = NULL;
	int queued = 0, for_budget = 0;
	gofn_waiter gone = {.fd = -1};

	*w = NULL;
	pthread_mutex_lock(&p->mu);
	tenant_pool *t = tenant(p, name);
	for (;;) {
		if (p->closing || !t) {
			r = GOFN_SHUTTING_DOWN;
			break;
		}
		if (gone.gone) {
			p->abandoned++;
			r = GOFN_CLIENT_GONE;
			break;
		}
		/* While another tenant waits for room, its turn comes first: even
		 * a warm worker of ours may be the room it needs. */
		int turn = gofn_budget_my_turn(p, t);
		if ((turn || !gofn_budget_contended(p)) && (*w = gofn_lru_take(p, t, function))) {
			if (turn)
				gofn_budget_served(p, t);
			r = GOFN_GOT_WORKER;
			break;
		}
		if (turn && hold < 0)
			hold = spawn_wait(p, t, deadline_ms);
		int64_t now = gofn_now_ms();
		int holding = hold > 0 && now < hold;
		if (turn && !holding && take_room(p, t, now >= last_at, &evict, &for_budget)) {
			p->starting++;
			gofn_budget_served(p, t);
			r = GOFN_GOT_SLOT;
			break;
		}
		if (!holding && t->waiting >= p->c->queue_per_tenant) {
			r = GOFN_QUEUE_FULL;
			break;
		}
		if ((for_budget || !turn) && !queued) {
			gofn_budget_join(p, t);
			queued = 1;
		}
		int64_t until = holding ? hold : deadline_ms;
		if (!holding && !for_budget && now < last_at && last_at < until)
			until = last_at; /* an extra worker's wait (take_room) */
		if (client_fd >= 0 && gone.fd < 0) {
			if (watch_at < 0)
				watch_at = now + GOFN_GONE_AFTER_MS;
			if (now >= watch_at)
				gofn_gone_watch(p, &gone, t, client_fd);
			else if (watch_at < until)
				until = watch_at;
		}
		struct timespec ts = abs_ts(until);
		t->waiting++;
		int rc = pthread_cond_timedwait(&t->cv, &p->mu, &ts);
		t->waiting--;
		if (rc == ETIMEDOUT && !holding && until == deadline_ms) {
			r = GOFN_QUEUE_TIMEOUT;
			break;
		}
	}
	gofn_gone_unwatch(p, &gone);
	if (queued)
		gofn_budget_leave(p, t);
	pthread_mutex_unlock(&p->mu);
	if (evict)
		doom(p, evict);
	return r;
}

void gofn_pool_started(gofn_pool *p)
{
	pthread_mutex_lock(&p->mu);
	p->starting--;
	gofn_budget_wake(p);
	pthread_mutex_unlock(&p->mu);
}

void gofn_pool_release(gofn_pool *p, const char *name, gofn_worker *w)
{
	gofn_worker *dead = NULL;
	tenant_pool *wake = NULL;

	/* the idle watch compares against this (pool_idle.c); a worker's
	 * requests read it as they end (worker.c), so only one released
	 * without any needs it read here */
	if (!w->dead && !w->cpu_marked)
		w->idle_cpu_ms = gofn_cpuclock_ms(&w->cpu);
	pthread_mutex_lock(&p->mu);
	note_cold_start(p, w);
	tenant_pool *t = tenant(p, name);
	if (!t || w->dead || p->closing) {
		dead = w;
		if (t)
			gofn_pool_count(p, t, -1);
	} else {
		gofn_lru_put(p, t, w);
	}
	/* The common case at c=64, only callers of t's own waiting and none
	 * for the budget: the one woken is woken after the unlock, or it
	 * wakes only to block on the mutex this thread still holds (a second
	 * sleep and wake-up per call, docs/benchmarks.md). The worker went to
	 * the idle list, not to that caller: a thread already running (this
	 * one, with its connection's next request) may take it first, which
	 * costs no context switch (the per-caller hand-off that gave this up
	 * was slower, 7c67539). */
	if (t && !t->bwait && !p->bq_head)
		wake = t->waiting ? t : NULL;
	else if (t)
		tenant_wake(p, t);
	pthread_cond_broadcast(&p->drained);
	pthread_mutex_unlock(&p->mu);
	if (wake) /* tenants live as long as the pool */
		pthread_cond_signal(&wake->cv);
	gofn_worker_destroy(dead);
}

void gofn_pool_release_slot(gofn_pool *p, const char *name)
{
	pthread_mutex_lock(&p->mu);
	tenant_pool *t = tenant(p, name);
	if (t) {
		gofn_pool_count(p, t, -1);
		tenant_wake(p, t);
	}
	pthread_cond_broadcast(&p->drained);
	pthread_mutex_unlock(&p->mu);
}

void gofn_pool_forget(gofn_pool *p, const char *name, const char *function)
{
	gofn_worker *list = NULL, *w;

	pthread_mutex_lock(&p->mu);
	tenant_pool *t = tenant(p, name);
	while (t && (w = gofn_lru_take(p, t, function))) {
		gofn_pool_count(p, t, -1);
		w->next = list;
		list = w;
	}
	if (t)
		pthread_cond_broadcast(&t->cv);
	gofn_budget_wake(p);
	pthread_mutex_unlock(&p->mu);
	while ((w = list)) {
		list = w->next;
		gofn_worker_destroy(w);
	}
}

/* The idle watch (gofn_idle_watch_check) may read /proc and poll an idle
 * worker: a few system calls each. That runs on copies, outside the mutex,
 * so a reaper thread preempted on a loaded machine never holds up every
 * acquire and release. */
typedef struct idle_seen {
	tenant_pool *t; /* tenants live as long as the pool */
	gofn_worker *w;
	gofn_worker copy; /* w as it was seen idle, for the watch to read */
	int bad;
	gofn_idle_finding why;
} idle_seen;

static size_t snapshot_idle(gofn_pool *p, idle_seen **buf, size_t *cap)
{
	size_t n = 0;

	for (int c = 0; c < GOFN_LRU_N; c++)
		for (gofn_worker *w = p->lru_head[c]; w; w = w->lru_next) {
			if (n == *cap) {
				size_t nc = *cap ? *cap * 2 : 64;
				idle_seen *nb = realloc(*buf, nc * sizeof *nb);
				if (!nb)
					return n; /* the rest are watched next tick */
				*buf = nb;
				*cap = nc;
			}
			(*buf)[n++] = (idle_seen){.t = w->pool_tenant, .w = w, .copy = *w};
		}
	return n;
}

/* Takes the workers found misbehaving out of the pool, marked dead so
 * destroying them kills at once, and logs why; only those still idle as
 * they were seen (one called or evicted meanwhile was not what the watch
 * looked at: its control socket may have held a call's result, its CPU a
 * call's work). "As seen" is the same idle period by its sequence number:
 * the time it went idle, in milliseconds, is the same again when a worker
 * serves a sub-millisecond call in between. */
static gofn_worker *take_misbehaving(gofn_pool *p, const idle_seen *seen, size_t n)
{
	gofn_worker *bad = NULL;

	for (size_t i = 0; i < n; i++) {
		if (!seen[i].bad)
			continue;
		for (gofn_worker *w = seen[i].t->idle; w; w = w->next) {
			if (w != seen[i].w || w->pid != seen[i].copy.pid ||
			    w->idle_seq != seen[i].copy.idle_seq)
				continue;
			gofn_lru_unlink(p, seen[i].t, w);
			gofn_pool_count(p, seen[i].t, -1);
			w->dead = 1;
			w->next = bad;
			bad = w;
			tenant_wake(p, seen[i].t);
			gofn_idle_note(seen[i].t->name, w, &seen[i].why);
			break;
		}
	}
	return bad;
}

/* Takes idle workers unused since `cutoff` or before out of the pool,
 * oldest first (spare ones first, server/pool_lru.h), while more than
 * `keep` workers are left. */
static gofn_worker *take_stale(gofn_pool *p, int64_t cutoff, int keep, gofn_worker *stale)
{
	int64_t now = gofn_now_ms();
	tenant_pool *t;
	gofn_worker *w;

	while (p->workers > keep && (w = gofn_lru_victim(p, now, cutoff, 0, &t))) {
		gofn_pool_count(p, t, -1);
		w->next = stale;
		stale = w;
		tenant_wake(p, t);
	}
	return stale;
}

/* Warm workers cost memory and a process each; ones nobody used for
 * cfg.idle_ms are stopped. Every IDLE_TICK_MS the idle ones are also
 * checked (gofn_idle_watch_check): dead ones are reaped at once, ones that
 * use CPU or memory while nobody called them are killed. */
static void *reap_idle(void *arg)
{
	gofn_pool *p = arg;
	idle_seen *seen = NULL;
	size_t cap = 0;
	gofn_idle_watch *iw = gofn_idle_watch_new(); /* NULL: every check a full one */

	int64_t tick = gofn_now_ms() + GOFN_IDLE_TICK_MS;
	pthread_mutex_lock(&p->mu);
	while (!p->closing) {
		struct timespec ts = abs_ts(tick);
		if (!p->doomed)
			pthread_cond_timedwait(&p->wake_reaper, &p->mu, &ts);
		reap_doomed(p); /* woken for them: no idle pass before its tick */
		if (p->closing || gofn_now_ms() < tick)
			continue;
		size_t n = snapshot_idle(p, &seen, &cap);
		pthread_mutex_unlock(&p->mu);
		gofn_idle_watch_begin(iw);
		for (size_t i = 0; i < n; i++)
			seen[i].bad = gofn_idle_watch_check(iw, p->c, &seen[i].copy, &seen[i].why);
		gofn_idle_watch_end(iw);
		pthread_mutex_lock(&p->mu);
		gofn_worker *gone = take_misbehaving(p, seen, n);
		int64_t now = gofn_now_ms();
		gone = take_stale(p, now - p->c->idle_ms, 0, gone);
		gone = take_stale(p, now - p->c->warm_idle_ms, gofn_pool_warm_budget(p->c), gone);
		pthread_mutex_unlock(&p->mu);
		while (gone) {
			gofn_worker *next = gone->next;
			gofn_worker_destroy(gone);
			gone = next;
		}
		tick = gofn_now_ms() + GOFN_IDLE_TICK_MS;
		pthread_mutex_lock(&p->mu);
	}
	reap_doomed(p); /* closing: none is handed over from now on (doom) */
	pthread_mutex_unlock(&p->mu);
	free(seen);
	gofn_idle_watch_free(iw);
	return NULL;
}

/* A tenant's worker count or waiting callers, 0 for one the pool has not seen. */
static int tenant_count(gofn_pool *p, const char *name, int waiting)
{
	int n = 0;

	pthread_mutex_lock(&p->mu);
	tenant_pool *t = find(p, name, bucket(name));
	if (t)
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
	s->workers = p->workers;
	s->max_workers = p->c->max_workers;
	s->evictions = p->evictions;
	s->reaping = p->reaping;
	s->idle = p->idle;
	s->starting = p->starting;
	s->max_starting = p->c->max_starting;
	s->abandoned = p->abandoned;
	for (tenant_pool *t = p->tenants; t; t = t->next)
		s->queued += t->waiting;
	s->spawned = p->spawned;
	s->spawn_wait_ms = spawn_wait_ms(p);
	pthread_mutex_unlock(&p->mu);
}

void gofn_pool_note_spawn(gofn_pool *p)
{
	pthread_mutex_lock(&p->mu);
	p->spawned++;
	pthread_mutex_unlock(&p->mu);
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
	gofn_gone_stop(p);
	for (tenant_pool *t = p->tenants; t; t = t->next)
		gofn_pool_forget(p, t->name, NULL);
	struct timespec ts = abs_ts(gofn_now_ms() + grace_ms);
	pthread_mutex_lock(&p->mu);
	while (p->workers > 0)
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
	if (a == GOFN_CLIENT_GONE)
		return gofn_errf(
		    e, GOFN_EAGAIN,
		    "the client closed its connection while the call waited for a worker");
	return gofn_errf(e, GOFN_EAGAIN, "shutting down");
}
