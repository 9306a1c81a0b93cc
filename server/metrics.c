#include "server/metrics.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/hash.h"

static const char *const statuses[] = {
    "ok", "error", "panic", "exit", "timeout", "killed", "sandbox_violation"};
#define NSTATUS (sizeof statuses / sizeof statuses[0])

/* Upper bounds in seconds of the latency histogram. */
static const double buckets[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
				 0.1,	 0.25,	  0.5,	  1,	 2.5,	 5,	10,   30,    60};
#define NBUCKET (sizeof buckets / sizeof buckets[0])

/* Async outcomes: the statuses above plus "failed" (could not run). */
static const char *const async_statuses[] = {
    "ok", "error", "panic", "exit", "timeout", "killed", "sandbox_violation", "failed"};
#define NASYNC (sizeof async_statuses / sizeof async_statuses[0])

/* Upper bounds in seconds of the async queue wait histogram. */
static const double wait_buckets[] = {0.001, 0.005, 0.01, 0.05, 0.1, 0.5,  1,
				      5,     10,    30,	  60,	300, 1800, 3600};
#define NWAIT (sizeof wait_buckets / sizeof wait_buckets[0])

typedef struct async_stat {
	uint64_t done[NASYNC];
	uint64_t wait[NWAIT + 1];
	double wait_sum;
	int64_t queued, running;
	uint64_t rec_refused, rec_write_failed, rec_lost; /* sync records */
} async_stat;

typedef struct tenant_stat {
	char name[64];
	uint64_t by_status[NSTATUS];
	struct tenant_stat *next;  /* every tenant, newest first (the rendering's order) */
	struct tenant_stat *hnext; /* the same bucket of by_name */
} tenant_stat;

/* Every invocation finds its tenant under the one mutex: hashed, so 1,000
 * tenants (issue 16 target 3) cost what one does, not 1,000 strcmp. */
#define NTENANT_BUCKETS 1024

struct gofn_metrics {
	pthread_mutex_t mu;
	tenant_stat *tenants;
	tenant_stat *by_name[NTENANT_BUCKETS];
	uint64_t hist[NBUCKET + 1];
	double hist_sum;
	uint64_t loads_ok, loads_failed;
	uint64_t http[6]; /* by status class 1xx..5xx */
	uint64_t first_n;
	double first_sum;
	async_stat async;
};

gofn_metrics *gofn_metrics_new(void)
{
	gofn_metrics *m = calloc(1, sizeof *m);

	if (m)
		pthread_mutex_init(&m->mu, NULL);
	return m;
}

void gofn_metrics_free(gofn_metrics *m)
{
	if (!m)
		return;
	while (m->tenants) {
		tenant_stat *n = m->tenants->next;
		free(m->tenants);
		m->tenants = n;
	}
	pthread_mutex_destroy(&m->mu);
	free(m);
}

/* A tenant's name as stored (its first 63 bytes) and that key's bucket:
 * made before the lock is taken, without snprintf (its format parsing was
 * more than half of an invocation's metrics, bench/callgrind_warm.sh). */
typedef struct {
	char key[sizeof((tenant_stat *)0)->name];
	size_t bucket;
} tenant_key;

static void tenant_key_of(tenant_key *k, const char *name)
{
	size_t n = strnlen(name, sizeof k->key - 1);

	memcpy(k->key, name, n);
	k->key[n] = 0;
	k->bucket = gofn_fnv1a(GOFN_FNV1A_INIT, k->key, n) % NTENANT_BUCKETS;
}

/* Under mu. */
static tenant_stat *find_key(gofn_metrics *m, const tenant_key *k)
{
	tenant_stat **b = &m->by_name[k->bucket], *t;

	for (t = *b; t; t = t->hnext)
		if (strcmp(t->name, k->key) == 0)
			return t;
	t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	memcpy(t->name, k->key, sizeof k->key);
	t->next = m->tenants;
	m->tenants = t;
	t->hnext = *b;
	*b = t;
	return t;
}

void gofn_metrics_invocation(gofn_metrics *m, const char *tenant, const char *status,
			     int64_t duration_us)
{
	double s = (double)duration_us / 1e6;
	size_t b = 0, st = 0;
	tenant_key k;

	while (b < NBUCKET && s > buckets[b])
		b++;
	while (st < NSTATUS && strcmp(statuses[st], status) != 0)
		st++; /* the names differ: the first match is the only one */
	tenant_key_of(&k, tenant);
	pthread_mutex_lock(&m->mu);
	tenant_stat *t = find_key(m, &k);
	if (t && st < NSTATUS)
		t->by_status[st]++;
	m->hist[b]++;
	m->hist_sum += s;
	pthread_mutex_unlock(&m->mu);
}

void gofn_metrics_load(gofn_metrics *m, int ok)
{
	pthread_mutex_lock(&m->mu);
	if (ok)
		m->loads_ok++;
	else
		m->loads_failed++;
	pthread_mutex_unlock(&m->mu);
}

