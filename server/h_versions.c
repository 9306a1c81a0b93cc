/* Tenant routes of named functions (issue 17): a name's versions, a
 * rollback, and which objects a deploy still has to send. What they do is
 * server/fn_versions.c and the store. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "server/fn_config.h"
#include "server/fn_versions.h"
#include "server/routes.h"
#include "server/views.h"

enum MHD_Result gofn_h_fn_versions(gofn_req *r)
{
	gofn_strlist ids;
	int64_t current;
	gofn_err e = {0};
	int rc = gofn_store_fn_versions(r->srv->store, r->tenant, r->param, &ids, &current, &e);

	if (rc < 0)
		return gofn_reply_err(r, &e);
	if (rc > 0)
		return gofn_reply_fail(r, GOFN_ENOTFOUND, NULL, "no function named %s", r->param);
	json_t *out = gofn_functions_json(r->srv->store, r->tenant, &ids);
	gofn_strlist_free(&ids);
	return gofn_reply_json(r, 200,
			       json_pack("{s:s, s:I, s:o}", "name", r->param, "current",
					 (json_int_t)current, "versions", out));
}

/* The version: ?version=N, or a JSON body {"version": N}. 0 if neither. */
static int64_t wanted_version(gofn_req *r)
{
	const char *q = gofn_req_query(r, "version");
	char *end;

	if (q) {
		long long v = strtoll(q, &end, 10);
		return end != q && !*end && v > 0 ? v : 0;
	}
	json_t *b = r->len ? json_loadb((const char *)r->body, r->len, 0, NULL) : NULL;
	json_t *v = json_object_get(b, "version");
	int64_t n = json_is_integer(v) && json_integer_value(v) > 0 ? json_integer_value(v) : 0;
	json_decref(b);
	return n;
}

enum MHD_Result gofn_h_fn_rollback(gofn_req *r)
{
	gofn_function f;
	gofn_err e = {0};
	int64_t v = wanted_version(r);

	if (v == 0)
		return gofn_reply_fail(r, GOFN_EINVAL, "bad_version",
				       "want ?version=N or {\"version\": N}, N >= 1");
	if (gofn_fn_rollback(r->srv, r->tenant, r->param, v, &f, &e) < 0)
		return gofn_reply_err(r, &e);
	json_t *j = gofn_function_json(&f);
	gofn_function_clear(&f);
	return gofn_reply_json(r, 200, j);
}

/* {"sha256": [...]} -> {"missing": [...]}: the digests none of the
 * tenant's functions uses (another tenant's objects are not revealed, so
 * a deploy sends those too). */
enum MHD_Result gofn_h_objects_missing(gofn_req *r)
{
	json_t *b = json_loadb((const char *)r->body, r->len, 0, NULL);
	json_t *list = json_object_get(b, "sha256"), *v;
	gofn_err e = {0};
	size_t i;

	if (!json_is_array(list) || json_array_size(list) > GOFN_MAX_OBJECTS) {
		json_decref(b);
		return gofn_reply_fail(r, GOFN_EINVAL, NULL,
				       "want {\"sha256\": [...]} with at most %d digests",
				       GOFN_MAX_OBJECTS);
	}
	json_t *missing = json_array();
	json_array_foreach(list, i, v)
	{
		const char *sha = json_string_value(v);
		int owned = 0;
		if (!sha || strlen(sha) != 64 || strspn(sha, "0123456789abcdef") != 64) {
			json_decref(missing);
			json_decref(b);
			return gofn_reply_fail(r, GOFN_EINVAL, NULL,
					       "sha256[%zu]: not a sha256 in lower-case hex", i);
		}
		if (gofn_store_obj_owned(r->srv->store, r->tenant, sha, &owned, &e) < 0) {
			json_decref(missing);
			json_decref(b);
			return gofn_reply_err(r, &e);
		}
		if (!owned)
			json_array_append_new(missing, json_string(sha));
	}
	json_decref(b);
	return gofn_reply_json(r, 200, json_pack("{s:o}", "missing", missing));
}

/* GET /functions/{name}/config: variables with values, secrets by name. */
enum MHD_Result gofn_h_fn_config_get(gofn_req *r)
{
	gofn_config_row *rows;
	gofn_strlist ids;
	int64_t cur;
	size_t n;
	gofn_err e = {0};
	int rc = gofn_store_fn_versions(r->srv->store, r->tenant, r->param, &ids, &cur, &e);

	if (rc < 0)
		return gofn_reply_err(r, &e);
	gofn_strlist_free(&ids);
	if (rc > 0)
		return gofn_reply_fail(r, GOFN_ENOTFOUND, NULL, "no function named %s", r->param);
	if (gofn_store_fn_config_get(r->srv->store, r->tenant, r->param, &rows, &n, &e) < 0)
		return gofn_reply_err(r, &e);
	json_t *j = gofn_fn_config_json(rows, n);
	gofn_config_rows_free(rows, n);
	return gofn_reply_json(r, 200, j);
}

/* PUT /functions/{name}/config {"env": {...}, "secrets": {...}}: replaces
 * the name's configuration; answers as GET does (no secret values). */
enum MHD_Result gofn_h_fn_config_put(gofn_req *r)
{
	json_t *b = json_loadb((const char *)r->body, r->len, 0, NULL);
	gofn_err e = {0};

	if (!json_is_object(b)) {
		json_decref(b);
		return gofn_reply_fail(r, GOFN_EINVAL, NULL,
				       "want {\"env\": {...}, \"secrets\": {...}}");
	}
	int rc = gofn_fn_config_put(r->srv, r->tenant, r->param, json_object_get(b, "env"),
				    json_object_get(b, "secrets"), &e);
	json_decref(b);
	if (rc < 0)
		return gofn_reply_err(r, &e);
	return gofn_h_fn_config_get(r);
}
