#include "server/tenant_uid.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox/sandbox.h"
#include "server/log.h"
#include "server/pool.h"
#include "server/store_tenants.h"

int gofn_uid_span_parse(const char *flag, const char *v, unsigned *base, unsigned *count,
			gofn_err *e)
{
	char *end;
	unsigned long long b, n;

	errno = 0;
	b = strtoull(v, &end, 10);
	if (errno || end == v || *end != ':' || v[0] == '-')
		return gofn_errf(e, GOFN_EINVAL, "%s %s: want BASE:COUNT", flag, v);
	const char *c = end + 1;
	n = strtoull(c, &end, 10);
	/* (uid_t)-1 is invalid: the span ends below it. */
	if (errno || end == c || *end || c[0] == '-' || n == 0 || b < 1000 ||
	    b + n > UINT32_MAX - 1)
		return gofn_errf(e, GOFN_EINVAL,
				 "%s %s: want BASE:COUNT, BASE >= 1000, within 32 bits", flag, v);
	*base = (unsigned)b;
	*count = (unsigned)n;
	return 0;
}

int gofn_uid_range_parse(gofn_config *c, const char *v, gofn_err *e)
{
	if (strcmp(v, "off") == 0) {
		c->uid_base = c->uid_count = 0;
		return 0;
	}
	return gofn_uid_span_parse("--uid-range", v, &c->uid_base, &c->uid_count, e);
}

/* Deleted tenants whose uid waits for their last worker here. */
typedef struct retired {
	char name[GOFN_NAME_MAX];
	struct retired *next;
} retired;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static retired *waiting;

/* Frees what can be freed now: 1 if a retired tenant still has workers. */
static int free_retired(gofn_server *s)
{
	int left = 0;

	pthread_mutex_lock(&mu);
	for (retired **pp = &waiting; *pp;) {
		retired *r = *pp;
		gofn_tenant_row row;
		gofn_err e = {0};
		int gone = gofn_store_tenant_get(s->store, r->name, &row, &e);
		if (gone < 0) { /* the store is down: try again later */
			left = 1;
			pp = &r->next;
			continue;
		}
		/* Not once it was created again: its new workers use the uid. */
		if (gone && s->pool) {
			gofn_pool_forget(s->pool, r->name, NULL);
			if (gofn_pool_workers(s->pool, r->name) > 0) {
				left = 1;
				pp = &r->next;
				continue;
			}
		}
		if (gone && gofn_store_tenant_uid_free(s->store, r->name, &e) < 0) {
			left = 1;
			pp = &r->next;
			continue;
		}
		*pp = r->next;
		free(r);
	}
	pthread_mutex_unlock(&mu);
	return left;
}

void gofn_tenant_uid_retire(gofn_server *s, const char *tenant)
{
	retired *r = calloc(1, sizeof *r);

	if (!s->cfg.uid_count || !r) {
		free(r);
		return;
	}
	snprintf(r->name, sizeof r->name, "%s", tenant);
	pthread_mutex_lock(&mu);
	r->next = waiting;
	waiting = r;
	pthread_mutex_unlock(&mu);
	free_retired(s);
}

int gofn_tenant_uid(gofn_server *s, const char *tenant, unsigned *uid, gofn_err *e)
{
	const gofn_config *c = &s->cfg;

	*uid = 0;
	if (!c->uid_count)
		return 0;
	pthread_mutex_lock(&mu);
	int pending = waiting != NULL;
	pthread_mutex_unlock(&mu);
	if (pending) /* a deleted tenant's busy worker may have ended since */
		free_retired(s);
	int rc = gofn_store_tenant_uid(s->store, tenant, c->uid_base, c->uid_count, uid, e);
	if (rc == 2) {
		/* The range is full: deleted tenants' uids go back to it, those
		 * waiting here for their workers, and (when none waits) those
		 * of tenants deleted while no gofnd ran them (a crash between
		 * deletion and freeing). */
		if (!free_retired(s) && gofn_store_tenant_uid_free(s->store, NULL, e) < 0)
			return gofn_errctx(e, "tenant %s: host uid", tenant);
		rc = gofn_store_tenant_uid(s->store, tenant, c->uid_base, c->uid_count, uid, e);
	}
	if (rc < 0)
		return gofn_errctx(e, "tenant %s: host uid", tenant);
	if (rc == 1)
		return gofn_errf(e, GOFN_ENOTFOUND, "no such tenant %s", tenant);
	if (rc == 2) {
		gofn_log("warn", "uid_range_exhausted",
			 json_pack("{s:s, s:I, s:I}", "tenant", tenant, "uid_base",
				   (json_int_t)c->uid_base, "uid_count", (json_int_t)c->uid_count));
		return gofn_errf(e, GOFN_EAGAIN,
				 "tenant %s has no host uid of its own: all %u uids of "
				 "--uid-range %u:%u belong to other tenants (widen --uid-range "
				 "or delete tenants)",
				 tenant, c->uid_count, c->uid_base, c->uid_count);
	}
	return 0;
}

void gofn_tenant_cpu_of(const gofn_config *c, const gofn_tenant_row *t, unsigned *weight,
			unsigned *quota_mcpu)
{
	*weight = t && t->cpu_weight > 0 ? (unsigned)t->cpu_weight : (unsigned)c->cpu_weight;
	*quota_mcpu =
	    t && t->cpu_quota >= 0 ? (unsigned)t->cpu_quota : (unsigned)c->cpu_quota_pct * 10u;
}

int gofn_tenant_box_get(gofn_server *s, const char *tenant, gofn_tenant_box *box, gofn_err *e)
{
	gofn_tenant_row row;

	memset(box, 0, sizeof *box);
	/* Only a root gofnd maps a worker to a uid of its choosing, and only a
	 * confined worker gets one: elsewhere a full range refuses nothing. */
	if (s->confined && geteuid() == 0 && gofn_tenant_uid(s, tenant, &box->uid, e) < 0)
		return -1;
	/* Without uids of their own, tenants share one CPU group: the flags'. */
	int rc = box->uid ? gofn_store_tenant_get(s->store, tenant, &row, e) : 1;
	if (rc < 0)
		return gofn_errctx(e, "tenant %s: CPU settings", tenant);
	gofn_tenant_cpu_of(&s->cfg, rc == 0 ? &row : NULL, &box->cpu_weight, &box->cpu_quota_mcpu);
	return 0;
}

int gofn_tenant_cpu_apply(gofn_server *s, const gofn_tenant_row *t, gofn_err *e)
{
	unsigned w, q;

	if (!s->cfg.uid_count || !t->uid || !s->confined)
		return 0;
	gofn_tenant_cpu_of(&s->cfg, t, &w, &q);
	return gofn_sandbox_tenant_cpu(t->uid, w, q, e);
}