void gofn_metrics_http(gofn_metrics *m, unsigned status)
{
	pthread_mutex_lock(&m->mu);
	m->http[status / 100 < 6 ? status / 100 : 0]++;
	pthread_mutex_unlock(&m->mu);
}

void gofn_metrics_first_result(gofn_metrics *m, int64_t us)
{
	pthread_mutex_lock(&m->mu);
	m->first_n++;
	m->first_sum += (double)us / 1e6;
	pthread_mutex_unlock(&m->mu);
}

void gofn_metrics_async_wait(gofn_metrics *m, int64_t wait_us)
{
	double s = wait_us > 0 ? (double)wait_us / 1e6 : 0;
	size_t b = 0;

	while (b < NWAIT && s > wait_buckets[b])
		b++;
	pthread_mutex_lock(&m->mu);
	m->async.wait[b]++;
	m->async.wait_sum += s;
	pthread_mutex_unlock(&m->mu);
}

void gofn_metrics_async_done(gofn_metrics *m, const char *status)
{
	pthread_mutex_lock(&m->mu);
	for (size_t i = 0; i < NASYNC; i++)
		if (strcmp(async_statuses[i], status) == 0)
			m->async.done[i]++;
	pthread_mutex_unlock(&m->mu);
}

void gofn_metrics_async_queued(gofn_metrics *m, int64_t queued)
{
	pthread_mutex_lock(&m->mu);
	m->async.queued = queued;
	pthread_mutex_unlock(&m->mu);
}

void gofn_metrics_async_running(gofn_metrics *m, int64_t running)
{
	pthread_mutex_lock(&m->mu);
	m->async.running = running;
	pthread_mutex_unlock(&m->mu);
}

void gofn_metrics_sync_record_refused(gofn_metrics *m)
{
	pthread_mutex_lock(&m->mu);
	m->async.rec_refused++;
	pthread_mutex_unlock(&m->mu);
}

void gofn_metrics_sync_record_write_failed(gofn_metrics *m)
{
	pthread_mutex_lock(&m->mu);
	m->async.rec_write_failed++;
	pthread_mutex_unlock(&m->mu);
}

void gofn_metrics_sync_records_lost(gofn_metrics *m, int64_t n)
{
	pthread_mutex_lock(&m->mu);
	m->async.rec_lost += (uint64_t)n;
	pthread_mutex_unlock(&m->mu);
}

/* A Prometheus histogram: counts[i] observations <= le[i], counts[n] above. */
static void render_histogram(gofn_buf *b, const char *name, const double *le, size_t n,
			     const uint64_t *counts, double sum)
{
	uint64_t cum = 0;

	for (size_t i = 0; i < n; i++) {
		cum += counts[i];
		gofn_buf_printf(b, "%s_bucket{le=\"%g\"} %llu\n", name, le[i],
				(unsigned long long)cum);
	}
	cum += counts[n];
	gofn_buf_printf(b, "%s_bucket{le=\"+Inf\"} %llu\n%s_sum %.6f\n%s_count %llu\n", name,
			(unsigned long long)cum, name, sum, name, (unsigned long long)cum);
}

static void render_invocations(gofn_metrics *m, gofn_buf *b)
{
	gofn_buf_printf(b, "# HELP gofn_invocations_total Invocations by tenant and status.\n"
			   "# TYPE gofn_invocations_total counter\n");
	for (tenant_stat *t = m->tenants; t; t = t->next)
		for (size_t i = 0; i < NSTATUS; i++)
			gofn_buf_printf(
			    b, "gofn_invocations_total{tenant=\"%s\",status=\"%s\"} %llu\n",
			    t->name, statuses[i], (unsigned long long)t->by_status[i]);
	gofn_buf_printf(
	    b, "# HELP gofn_invocation_duration_seconds Invocation latency as seen by gofnd.\n"
	       "# TYPE gofn_invocation_duration_seconds histogram\n");
	render_histogram(b, "gofn_invocation_duration_seconds", buckets, NBUCKET, m->hist,
			 m->hist_sum);
}

