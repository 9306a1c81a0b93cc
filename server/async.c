/* The async runner: dispatcher, runners, heartbeat, recorder (see
 * server/async.h). One mutex guards the in-memory bookkeeping (but for
 * a reservation taking its slot: see take_slot); store calls and
 * invocations always happen outside it. */
#include "server/async.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/frame_io.h"
#include "api/proto.h"
#include "server/crypto.h"
#include "server/exec.h"
#include "server/log.h"
#include "server/outcome.h"

/* How long a runner waits for a worker after its claim before giving the
 * row back (a synchronous burst took them all). */
#define WORKER_WAIT_MS 5000
/* Records of synchronous calls the recorder may hold: reserved by calls
 * about to run, waiting, and being written. A call reserves its slot
 * before it runs (gofn_async_reserve), so the id its reply carries is
 * always written (a failed write is retried) and memory stays bounded
 * (about 10 MB of rows); at the bound a call waits, up to its deadline,
 * for the recorder, and is refused with 503 if the store stays behind.
 * A call holds its slot while it waits for a worker too: one per HTTP
 * connection, so with --max-connections (512) below the bound, waiting
 * calls alone never fill it. */
#define MAX_PENDING_RECORDS 4096
/* The recorder writes as soon as this many wait, not only every 200 ms,
 * so that a burst rarely reaches the bound while the store keeps up. */
#define EARLY_WRITE (MAX_PENDING_RECORDS / 4)
/* Retries of a failed write: backoff doubling up to the cap; at stop, a
 * few last attempts before the rows are given up (logged, counted). */
#define RETRY_FIRST_MS	100
#define RETRY_MAX_MS	5000
#define RETRIES_AT_STOP 3
#define GC_EVERY_MS	10000

typedef struct job {
	gofn_inv_row row;
	struct job *next;
} job;

typedef struct tenant_count {
	char tenant[64];
	int running;
	struct tenant_count *next;
} tenant_count;

/* A deleted tenant's name (see gofn_async_forget_tenant). */
typedef struct tomb {
	char name[sizeof((gofn_inv_row *)0)->tenant];
	uint64_t epoch;	  /* the deletion's */
	int64_t until_ms; /* gofn_now_ms: no call that knew it can end after */
} tomb;

struct gofn_async {
	gofn_server *s;
	gofn_store *q;	 /* the queue: durable commits */
	gofn_store *log; /* the record of synchronous calls: relaxed */
	char owner[40];	 /* this gofnd's name on its claims */
	int cap;	 /* workers per tenant async may hold */
	pthread_mutex_t mu;
	pthread_cond_t kick; /* dispatcher: new work, a runner freed, stop */
	pthread_cond_t work; /* runners: a job, stop */
	pthread_cond_t done; /* stop: a runner finished */
	pthread_cond_t beat; /* heartbeat, finish retries: stop */
	pthread_cond_t rec;  /* recorder: records to write, stop */
	pthread_cond_t room; /* calls waiting to reserve a record: room */
	int stopping, kicked;
	job *jobs;	  /* claimed, waiting for a runner */
	int njobs;	  /* in jobs */
	int free_runners; /* waiting for a job */
	int running;	  /* claimed and not finished */
	tenant_count *tenants;
	gofn_inv_row *recs; /* synchronous records for the recorder */
	size_t nrecs, caprecs;
	/* Records held: reserved by calls that run now, waiting (recs) and
	 * being written (batch). A reservation takes its slot with one
	 * compare-and-swap, outside mu (take_slot); every decrease happens
	 * under mu, so a call waiting on room for a slot cannot miss one. */
	_Atomic size_t held;
	gofn_inv_row *batch; /* taken by the recorder, being written: GETs read it */
	size_t writing;	     /* rows in batch */
	int64_t lost;	     /* out of memory in gofn_async_note_sync */
	/* Tenant deletions: their count, which a request reads before its
	 * token names its tenant (gofn_async_epoch), and the names deleted
	 * with the count at the deletion, kept while a call that knew the
	 * tenant before could still end (gofn_async_forget_tenant). */
	_Atomic uint64_t epoch;
	tomb *tombs;
	size_t ntombs;
	pthread_t dispatcher, heartbeat, recorder;
	pthread_t *runners;
	int nrunners, started;
};

int64_t gofn_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct timespec in_ms(int64_t ms)
{
	int64_t at = gofn_now_ms() + ms;
	return (struct timespec){.tv_sec = at / 1000, .tv_nsec = (at % 1000) * 1000000};
}

