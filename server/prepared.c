#include "server/prepared.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/goversion.h"
#include "server/log.h"
#include "server/prepared_uid.h"
#include "server/runtimes.h"
#include "server/server.h"

#define MAX_READY	   64
#define RETRY_MS	   1000	 /* after a failed start, doubled while they keep failing */
#define RETRY_MAX_MS	   60000 /* so a host that cannot start them is not flooded */
#define SETTLE_MS	   1000	 /* the longest a refill waits for a taken worker's call */
#define PREPARE_TIMEOUT_MS 30000
#define SWEEP_MS	   250 /* how soon a ready worker that died is reaped */

typedef struct ready {
	gofn_worker *w;
	unsigned uid; /* its one-time host uid (0: nobody, or not root) */
} ready;

/* One Go release's ready workers. */
typedef struct slot {
	char exe[1100];
	int wanted; /* asked for at least once (the first release: from the start) */
	ready r[MAX_READY];
	int n;
} slot;

struct gofn_prepared {
	gofn_server *s;
	int want;     /* --prepared */
	int use_uids; /* one-time uids: root with --uid-range on */
	gofn_puids uids;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop, off; /* off: the uids ran out; no more prepared workers */
	/* Taken, first result not seen yet: a refill's spawn (clone of gofnd,
	 * three cgroup moves, each blocking every fork and thread start on
	 * the host for an RCU grace period) would delay that call by up to
	 * 17 ms here (docs/benchmarks.md, "Cold start"). */
	const gofn_worker *binding[MAX_READY]; /* compared, never followed */
	int nbinding;
	int64_t settle_by; /* refill waits for them until then */
	int64_t retry_at;  /* after a failed start */
	int64_t retry_ms;  /* the wait after the next failure */
	slot slots[8];
	size_t nslots;
	long long started, bound, failed;
};

static int64_t mono_ms(void)
{
	return gofn_mono_us() / 1000;
}

static void wait_until(gofn_prepared *p, int64_t at_ms)
{
	struct timespec ts;
	int64_t left = at_ms - mono_ms();

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += left / 1000;
	ts.tv_nsec += (left % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&p->cv, &p->mu, &ts);
}

/* The slot that needs a worker most (fewest ready), NULL if none does. */
static slot *needy(gofn_prepared *p)
{
	slot *best = NULL;

	for (size_t i = 0; i < p->nslots; i++) {
		slot *sl = &p->slots[i];
		if (sl->wanted && sl->n < p->want && (!best || sl->n < best->n))
			best = sl;
	}
	return best;
}

/* Starts one worker for sl (unlocked), files it as ready (locked). */
static void prepare_one(gofn_prepared *p, slot *sl)
{
	gofn_err e = {0};
	gofn_worker *w = NULL;
	unsigned uid = 0;
	int rc = 0;

	pthread_mutex_unlock(&p->mu);
	if (p->use_uids && gofn_puids_take(&p->uids, &uid, &e) < 0) {
		gofn_log("error", "prepared_off",
			 json_pack("{s:o}", "error", gofn_json_text(e.msg)));
		pthread_mutex_lock(&p->mu);
		p->off = 1;
		return;
	}
	rc = gofn_worker_spawn_prepared(&p->s->cfg, sl->exe, p->s->confined, uid,
					gofn_now_ms() + PREPARE_TIMEOUT_MS, &w, &e);
	if (rc < 0)
		gofn_log("error", "prepared_spawn_failed",
			 json_pack("{s:o}", "error", gofn_json_text(e.msg)));
	else
		gofn_log("info", "prepared_ready",
			 json_pack("{s:i, s:I, s:s}", "pid", (int)w->pid, "uid", (json_int_t)uid,
				   "worker", sl->exe));
	pthread_mutex_lock(&p->mu);
	if (rc < 0) {
		p->failed++;
		p->retry_ms = p->retry_ms ? p->retry_ms * 2 : RETRY_MS;
		if (p->retry_ms > RETRY_MAX_MS)
			p->retry_ms = RETRY_MAX_MS;
		p->retry_at = mono_ms() + p->retry_ms;
		return;
	}
	p->retry_ms = 0;
	p->started++;
	if (p->stop || sl->n == MAX_READY) {
		pthread_mutex_unlock(&p->mu);
		gofn_worker_destroy(w);
		pthread_mutex_lock(&p->mu);
		return;
	}
	sl->r[sl->n++] = (ready){.w = w, .uid = uid};
}

