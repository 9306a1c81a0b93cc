/* GET /invocations/{id} and GET /invocations: a tenant's async
 * invocations (queued, running, or their kept outcome) and the record of
 * its recent synchronous ones (outcome without output). Rows come from
 * server/store_invocations.h and, for a synchronous call's record not yet
 * written, from the recorder's memory (gofn_async_held_get), so an id is
 * found as soon as its reply is sent; another tenant's id is simply not
 * found in either. */
#include <stdlib.h>
#include <string.h>

#include "server/async.h"
#include "server/routes.h"
#include "server/views.h"

static const char *const statuses[] = {
    "queued", "running",	   "ok",    "error", "panic", "exit", "timeout",
    "killed", "sandbox_violation", "failed"};

static int known_status(const char *s)
{
	for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
		if (strcmp(statuses[i], s) == 0)
			return 1;
	return 0;
}

static int by_id(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The ids of rows[] sorted, for seen_id (NULL when none, or out of
 * memory: then a row may show twice, which beats failing the list). */
static const char **sorted_ids(const gofn_inv_row *rows, size_t n)
{
	const char **ids = n ? malloc(n * sizeof *ids) : NULL;

	if (!ids)
		return NULL;
	for (size_t i = 0; i < n; i++)
		ids[i] = rows[i].id;
	qsort(ids, n, sizeof *ids, by_id);
	return ids;
}

static int seen_id(const char **ids, size_t n, const char *id)
{
	return ids && bsearch(&id, ids, n, sizeof *ids, by_id) != NULL;
}

enum MHD_Result gofn_h_invocation_get(gofn_req *r)
{
	gofn_inv_row row = {0};
	gofn_err e = {0};
	/* memory first: a record leaves it only once it is in the store */
	int rc = gofn_async_held_get(r->srv->async, r->tenant, r->param, &row)
		     ? 0
		     : gofn_store_inv_get(gofn_async_store(r->srv->async), r->tenant, r->param,
					  &row, &e);

	if (rc < 0)
		return gofn_reply_err(r, &e);
	if (rc == 1)
		return gofn_reply_fail(r, GOFN_ENOTFOUND, NULL, "no such invocation");
	json_t *j = gofn_invocation_json(&row);
	gofn_inv_row_clear(&row);
	return gofn_reply_json(r, 200, j);
}

enum MHD_Result gofn_h_invocation_list(gofn_req *r)
{
	gofn_inv_filter f = {.tenant = r->tenant,
			     .function = gofn_req_query(r, "function"),
			     .status = gofn_req_query(r, "status"),
			     .limit = 100};
	const char *lim = gofn_req_query(r, "limit");
	gofn_inv_row *rows;
	size_t n;
	gofn_err e = {0};

	if (lim) {
		char *end;
		long long v = strtoll(lim, &end, 10);
		if (end == lim || *end || v < 1 || v > 1000)
			return gofn_reply_fail(r, GOFN_EINVAL, "bad_limit", "limit: 1..1000");
		f.limit = v;
	}
	if (f.status && !known_status(f.status))
		return gofn_reply_fail(r, GOFN_EINVAL, "bad_status",
				       "status: queued, running, or an outcome (ok, error, panic, "
				       "exit, timeout, killed, sandbox_violation, failed)");
	/* Memory first (see gofn_async_held_list): its rows are the newest. */
	gofn_inv_row *held = NULL;
	size_t nheld = 0;
	if (gofn_async_held_list(r->srv->async, &f, &held, &nheld, &e) < 0)
		return gofn_reply_err(r, &e);
	if (gofn_store_inv_list(gofn_async_store(r->srv->async), &f, &rows, &n, &e) < 0) {
		gofn_inv_rows_free(held, nheld);
		return gofn_reply_err(r, &e);
	}
	json_t *a = json_array();
	for (size_t i = 0; i < nheld; i++)
		json_array_append_new(a, gofn_invocation_summary_json(&held[i]));
	/* A batch committed between the two reads is in both: once. */
	const char **seen = sorted_ids(held, nheld);
	for (size_t i = 0; i < n && json_array_size(a) < (size_t)f.limit; i++)
		if (!seen_id(seen, nheld, rows[i].id))
			json_array_append_new(a, gofn_invocation_summary_json(&rows[i]));
	free(seen);
	gofn_inv_rows_free(rows, n);
	gofn_inv_rows_free(held, nheld);
	return gofn_reply_json(r, 200, json_pack("{s:o}", "invocations", a));
}