static tenant_count *count_of(gofn_async *a, const char *tenant)
{
	tenant_count *t;

	for (t = a->tenants; t; t = t->next)
		if (strcmp(t->tenant, tenant) == 0)
			return t;
	if (!(t = calloc(1, sizeof *t)))
		return NULL;
	snprintf(t->tenant, sizeof t->tenant, "%s", tenant);
	t->next = a->tenants;
	a->tenants = t;
	return t;
}

static void log_err(const char *event, const char *id, const gofn_err *e)
{
	gofn_log("error", event,
		 json_pack("{s:s, s:o}", "invocation_id", id ? id : "", "error",
			   gofn_json_text(e->msg)));
}

/* ---- dispatcher ---- */

/* Claims the tenant's next row for a free runner: 1 handed out, 0 none
 * (no capacity, sync waiting, or nothing left), -1 store error. */
static int claim_for(gofn_async *a, const char *tenant, int *none_left)
{
	gofn_err e = {0};
	gofn_inv_row r;

	*none_left = 0;
	pthread_mutex_lock(&a->mu);
	tenant_count *t = count_of(a, tenant);
	int room = !a->stopping && a->free_runners > a->njobs && t && t->running < a->cap;
	pthread_mutex_unlock(&a->mu);
	/* Synchronous callers first: async takes no worker while one waits. */
	if (!room || gofn_pool_waiting(a->s->pool, tenant) > 0)
		return 0;
	int rc = gofn_store_inv_claim(a->q, tenant, a->owner, gofn_wall_ms(),
				      a->s->cfg.async_lease_ms, &r, &e);
	if (rc < 0) {
		log_err("async_claim_failed", NULL, &e);
		return -1;
	}
	if (rc == 1) {
		*none_left = 1;
		return 0;
	}
	job *j = calloc(1, sizeof *j);
	if (!j) {
		gofn_store_inv_requeue(a->q, r.id, a->owner, r.attempt, &e);
		gofn_inv_row_clear(&r);
		return -1;
	}
	j->row = r;
	gofn_metrics_async_wait(a->s->metrics, (r.started_ms - r.created_ms) * 1000);
	pthread_mutex_lock(&a->mu);
	t->running++;
	a->running++;
	gofn_metrics_async_running(a->s->metrics, a->running);
	j->next = a->jobs;
	a->jobs = j;
	a->njobs++;
	pthread_cond_signal(&a->work);
	pthread_mutex_unlock(&a->mu);
	return 1;
}

/* One pass over the tenants with claimable rows, a row per tenant per
 * round (so one tenant's backlog does not hold up another's), until no
 * claim succeeds. Returns 1 if some row could not be handed out yet. */
static int dispatch_round(gofn_async *a, size_t *rotate)
{
	char(*tenants)[64];
	size_t n;
	gofn_err e = {0};

	if (gofn_store_inv_ready(a->q, gofn_wall_ms(), &tenants, &n, &e) < 0) {
		log_err("async_poll_failed", NULL, &e);
		return 1;
	}
	int progress = 1, waiting = 0;
	while (progress && n) {
		progress = 0;
		waiting = 0;
		for (size_t k = 0; k < n; k++) {
			char *t = tenants[(k + *rotate) % n];
			int none_left;
			if (!t[0])
				continue;
			int rc = claim_for(a, t, &none_left);
			if (rc < 0) {
				free(tenants);
				return 1;
			}
			if (none_left)
				t[0] = 0;
			else if (rc == 0)
				waiting = 1;
			progress |= rc;
		}
	}
	(*rotate)++;
	free(tenants);
	return waiting;
}

static void collect_garbage(gofn_async *a)
{
	gofn_err e = {0};

	if (gofn_store_inv_expire(a->q, gofn_wall_ms() - a->s->cfg.result_ttl_s * 1000,
				  a->s->cfg.result_keep, &e) < 0)
		log_err("async_expire_failed", NULL, &e);
}

static void count_queued(gofn_async *a)
{
	gofn_err e = {0};
	int64_t queued, running;

	if (gofn_store_inv_counts(a->q, &queued, &running, &e) == 0)
		gofn_metrics_async_queued(a->s->metrics, queued);
}