/* A ready worker never speaks first: a readable socket means it died. */
static int gone(const gofn_worker *w)
{
	struct pollfd pf = {.fd = w->ctrl, .events = POLLIN};

	return poll(&pf, 1, 0) != 0;
}

/* Reaps the ready workers that died while waiting (killed from outside, or
 * the OOM killer): they would stay zombies until a take found them, and
 * their slot would not be refilled. */
static void sweep(gofn_prepared *p)
{
	for (size_t i = 0; i < p->nslots; i++) {
		slot *sl = &p->slots[i];
		for (int j = 0; j < sl->n;) {
			gofn_worker *w = sl->r[j].w;
			if (!gone(w)) {
				j++;
				continue;
			}
			memmove(&sl->r[j], &sl->r[j + 1],
				(size_t)(sl->n - j - 1) * sizeof sl->r[0]);
			sl->n--;
			pthread_mutex_unlock(&p->mu);
			gofn_log("warn", "prepared_lost", json_pack("{s:i}", "pid", (int)w->pid));
			gofn_worker_destroy(w);
			pthread_mutex_lock(&p->mu);
		}
	}
}

/* One worker at a time, and none while a taken one's call is still on its
 * way to its first result (it would compete for the CPU on a small
 * machine), nor for a while after a start failed. */
