/* Tenant routes for functions: upload, list, get, delete. What they do is
 * server/functions.c; these only read the request and render the answer. */
#include <stdlib.h>
#include <string.h>

#include "server/functions.h"
#include "server/routes.h"
#include "server/views.h"

/* The request's objects: the obj fields of a multipart body, or the
 * whole raw body as one. Returns how many. */
static size_t split_objects(gofn_req *r, gofn_objbuf *objs)
{
	if (r->nobj == 0) {
		objs[0] = (gofn_objbuf){.data = r->body, .len = r->len};
		return 1;
	}
	for (int i = 0; i < r->nobj; i++) {
		size_t end = i + 1 < r->nobj ? r->obj_off[i + 1] : r->len;
		objs[i] =
		    (gofn_objbuf){.data = r->body + r->obj_off[i], .len = end - r->obj_off[i]};
	}
	return (size_t)r->nobj;
}

enum MHD_Result gofn_h_fn_upload(gofn_req *r)
{
	gofn_objbuf objs[GOFN_MAX_OBJECTS];
	gofn_function f;
	gofn_err e = {0};

	if (r->len == 0)
		return gofn_reply_fail(r, GOFN_EINVAL, NULL,
				       "no object: send it as multipart field obj or as the body");
	size_t n = split_objects(r, objs);
	if (gofn_fn_create(r->srv, r->tenant, objs, n, &f, &e) < 0) {
		gofn_function_clear(&f);
		const char *code = e.code == GOFN_EINVAL      ? "bad_object"
				   : e.code == GOFN_ECONFLICT ? "too_many_functions"
							      : NULL;
		return gofn_reply_fail(r, e.code, code, "%s", e.msg);
	}
	json_t *j = gofn_function_json(&f);
	gofn_function_clear(&f);
	return gofn_reply_json(r, 201, j);
}

enum MHD_Result gofn_h_fn_list(gofn_req *r)
{
	gofn_strlist ids;
	gofn_err e = {0};

	if (gofn_store_fn_ids(r->srv->store, r->tenant, &ids, &e) < 0)
		return gofn_reply_err(r, &e);
	json_t *out = json_array();
	for (size_t i = 0; i < ids.n; i++) {
		gofn_function f;
		/* One deleted since the listing is simply not shown. */
		if (gofn_store_fn_get(r->srv->store, r->tenant, ids.v[i], &f, &e) == 0)
			json_array_append_new(out, gofn_function_json(&f));
		gofn_function_clear(&f);
	}
	gofn_strlist_free(&ids);
	return gofn_reply_json(r, 200, json_pack("{s:o}", "functions", out));
}

enum MHD_Result gofn_h_fn_get(gofn_req *r)
{
	gofn_function f;
	gofn_err e = {0};
	int rc = gofn_store_fn_get(r->srv->store, r->tenant, r->param, &f, &e);

	if (rc < 0)
		return gofn_reply_err(r, &e);
	if (rc > 0)
		return gofn_reply_fail(r, GOFN_ENOTFOUND, NULL, "no such function");
	json_t *j = gofn_function_json(&f);
	gofn_function_clear(&f);
	return gofn_reply_json(r, 200, j);
}

enum MHD_Result gofn_h_fn_delete(gofn_req *r)
{
	gofn_err e = {0};

	if (gofn_fn_remove(r->srv, r->tenant, r->param, &e) < 0)
		return gofn_reply_err(r, &e);
	return gofn_reply_raw(r, 204, "application/json", NULL, 0, NULL);
}