static void *dispatch(void *arg)
{
	gofn_async *a = arg;
	size_t rotate = 0;
	int64_t next_gc = 0, next_count = 0;

	pthread_mutex_lock(&a->mu);
	while (!a->stopping) {
		a->kicked = 0;
		pthread_mutex_unlock(&a->mu);
		int blocked = dispatch_round(a, &rotate);
		if (gofn_now_ms() >= next_gc) {
			collect_garbage(a);
			next_gc = gofn_now_ms() + GC_EVERY_MS;
		}
		if (gofn_now_ms() >= next_count) { /* the gauge, at most once a second */
			count_queued(a);
			next_count = gofn_now_ms() + 1000;
		}
		pthread_mutex_lock(&a->mu);
		/* Rows that wait for a sync caller or a runner are looked at
		 * again soon; otherwise a new row or a finished run kicks us,
		 * and the tick finds rows other replicas queued or whose
		 * claims lapsed. */
		struct timespec ts = in_ms(blocked ? 50 : 1000);
		while (!a->stopping && !a->kicked)
			if (pthread_cond_timedwait(&a->kick, &a->mu, &ts) == ETIMEDOUT)
				break;
	}
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

/* ---- runners ---- */

static int sigkind_of(const gofn_function *f, const char *symbol)
{
	for (size_t i = 0; i < f->nsymbols; i++)
		if (strcmp(f->symbols[i].name, symbol) == 0)
			return f->symbols[i].sigkind;
	return -1;
}

/* Stores the row's end; a store that is down is retried for a while (the
 * worker is already free), else the claim lapses and the row runs again. */
static void finish(gofn_async *a, gofn_inv_row *r)
{
	gofn_err e = {0};
	int rc = -1;

	r->finished_ms = gofn_wall_ms();
	for (int i = 0; i < 10 && rc < 0; i++) {
		rc = gofn_store_inv_finish(a->q, r, &e);
		if (rc < 0) {
			log_err("async_finish_failed", r->id, &e);
			pthread_mutex_lock(&a->mu);
			struct timespec ts = in_ms(500);
			if (!a->stopping)
				pthread_cond_timedwait(&a->beat, &a->mu, &ts);
			pthread_mutex_unlock(&a->mu);
		}
	}
	if (rc == 1)
		gofn_log("warn", "async_claim_lost",
			 json_pack("{s:s, s:i}", "invocation_id", r->id, "attempt", r->attempt));
	if (rc == 0)
		gofn_metrics_async_done(a->s->metrics, r->status);
	gofn_log(strcmp(r->status, "ok") && strcmp(r->status, "error") ? "warn" : "info",
		 "invocation",
		 json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:i, s:I, s:o}", "invocation_id", r->id,
			   "mode", "async", "tenant", r->tenant, "function", r->function, "symbol",
			   gofn_json_text(r->symbol), "status", r->status, "attempt", r->attempt,
			   "duration_us", (json_int_t)r->duration_us, "error",
			   gofn_json_text(r->error)));
}

static void fail(gofn_async *a, gofn_inv_row *r, const char *fmt, const char *arg)
{
	snprintf(r->status, sizeof r->status, "failed");
	snprintf(r->error, sizeof r->error, fmt, arg);
	json_t *j =
	    json_pack("{s:s, s:s, s:s, s:s, s:o, s:i, s:I}", "invocation_id", r->id, "function",
		      r->function, "symbol", r->symbol, "status", "failed", "error",
		      gofn_json_text(r->error), "exit_code", 0, "duration_us", (json_int_t)0);
	r->outcome = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	finish(a, r);
}

static void requeue(gofn_async *a, gofn_inv_row *r)
{
	gofn_err e = {0};

	if (gofn_store_inv_requeue(a->q, r->id, a->owner, r->attempt, &e) < 0)
		log_err("async_requeue_failed", r->id, &e); /* the claim lapses instead */
}

static void ran(gofn_async *a, gofn_inv_row *r, const gofn_function *f, int sigkind,
		const gofn_outcome *o)
{
	snprintf(r->status, sizeof r->status, "%s", gofn_status_name(o->status));
	snprintf(r->error, sizeof r->error, "%s", o->error);
	r->exit_code = o->exit_code;
	r->duration_us = o->duration_us;
	json_t *j = gofn_outcome_json(r->id, f, r->symbol, sigkind != GOFN_SIGKIND_VOID, o);
	r->outcome = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	gofn_metrics_invocation(a->s->metrics, r->tenant, r->status, o->duration_us);
	finish(a, r);
}