static void *refill(void *arg)
{
	gofn_prepared *p = arg;

	pthread_mutex_lock(&p->mu);
	while (!p->stop) {
		int64_t now = mono_ms();
		sweep(p);
		slot *sl = p->off ? NULL : needy(p);
		if (!sl) {
			wait_until(p, now + SWEEP_MS);
		} else if (p->nbinding > 0 && now < p->settle_by) {
			wait_until(p, p->settle_by);
		} else if (now < p->retry_at) {
			wait_until(p, p->retry_at);
		} else {
			p->nbinding = 0;
			prepare_one(p, sl);
		}
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static slot *slot_of(gofn_prepared *p, const char *exe)
{
	for (size_t i = 0; i < p->nslots; i++)
		if (strcmp(p->slots[i].exe, exe) == 0)
			return &p->slots[i];
	return NULL;
}

void gofn_prepared_share(gofn_config *c)
{
	int share = c->prepared * (int)gofn_go_nreleases;

	if (c->prepared <= 0)
		return;
	if (c->max_workers <= share) {
		gofn_log("warn", "prepared_off",
			 json_pack("{s:s, s:i, s:i}", "reason",
				   "--max-workers leaves no room for prepared workers",
				   "max_workers", c->max_workers, "prepared", share));
		c->prepared = 0;
		return;
	}
	c->max_workers -= share;
}

int gofn_prepared_start(gofn_server *s, gofn_prepared **out, gofn_err *e)
{
	*out = NULL;
	if (s->cfg.prepared <= 0)
		return 0;
	gofn_prepared *p = calloc(1, sizeof *p);
	if (!p)
		return gofn_errf(e, GOFN_ENOMEM, "prepared workers: out of memory");
	p->s = s;
	p->want = s->cfg.prepared < MAX_READY ? s->cfg.prepared : MAX_READY;
	/* Not root: every worker runs as gofnd's own uid, the same for all
	 * tenants; --uid-range off: all run as nobody. Only when tenants have
	 * uids of their own does a prepared worker need one nobody else had. */
	p->use_uids = s->confined && geteuid() == 0 && s->cfg.uid_count > 0;
	if (p->use_uids && gofn_puids_open(&p->uids, &s->cfg, e) < 0) {
		free(p);
		return -1;
	}
	for (size_t i = 0;
	     i < gofn_go_nreleases && p->nslots < sizeof p->slots / sizeof p->slots[0]; i++) {
		gofn_err re = {0};
		slot *sl = &p->slots[p->nslots];
		if (gofn_runtime_worker(&s->cfg, gofn_go_releases[i].toolchain, sl->exe,
					sizeof sl->exe, &re) < 0 ||
		    access(sl->exe, X_OK) < 0)
			continue;
		sl->wanted = p->nslots == 0;
		p->nslots++;
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	sigset_t all, old;
	sigfillset(&all); /* SIGTERM is main's */
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int rc = pthread_create(&p->thread, NULL, refill, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		free(p);
		errno = rc;
		return gofn_errsys(e, "prepared workers: thread");
	}
	*out = p;
	return 0;
}

void gofn_prepared_stop(gofn_prepared *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thread, NULL);
	for (size_t i = 0; i < p->nslots; i++)
		for (int k = 0; k < p->slots[i].n; k++)
			gofn_worker_destroy(p->slots[i].r[k].w);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

/* Pops the oldest ready worker of exe (marking the slot wanted). */
static int pop(gofn_prepared *p, const char *exe, ready *r)
{
	int got = 0;

	pthread_mutex_lock(&p->mu);
	slot *sl = slot_of(p, exe);
	if (sl && sl->n > 0) {
		*r = sl->r[0];
		memmove(&sl->r[0], &sl->r[1], (size_t)(sl->n - 1) * sizeof sl->r[0]);
		sl->n--;
		if (p->nbinding < MAX_READY)
			p->binding[p->nbinding++] = r->w;
		p->settle_by = mono_ms() + SETTLE_MS;
		got = 1;
	}
	if (sl && !sl->wanted)
		sl->wanted = 1;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return got;
}

int gofn_prepared_take(gofn_prepared *p, const char *exe, const char *tenant,
		       const gofn_tenant_box *box, gofn_worker **w)
{
	ready r;
	gofn_err e = {0};
	int64_t t0 = gofn_mono_us(); /* the call waits for the bind too */

	if (!p || !tenant)
		return 0;
	while (pop(p, exe, &r)) {
		if (gone(r.w)) {
			gofn_log("warn", "prepared_lost", json_pack("{s:i}", "pid", (int)r.w->pid));
			gofn_prepared_settled(p, r.w);
			gofn_worker_destroy(r.w);
			continue;
		}
		int how = gofn_spawned_bind(&p->s->cfg, &r.w->sp, box, &e);
		if (how < 0) {
			gofn_log("error", "prepared_bind_failed",
				 json_pack("{s:i, s:o}", "pid", (int)r.w->pid, "error",
					   gofn_json_text(e.msg)));
			gofn_prepared_settled(p, r.w);
			gofn_worker_destroy(r.w);
			return 0;
		}
		r.w->spawned_us = t0;
		pthread_mutex_lock(&p->mu);
		p->bound++;
		pthread_mutex_unlock(&p->mu);
		gofn_log("info", "prepared_bound",
			 json_pack("{s:s, s:i, s:I, s:I, s:s}", "tenant", tenant, "pid",
				   (int)r.w->pid, "uid", (json_int_t)r.uid, "bind_us",
				   (json_int_t)(gofn_mono_us() - t0), "cpu_group",
				   how == 1 ? "renamed" : "joined"));
		*w = r.w;
		return 1;
	}
	return 0;
}

void gofn_prepared_settled(gofn_prepared *p, const gofn_worker *w)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	for (int i = 0; i < p->nbinding; i++)
		if (p->binding[i] == w) {
			p->binding[i] = p->binding[--p->nbinding];
			pthread_cond_signal(&p->cv);
			break;
		}
	pthread_mutex_unlock(&p->mu);
}

void gofn_prepared_metrics(gofn_prepared *p, gofn_buf *b)
{
	long long n = 0, started = 0, bound = 0, failed = 0;

	if (p) {
		pthread_mutex_lock(&p->mu);
		for (size_t i = 0; i < p->nslots; i++)
			n += p->slots[i].n;
		started = p->started;
		bound = p->bound;
		failed = p->failed;
		pthread_mutex_unlock(&p->mu);
	}
	gofn_buf_printf(b,
			"# HELP gofn_prepared_workers Prepared workers ready to be bound to a "
			"tenant.\n# TYPE gofn_prepared_workers gauge\ngofn_prepared_workers %lld\n"
			"# HELP gofn_prepared_started_total Prepared workers started.\n"
			"# TYPE gofn_prepared_started_total counter\n"
			"gofn_prepared_started_total %lld\n"
			"# HELP gofn_prepared_bound_total Prepared workers bound to a tenant "
			"(each served a call or upload that had no warm worker).\n"
			"# TYPE gofn_prepared_bound_total counter\ngofn_prepared_bound_total %lld\n"
			"# HELP gofn_prepared_failed_total Prepared workers that failed to start.\n"
			"# TYPE gofn_prepared_failed_total counter\n"
			"gofn_prepared_failed_total %lld\n",
			n, started, bound, failed);
}
