/* GET /invocations/{id} and GET /invocations: a tenant's async
 * invocations (queued, running, or their kept outcome) and the record of
 * its recent synchronous ones (outcome without output). Rows come from
 * server/store_invocations.h; another tenant's id is simply not found. */
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

enum MHD_Result gofn_h_invocation_get(gofn_req *r)
{
	gofn_inv_row row;
	gofn_err e = {0};
	int rc = gofn_store_inv_get(gofn_async_store(r->srv->async), r->tenant, r->param, &row, &e);

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
	if (gofn_store_inv_list(gofn_async_store(r->srv->async), &f, &rows, &n, &e) < 0)
		return gofn_reply_err(r, &e);
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, gofn_invocation_summary_json(&rows[i]));
	gofn_inv_rows_free(rows, n);
	return gofn_reply_json(r, 200, json_pack("{s:o}", "invocations", a));
}