static void run_job(gofn_async *a, gofn_inv_row *r)
{
	gofn_server *s = a->s;
	gofn_function f;
	gofn_err e = {0};
	gofn_outcome o = {0};
	gofn_worker *w = NULL;

	int rc = gofn_store_fn_get(s->store, r->tenant, r->function, &f, &e);
	if (rc < 0) {
		log_err("async_function_lookup_failed", r->id, &e);
		requeue(a, r);
		return;
	}
	int sigkind = rc == 0 ? sigkind_of(&f, r->symbol) : -1;
	if (rc == 1 || sigkind <= 0) {
		fail(a, r, "function %s was deleted before the invocation ran", r->function);
		gofn_function_clear(&f);
		return;
	}
	enum gofn_exec x =
	    gofn_exec_worker(s, r->tenant, &f, gofn_now_ms() + WORKER_WAIT_MS, &w, &o);
	if (x == GOFN_EXEC_OK) {
		gofn_exec_invoke(s, r->tenant, &f, &w, r->symbol, r->input, r->input_len,
				 r->timeout_ms, 0, 0, &o);
		if (!w) /* it had died while idle, and no replacement could start */
			x = GOFN_EXEC_FAILED;
	}
	switch (x) {
	case GOFN_EXEC_OK:
		gofn_pool_release(s->pool, r->tenant, w);
		ran(a, r, &f, sigkind, &o);
		break;
	case GOFN_EXEC_FAILED:
		fail(a, r, "no worker could load the function: %s", o.error);
		break;
	default: /* no worker free in time, or shutting down: unrun, back in line */
		requeue(a, r);
		break;
	}
	gofn_outcome_clear(&o);
	gofn_function_clear(&f);
}

