/* server/store_invocations.h's entry points: each call goes through the
 * backend's ops table (.inv), and a failure because the database is down
 * keeps its class (GOFN_EUNAVAIL) for the reply, like every store call. */
#include "server/store_invocations.h"

#include <stdlib.h>
#include <string.h>

#include "server/store_impl.h"

void gofn_inv_row_clear(gofn_inv_row *r)
{
	free(r->input);
	free(r->outcome);
	r->input = NULL;
	r->input_len = 0;
	r->outcome = NULL;
}

void gofn_inv_rows_free(gofn_inv_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		gofn_inv_row_clear(&rows[i]);
	free(rows);
}

int gofn_store_inv_open(const gofn_config *cfg, const char *sqlite_path, int relaxed,
			gofn_store **out, gofn_err *e)
{
	int rc = relaxed ? gofn_store_open_relaxed(cfg, sqlite_path, out, e)
			 : gofn_store_open_config(cfg, sqlite_path, out, e);

	if (rc < 0)
		return -1;
	if (gofn_store_inv_setup(*out, e) < 0) {
		gofn_store_close(*out);
		*out = NULL;
		return gofn_errctx(e, "invocations table");
	}
	return 0;
}

int gofn_store_inv_setup(gofn_store *s, gofn_err *e)
{
	return s->ops->inv->schema(s, e);
}

int gofn_store_inv_add(gofn_store *s, const gofn_inv_row *r, int64_t queue_limit, gofn_err *e)
{
	return s->ops->inv->add(s, r, queue_limit, e);
}

int gofn_store_inv_record(gofn_store *s, const gofn_inv_row *rows, size_t n, gofn_err *e)
{
	return s->ops->inv->record(s, rows, n, e);
}

int gofn_store_inv_get(gofn_store *s, const char *tenant, const char *id, gofn_inv_row *r,
		       gofn_err *e)
{
	memset(r, 0, sizeof *r);
	return s->ops->inv->get(s, tenant, id, r, e);
}

int gofn_store_inv_list(gofn_store *s, const gofn_inv_filter *f, gofn_inv_row **rows, size_t *n,
			gofn_err *e)
{
	*rows = NULL;
	*n = 0;
	return s->ops->inv->list(s, f, rows, n, e);
}

int gofn_store_inv_ready(gofn_store *s, int64_t now_ms, char (**tenants)[64], size_t *n,
			 gofn_err *e)
{
	*tenants = NULL;
	*n = 0;
	return s->ops->inv->ready(s, now_ms, tenants, n, e);
}

int gofn_store_inv_claim(gofn_store *s, const char *tenant, const char *owner, int64_t now_ms,
			 int64_t lease_ms, gofn_inv_row *r, gofn_err *e)
{
	memset(r, 0, sizeof *r);
	return s->ops->inv->claim(s, tenant, owner, now_ms, lease_ms, r, e);
}

int gofn_store_inv_heartbeat(gofn_store *s, const char *owner, int64_t lease_until_ms, gofn_err *e)
{
	return s->ops->inv->heartbeat(s, owner, lease_until_ms, e);
}

int gofn_store_inv_finish(gofn_store *s, const gofn_inv_row *r, gofn_err *e)
{
	return s->ops->inv->finish(s, r, e);
}

int gofn_store_inv_requeue(gofn_store *s, const char *id, const char *owner, int attempt,
			   gofn_err *e)
{
	return s->ops->inv->requeue(s, id, owner, attempt, e);
}

int gofn_store_inv_expire(gofn_store *s, int64_t older_than_ms, int64_t keep, gofn_err *e)
{
	return s->ops->inv->expire(s, older_than_ms, keep, e);
}

int gofn_store_inv_recover(gofn_store *s, gofn_err *e)
{
	return s->ops->inv->recover(s, e);
}

int gofn_store_inv_counts(gofn_store *s, int64_t *queued, int64_t *running, gofn_err *e)
{
	*queued = *running = 0;
	return s->ops->inv->counts(s, queued, running, e);
}
