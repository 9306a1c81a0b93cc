/* Tenant routes for functions: upload, list, get, delete. What they do is
 * server/functions.c; these only read the request and render the answer. */
#include <stdlib.h>
#include <string.h>

#include "server/fn_versions.h"
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

static enum MHD_Result create_failed(gofn_req *r, gofn_function *f, const gofn_err *e)
{
	gofn_function_clear(f);
	const char *code = e->code == GOFN_EINVAL      ? "bad_object"
			   : e->code == GOFN_ECONFLICT ? "too_many_functions"
						       : NULL;
	return gofn_reply_fail(r, e->code, code, "%s", e->msg);
}

/* ?name=NAME: a deploy (issue 17). With the multipart field "objects" (the
 * unit's digests in link order) the obj fields carry only the objects the
 * tenant's functions do not already have. */
static enum MHD_Result deploy(gofn_req *r, const char *name, gofn_objbuf *sent, size_t nsent)
{
	gofn_objbuf objs[GOFN_MAX_OBJECTS];
	int owned[GOFN_MAX_OBJECTS] = {0};
	size_t n = nsent;
	gofn_function f = {0};
	gofn_err e = {0};
	int unchanged = 0;

	if (!gofn_fn_name_valid(name))
		return gofn_reply_fail(r, GOFN_EINVAL, "bad_name",
				       "name: 1-63 of A-Z a-z 0-9 _ . -, not starting with fn_");
	if (r->manifest) {
		if (gofn_unit_from_manifest(r->srv, r->tenant, r->manifest, sent, nsent, objs,
					    owned, &n, &e) < 0)
			return gofn_reply_fail(
			    r, e.code, e.code == GOFN_EINVAL ? "bad_manifest" : NULL, "%s", e.msg);
	} else {
		memcpy(objs, sent, nsent * sizeof *objs);
	}
	int rc = gofn_fn_deploy(r->srv, r->tenant, name, objs, n, &f, &unchanged, &e);
	gofn_unit_free(objs, owned, n);
	if (rc < 0)
		return create_failed(r, &f, &e);
	json_t *j = gofn_function_json(&f);
	json_object_set_new(j, "unchanged", json_boolean(unchanged));
	gofn_function_clear(&f);
	return gofn_reply_json(r, unchanged ? 200 : 201, j);
}

enum MHD_Result gofn_h_fn_upload(gofn_req *r)
{
	gofn_objbuf objs[GOFN_MAX_OBJECTS];
	gofn_function f;
	gofn_err e = {0};
	const char *name = gofn_req_query(r, "name");

	if (r->len == 0 && !(name && r->manifest))
		return gofn_reply_fail(r, GOFN_EINVAL, NULL,
				       "no object: send it as multipart field obj or as the body");
	size_t n = r->len ? split_objects(r, objs) : 0;
	if (name)
		return deploy(r, name, objs, n);
	if (gofn_fn_create(r->srv, r->tenant, objs, n, &f, &e) < 0)
		return create_failed(r, &f, &e);
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
	json_t *out = gofn_functions_json(r->srv->store, r->tenant, &ids);
	gofn_strlist_free(&ids);
	return gofn_reply_json(r, 200, json_pack("{s:o}", "functions", out));
}

enum MHD_Result gofn_h_fn_get(gofn_req *r)
{
	gofn_function f;
	gofn_err e = {0};
	int rc = gofn_store_fn_resolve(r->srv->store, r->tenant, r->param, &f, &e);

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

	if (gofn_fn_remove_ref(r->srv, r->tenant, r->param, &e) < 0)
		return gofn_reply_err(r, &e);
	return gofn_reply_raw(r, 204, "application/json", NULL, 0, NULL);
}