static void *runner(void *arg)
{
	gofn_async *a = arg;

	pthread_mutex_lock(&a->mu);
	for (;;) {
		while (!a->jobs && !a->stopping) {
			a->free_runners++;
			pthread_cond_signal(&a->kick);
			pthread_cond_wait(&a->work, &a->mu);
			a->free_runners--;
		}
		job *j = a->jobs;
		if (!j)
			break;
		a->jobs = j->next;
		a->njobs--;
		int stopping = a->stopping;
		pthread_mutex_unlock(&a->mu);
		if (stopping)
			requeue(a, &j->row);
		else
			run_job(a, &j->row);
		pthread_mutex_lock(&a->mu);
		tenant_count *t = count_of(a, j->row.tenant);
		if (t)
			t->running--;
		a->running--;
		gofn_metrics_async_running(a->s->metrics, a->running);
		a->kicked = 1;
		pthread_cond_signal(&a->kick);
		pthread_cond_broadcast(&a->done);
		gofn_inv_row_clear(&j->row);
		free(j);
	}
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

/* ---- heartbeat and recorder ---- */

static void *heartbeat(void *arg)
{
	gofn_async *a = arg;
	int64_t every = a->s->cfg.async_lease_ms / 3 > 0 ? a->s->cfg.async_lease_ms / 3 : 1;

	pthread_mutex_lock(&a->mu);
	while (!a->stopping) {
		struct timespec ts = in_ms(every);
		pthread_cond_timedwait(&a->beat, &a->mu, &ts);
		int busy = a->running > 0;
		pthread_mutex_unlock(&a->mu);
		gofn_err e = {0};
		if (busy && gofn_store_inv_heartbeat(
				a->q, a->owner, gofn_wall_ms() + a->s->cfg.async_lease_ms, &e) < 0)
			log_err("async_heartbeat_failed", NULL, &e);
		pthread_mutex_lock(&a->mu);
	}
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

/* Every record held: reserved, waiting, and in the recorder's batch. */
static size_t held(gofn_async *a)
{
	return atomic_load_explicit(&a->held, memory_order_relaxed);
}

/* A slot, if there is room: 1 taken, 0 at the bound. The count is all
 * the slot guards (the rows themselves are under mu), hence relaxed. */
static int take_slot(gofn_async *a)
{
	size_t h = held(a);

	while (h < MAX_PENDING_RECORDS)
		if (atomic_compare_exchange_weak_explicit(&a->held, &h, h + 1, memory_order_relaxed,
							  memory_order_relaxed))
			return 1;
	return 0;
}

/* Gives back n slots (under mu: see held). */
static void free_slots(gofn_async *a, size_t n)
{
	atomic_fetch_sub_explicit(&a->held, n, memory_order_relaxed);
	pthread_cond_broadcast(&a->room);
}

/* Writes a batch, retrying a store that fails (the rows stay counted
 * against the bound meanwhile, so calls wait instead of their records
 * being lost); at stop the rows are given up after a few attempts. */
static void write_records(gofn_async *a, gofn_inv_row *recs, size_t n)
{
	int64_t backoff = RETRY_FIRST_MS;

	for (int at_stop = 0; n;) {
		gofn_err e = {0};
		if (gofn_store_inv_record(a->log, recs, n, &e) == 0)
			break;
		gofn_metrics_sync_record_write_failed(a->s->metrics);
		pthread_mutex_lock(&a->mu);
		int give_up = a->stopping && ++at_stop > RETRIES_AT_STOP;
		if (!give_up && !a->stopping) {
			struct timespec ts = in_ms(backoff);
			pthread_cond_timedwait(&a->rec, &a->mu, &ts);
		}
		pthread_mutex_unlock(&a->mu);
		gofn_log(give_up ? "error" : "warn",
			 give_up ? "sync_records_lost" : "sync_records_retry",
			 json_pack("{s:I, s:o}", "count", (json_int_t)n, "error",
				   gofn_json_text(e.msg)));
		if (give_up) {
			gofn_metrics_sync_records_lost(a->s->metrics, (int64_t)n);
			break;
		}
		backoff = backoff * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : backoff * 2;
	}
}

static void *recorder(void *arg)
{
	gofn_async *a = arg;
	gofn_inv_row *written = NULL; /* freed outside the lock */

	pthread_mutex_lock(&a->mu);
	for (;;) {
		int stopping = a->stopping;
		if (!stopping && a->nrecs < EARLY_WRITE) {
			/* batch for throughput; EARLY_WRITE records wake us */
			struct timespec ts = in_ms(200);
			pthread_cond_timedwait(&a->rec, &a->mu, &ts);
		}
		gofn_inv_row *recs = a->recs;
		size_t n = a->nrecs;
		int64_t lost = a->lost;
		a->recs = NULL;
		a->nrecs = a->caprecs = 0;
		a->batch = recs; /* GET /invocations/{id} still finds them here */
		a->writing = n;
		a->lost = 0;
		pthread_mutex_unlock(&a->mu);
		free(written);
		if (lost) {
			gofn_log("error", "sync_records_lost",
				 json_pack("{s:I, s:s}", "count", (json_int_t)lost, "error",
					   "out of memory"));
			gofn_metrics_sync_records_lost(a->s->metrics, lost);
		}
		write_records(a, recs, n);
		pthread_mutex_lock(&a->mu);
		/* Committed (or given up): from now on the store answers. */
		written = a->batch;
		a->batch = NULL;
		free_slots(a, a->writing);
		a->writing = 0;
		if (stopping && !a->nrecs)
			break;
	}
	pthread_mutex_unlock(&a->mu);
	free(written);
	return NULL;
}

size_t gofn_async_records_held(gofn_async *a)
{
	return held(a);
}

int gofn_async_reserve(gofn_async *a, int64_t deadline_ms, gofn_err *e)
{
	/* Below the bound, no lock: a synchronous call then takes mu once,
	 * in gofn_async_note_sync, not twice. */
	if (!a || take_slot(a))
		return 0;
	pthread_mutex_lock(&a->mu);
	struct timespec ts = {.tv_sec = deadline_ms / 1000,
			      .tv_nsec = (deadline_ms % 1000) * 1000000};
	int ok;
	while (!(ok = take_slot(a))) {
		pthread_cond_signal(&a->rec);
		if (pthread_cond_timedwait(&a->room, &a->mu, &ts) == ETIMEDOUT) {
			ok = take_slot(a);
			break;
		}
	}
	pthread_mutex_unlock(&a->mu);
	if (ok)
		return 0;
	gofn_metrics_sync_record_refused(a->s->metrics);
	return gofn_errf(e, GOFN_EAGAIN,
			 "the record of synchronous invocations is %d rows behind its store; "
			 "the call was not run: retry later",
			 MAX_PENDING_RECORDS);
}

void gofn_async_unreserve(gofn_async *a)
{
	if (!a)
		return;
	pthread_mutex_lock(&a->mu);
	free_slots(a, 1);
	pthread_mutex_unlock(&a->mu);
}

/* snprintf(dst, cap, "%s", src) without the format machinery (six per
 * synchronous call: 3,500 instructions of them). */
static void copy(char *dst, size_t cap, const char *src)
{
	size_t n = strnlen(src, cap - 1);

	memcpy(dst, src, n);
	dst[n] = 0;
}

/* Whether tenant was deleted after a request read epoch (under mu). */
static int deleted_since(const gofn_async *a, const char *tenant, uint64_t epoch)
{
	for (size_t i = 0; i < a->ntombs; i++)
		if (a->tombs[i].epoch > epoch && strcmp(a->tombs[i].name, tenant) == 0)
			return 1;
	return 0;
}

void gofn_async_note_sync(gofn_async *a, const char *inv, const char *tenant, uint64_t epoch,
			  const char *function, const char *symbol, int64_t timeout_ms,
			  const gofn_outcome *o)
{
	if (!a)
		return;
	pthread_mutex_lock(&a->mu); /* the reserved slot becomes the record */
	if (deleted_since(a, tenant, epoch)) {
		free_slots(a, 1);
		pthread_mutex_unlock(&a->mu);
		return;
	}
	if (a->nrecs == a->caprecs) {
		/* never past the bound: held() counted this record */
		size_t cap = a->caprecs ? 2 * a->caprecs : 64;
		if (cap > MAX_PENDING_RECORDS)
			cap = MAX_PENDING_RECORDS;
		gofn_inv_row *more = realloc(a->recs, cap * sizeof *more);
		if (!more) {
			a->lost++;
			free_slots(a, 1);
			pthread_mutex_unlock(&a->mu);
			return;
		}
		a->recs = more;
		a->caprecs = cap;
	}
	gofn_inv_row *r = &a->recs[a->nrecs++];
	memset(r, 0, sizeof *r);
	copy(r->id, sizeof r->id, inv);
	copy(r->tenant, sizeof r->tenant, tenant);
	copy(r->function, sizeof r->function, function);
	copy(r->symbol, sizeof r->symbol, symbol);
	copy(r->status, sizeof r->status, gofn_status_name(o->status));
	copy(r->error, sizeof r->error, o->error);
	r->exit_code = o->exit_code;
	r->timeout_ms = timeout_ms;
	r->duration_us = o->duration_us;
	r->finished_ms = gofn_wall_ms();
	r->created_ms = r->finished_ms - o->duration_us / 1000;
	if (a->nrecs == EARLY_WRITE)
		pthread_cond_signal(&a->rec);
	pthread_mutex_unlock(&a->mu);
}

uint64_t gofn_async_epoch(gofn_async *a)
{
	return a ? atomic_load_explicit(&a->epoch, memory_order_acquire) : 0;
}

/* Keeps rows[] not of tenant, in order; their new count. */
static size_t drop_tenant(gofn_inv_row *rows, size_t n, const char *tenant)
{
	size_t kept = 0;

	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].tenant, tenant) != 0)
			rows[kept++] = rows[i];
	return kept;
}