static void render_async(const async_stat *a, gofn_buf *b)
{
	gofn_buf_printf(
	    b,
	    "# HELP gofn_async_queued Async invocations waiting in the store's queue (all "
	    "replicas).\n# TYPE gofn_async_queued gauge\ngofn_async_queued %lld\n"
	    "# HELP gofn_async_running Async invocations this gofnd runs now.\n"
	    "# TYPE gofn_async_running gauge\ngofn_async_running %lld\n"
	    "# HELP gofn_async_completed_total Async invocations finished by this gofnd, by "
	    "status.\n# TYPE gofn_async_completed_total counter\n",
	    (long long)a->queued, (long long)a->running);
	for (size_t i = 0; i < NASYNC; i++)
		gofn_buf_printf(b, "gofn_async_completed_total{status=\"%s\"} %llu\n",
				async_statuses[i], (unsigned long long)a->done[i]);
	gofn_buf_printf(
	    b, "# HELP gofn_async_queue_wait_seconds Time from acceptance to a runner's claim.\n"
	       "# TYPE gofn_async_queue_wait_seconds histogram\n");
	render_histogram(b, "gofn_async_queue_wait_seconds", wait_buckets, NWAIT, a->wait,
			 a->wait_sum);
	gofn_buf_printf(
	    b,
	    "# HELP gofn_sync_record_refusals_total Synchronous calls refused (503, not run) "
	    "because the record of synchronous calls was full.\n"
	    "# TYPE gofn_sync_record_refusals_total counter\ngofn_sync_record_refusals_total %llu\n"
	    "# HELP gofn_sync_record_write_failures_total Failed writes of a batch of records of "
	    "synchronous calls (retried).\n"
	    "# TYPE gofn_sync_record_write_failures_total counter\n"
	    "gofn_sync_record_write_failures_total %llu\n"
	    "# HELP gofn_sync_records_lost_total Records of synchronous calls given up (the store "
	    "still failing at stop, or out of memory).\n"
	    "# TYPE gofn_sync_records_lost_total counter\ngofn_sync_records_lost_total %llu\n",
	    (unsigned long long)a->rec_refused, (unsigned long long)a->rec_write_failed,
	    (unsigned long long)a->rec_lost);
}

char *gofn_metrics_render(gofn_metrics *m, const gofn_pool_stats *ps)
{
	gofn_buf b = {0};

	pthread_mutex_lock(&m->mu);
	render_invocations(m, &b);
	render_async(&m->async, &b);
	gofn_buf_printf(
	    &b,
	    "# HELP gofn_loads_total Object loads by result.\n# TYPE gofn_loads_total counter\n"
	    "gofn_loads_total{result=\"ok\"} %llu\ngofn_loads_total{result=\"failed\"} %llu\n",
	    (unsigned long long)m->loads_ok, (unsigned long long)m->loads_failed);
	gofn_buf_printf(&b, "# HELP gofn_http_responses_total HTTP responses by status class.\n"
			    "# TYPE gofn_http_responses_total counter\n");
	for (int i = 1; i < 6; i++)
		gofn_buf_printf(&b, "gofn_http_responses_total{code=\"%dxx\"} %llu\n", i,
				(unsigned long long)m->http[i]);
	gofn_buf_printf(
	    &b,
	    "# HELP gofn_worker_first_result_seconds Time from a worker's spawn to its first "
	    "result.\n"
	    "# TYPE gofn_worker_first_result_seconds summary\n"
	    "gofn_worker_first_result_seconds_sum %.6f\ngofn_worker_first_result_seconds_count "
	    "%llu\n",
	    m->first_sum, (unsigned long long)m->first_n);
	pthread_mutex_unlock(&m->mu);
	gofn_buf_printf(
	    &b,
	    "# HELP gofn_workers Worker processes alive (or starting).\n# TYPE gofn_workers gauge\n"
	    "gofn_workers %lld\n"
	    "# HELP gofn_workers_idle Warm workers waiting for work.\n# TYPE gofn_workers_idle "
	    "gauge\n"
	    "gofn_workers_idle %lld\n"
	    "# HELP gofn_workers_spawned_total Workers spawned for a tenant's call or upload (a "
	    "prepared worker bound to one is in gofn_prepared_bound_total instead; every cold "
	    "start is in gofn_worker_first_result_seconds_count).\n"
	    "# TYPE gofn_workers_spawned_total counter\ngofn_workers_spawned_total %lld\n"
	    "# HELP gofn_workers_starting Cold starts in progress (spawn or bind, and load).\n"
	    "# TYPE gofn_workers_starting gauge\ngofn_workers_starting %lld\n"
	    "# HELP gofn_workers_starting_max Cold starts allowed at once (--max-starting).\n"
	    "# TYPE gofn_workers_starting_max gauge\ngofn_workers_starting_max %lld\n"
	    "# HELP gofn_queue_abandoned_total Calls that left the queue because their client "
	    "closed its connection (no worker was started for them).\n"
	    "# TYPE gofn_queue_abandoned_total counter\ngofn_queue_abandoned_total %lld\n"
	    "# HELP gofn_queue_depth Invocations waiting for a worker.\n# TYPE gofn_queue_depth "
	    "gauge\n"
	    "gofn_queue_depth %lld\n"
	    "# HELP gofn_workers_max The worker budget (--max-workers), all tenants.\n"
	    "# TYPE gofn_workers_max gauge\ngofn_workers_max %lld\n"
	    "# HELP gofn_workers_evicted_total Idle warm workers stopped to make room within the "
	    "budget.\n# TYPE gofn_workers_evicted_total counter\ngofn_workers_evicted_total %lld\n",
	    (long long)ps->workers, (long long)ps->idle, (long long)ps->spawned,
	    (long long)ps->starting, (long long)ps->max_starting, (long long)ps->abandoned,
	    (long long)ps->queued, (long long)ps->max_workers, (long long)ps->evictions);
	return gofn_buf_take(&b);
}