static int holds_tenant(const gofn_inv_row *rows, size_t n, const char *tenant)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].tenant, tenant) == 0)
			return 1;
	return 0;
}

/* The tombstone outlives every call that could have known the tenant: the
 * longest timeout, which bounds a call's wait for a worker and its run,
 * and a minute for the rest of its request. */
#define TOMB_SLACK_MS 60000

static void bury(gofn_async *a, const char *tenant, uint64_t epoch)
{
	int64_t now = gofn_now_ms();
	size_t kept = 0;

	for (size_t i = 0; i < a->ntombs; i++)
		if (a->tombs[i].until_ms > now)
			a->tombs[kept++] = a->tombs[i];
	a->ntombs = kept;
	tomb *more = realloc(a->tombs, (a->ntombs + 1) * sizeof *more);
	if (!more) {
		/* its late records then meet the store's foreign key alone */
		gofn_log("error", "tenant_records_unguarded", json_pack("{s:s}", "tenant", tenant));
		return;
	}
	a->tombs = more;
	tomb *t = &a->tombs[a->ntombs++];
	copy(t->name, sizeof t->name, tenant);
	t->epoch = epoch;
	t->until_ms = now + a->s->cfg.max_timeout_ms + TOMB_SLACK_MS;
}

void gofn_async_forget_tenant(gofn_async *a, const char *tenant)
{
	if (!a)
		return;
	pthread_mutex_lock(&a->mu);
	bury(a, tenant, atomic_fetch_add_explicit(&a->epoch, 1, memory_order_acq_rel) + 1);
	size_t n = a->nrecs;
	a->nrecs = drop_tenant(a->recs, a->nrecs, tenant);
	if (a->nrecs != n)
		free_slots(a, n - a->nrecs);
	/* The batch being written commits before the tenant's rows were
	 * deleted (the cascade takes them) or after (its foreign key drops
	 * them); until then GETs could still read them from memory. */
	while (a->batch && holds_tenant(a->batch, a->writing, tenant))
		pthread_cond_wait(&a->room, &a->mu);
	pthread_mutex_unlock(&a->mu);
}

/* A record as the store returns it once written: the columns that
 * record_one (store_sqlite_invocations.c) and pg_inv_record
 * (store_pg_invocations.c) write as constants, which the recorder's
 * rows leave out to keep gofn_async_note_sync short. */
static void as_stored(gofn_inv_row *r)
{
	copy(r->mode, sizeof r->mode, "sync");
	copy(r->state, sizeof r->state, "done");
	r->attempt = 1;
	r->started_ms = r->created_ms;
}

static const gofn_inv_row *find(const gofn_inv_row *rows, size_t n, const char *tenant,
				const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].id, id) == 0 && strcmp(rows[i].tenant, tenant) == 0)
			return &rows[i];
	return NULL;
}

int gofn_async_held_get(gofn_async *a, const char *tenant, const char *id, gofn_inv_row *out)
{
	if (!a)
		return 0;
	/* A linear scan: at most MAX_PENDING_RECORDS rows, a few
	 * microseconds, and GETs are rare next to the calls that append. */
	pthread_mutex_lock(&a->mu);
	const gofn_inv_row *r = find(a->recs, a->nrecs, tenant, id);
	if (!r)
		r = find(a->batch, a->writing, tenant, id);
	if (r)
		*out = *r; /* no pointers: records carry neither input nor outcome */
	pthread_mutex_unlock(&a->mu);
	if (r)
		as_stored(out);
	return r != NULL;
}

/* What the store's list selects (store_sqlite_invocations.c sq_inv_list):
 * records are done, so a status of queued or running matches none. */
static int listed(const gofn_inv_row *r, const gofn_inv_filter *f)
{
	return strcmp(r->tenant, f->tenant) == 0 &&
	       (!f->function || strcmp(r->function, f->function) == 0) &&
	       (!f->status || strcmp(r->status, f->status) == 0);
}

/* Appends rows[] matching f, newest (last) first, while out has room. */
static void take_listed(const gofn_inv_row *rows, size_t n, const gofn_inv_filter *f,
			gofn_inv_row *out, size_t *nout, size_t cap)
{
	for (size_t i = n; i-- > 0 && *nout < cap;)
		if (listed(&rows[i], f))
			out[(*nout)++] = rows[i];
}

int gofn_async_held_list(gofn_async *a, const gofn_inv_filter *f, gofn_inv_row **rows, size_t *n,
			 gofn_err *e)
{
	*rows = NULL;
	*n = 0;
	if (!a || f->limit <= 0)
		return 0;
	pthread_mutex_lock(&a->mu);
	size_t cap = a->nrecs + a->writing;
	if (cap > (size_t)f->limit)
		cap = (size_t)f->limit;
	gofn_inv_row *out = cap ? malloc(cap * sizeof *out) : NULL;
	if (out) {
		/* waiting rows are newer than the batch being written */
		take_listed(a->recs, a->nrecs, f, out, n, cap);
		take_listed(a->batch, a->writing, f, out, n, cap);
	}
	pthread_mutex_unlock(&a->mu);
	if (cap && !out)
		return gofn_errf(e, GOFN_ENOMEM, "invocations: out of memory");
	for (size_t i = 0; i < *n; i++)
		as_stored(&out[i]);
	*rows = out;
	return 0;
}

/* ---- lifecycle ---- */

int gofn_async_submit(gofn_async *a, gofn_inv_row *r, gofn_err *e)
{
	char rnd[17];

	if (gofn_random_hex(rnd, 8, e) < 0)
		return -1;
	snprintf(r->id, sizeof r->id, "inv_%s", rnd);
	r->created_ms = gofn_wall_ms();
	int rc = gofn_store_inv_add(a->q, r, a->s->cfg.async_queue, e);
	if (rc == 0) {
		pthread_mutex_lock(&a->mu);
		a->kicked = 1;
		pthread_cond_signal(&a->kick);
		pthread_mutex_unlock(&a->mu);
	}
	if (rc == 1)
		return gofn_errf(e, GOFN_ESYS, "invocation id %s exists", r->id);
	return rc;
}

gofn_store *gofn_async_store(gofn_async *a)
{
	return a->q;
}

static int start_threads(gofn_async *a, gofn_err *e)
{
	a->runners = calloc((size_t)a->s->cfg.async_runners, sizeof *a->runners);
	if (!a->runners)
		return gofn_errf(e, GOFN_ENOMEM, "async: out of memory");
	if (pthread_create(&a->recorder, NULL, recorder, a) != 0)
		return gofn_errf(e, GOFN_ESYS, "async: cannot start the recorder");
	pthread_setname_np(a->recorder, "gofnd-recorder"); /* for top and perf */
	a->started = 1;
	if (pthread_create(&a->heartbeat, NULL, heartbeat, a) != 0)
		return gofn_errf(e, GOFN_ESYS, "async: cannot start the heartbeat");
	a->started = 2;
	for (; a->nrunners < a->s->cfg.async_runners; a->nrunners++)
		if (pthread_create(&a->runners[a->nrunners], NULL, runner, a) != 0)
			return gofn_errf(e, GOFN_ESYS, "async: cannot start runner %d",
					 a->nrunners);
	if (pthread_create(&a->dispatcher, NULL, dispatch, a) != 0)
		return gofn_errf(e, GOFN_ESYS, "async: cannot start the dispatcher");
	a->started = 3;
	return 0;
}

int gofn_async_start(gofn_server *s, const char *sqlite_path, gofn_async **out, gofn_err *e)
{
	gofn_async *a = calloc(1, sizeof *a);
	char rnd[13];

	*out = NULL;
	if (!a)
		return gofn_errf(e, GOFN_ENOMEM, "async: out of memory");
	a->s = s;
	int w = s->cfg.workers_per_tenant;
	a->cap = s->cfg.async_workers ? s->cfg.async_workers : (w > 1 ? w - 1 : 1);
	if (a->cap > w)
		a->cap = w;
	pthread_mutex_init(&a->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&a->kick, &ca);
	pthread_cond_init(&a->work, &ca);
	pthread_cond_init(&a->done, &ca);
	pthread_cond_init(&a->beat, &ca);
	pthread_cond_init(&a->rec, &ca);
	pthread_cond_init(&a->room, &ca);
	pthread_condattr_destroy(&ca);
	*out = a;
	if (gofn_random_hex(rnd, 6, e) < 0)
		return -1;
	snprintf(a->owner, sizeof a->owner, "gofnd-%s", rnd);
	if (gofn_store_inv_open(&s->cfg, sqlite_path, 0, &a->q, e) < 0 ||
	    gofn_store_inv_open(&s->cfg, sqlite_path, 1, &a->log, e) < 0)
		return -1;
	if (strcmp(s->cfg.store, "postgres") != 0 && gofn_store_inv_recover(a->q, e) < 0)
		return -1;
	gofn_log("info", "async_ready",
		 json_pack("{s:s, s:i, s:i, s:I}", "owner", a->owner, "runners",
			   s->cfg.async_runners, "per_tenant", a->cap, "lease_ms",
			   (json_int_t)s->cfg.async_lease_ms));
	return start_threads(a, e);
}

void gofn_async_stop(gofn_async *a, int64_t grace_ms)
{
	if (!a)
		return;
	pthread_mutex_lock(&a->mu);
	a->stopping = 1;
	pthread_cond_broadcast(&a->kick);
	pthread_cond_broadcast(&a->work);
	pthread_cond_broadcast(&a->beat);
	pthread_cond_broadcast(&a->rec);
	/* Running invocations finish within the grace period, like
	 * synchronous ones; claimed-but-unstarted rows go back to the queue. */
	struct timespec ts = in_ms(grace_ms);
	while (a->running > 0)
		if (pthread_cond_timedwait(&a->done, &a->mu, &ts) == ETIMEDOUT)
			break;
	int stuck = a->running > 0;
	pthread_mutex_unlock(&a->mu);
	if (a->started == 3)
		pthread_join(a->dispatcher, NULL);
	if (a->started >= 1)
		pthread_join(a->recorder, NULL);
	if (a->started >= 2)
		pthread_join(a->heartbeat, NULL);
	if (stuck) {
		/* A runner still inside tenant code: its claim lapses and the
		 * row runs again (at least once); leave it to the exit. */
		gofn_log("warn", "async_stop_timeout", json_pack("{s:i}", "running", a->running));
		return;
	}
	for (int i = 0; i < a->nrunners; i++)
		pthread_join(a->runners[i], NULL);
	free(a->runners);
	gofn_store_close(a->q);
	gofn_store_close(a->log);
	while (a->tenants) {
		tenant_count *n = a->tenants->next;
		free(a->tenants);
		a->tenants = n;
	}
	pthread_cond_destroy(&a->kick);
	pthread_cond_destroy(&a->work);
	pthread_cond_destroy(&a->done);
	pthread_cond_destroy(&a->beat);
	pthread_cond_destroy(&a->rec);
	pthread_cond_destroy(&a->room);
	pthread_mutex_destroy(&a->mu);
	free(a->tombs);
	free(a);
}
