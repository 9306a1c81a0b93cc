/* Tenant routes for objects: upload (load-checked in a worker before 201),
 * list, get, delete. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/frame_io.h"
#include "common/err.h"
#include "server/crypto.h"
#include "server/exec.h"
#include "server/log.h"
#include "server/objects.h"
#include "server/routes.h"

/* Go objects are ar archives ("!<arch>\n", from go tool compile) or bare
 * "go object ..." files; anything else is refused before a worker sees it.
 * The header line names the toolchain: "go object linux amd64 go1.26.8 …". */
static int sniff(const uint8_t *p, size_t n, char *gover, size_t cap)
{
	static const char magic[] = "go object ";
	size_t scan = n < 4096 ? n : 4096;

	if (!(n >= 8 && memcmp(p, "!<arch>\n", 8) == 0) &&
	    !(n >= sizeof magic - 1 && memcmp(p, magic, sizeof magic - 1) == 0))
		return -1;
	snprintf(gover, cap, "unknown");
	for (size_t i = 0; i + sizeof magic - 1 <= scan; i++) {
		if (memcmp(p + i, magic, sizeof magic - 1) != 0)
			continue;
		char line[256];
		size_t j = 0;
		while (i + j < scan && j < sizeof line - 1 && p[i + j] != '\n') {
			line[j] = (char)p[i + j];
			j++;
		}
		line[j] = 0;
		char os[32], arch[32], ver[64];
		if (sscanf(line, "go object %31s %31s %63s", os, arch, ver) == 3)
			snprintf(gover, cap, "%s", ver);
		break;
	}
	return 0;
}

/* "example.com/x.F" -> "example.com/x": the package is what precedes the
 * first '.' after the last '/'. */
static void package_of(const gofn_function *f, char *out, size_t cap)
{
	out[0] = 0;
	if (!f->nsymbols)
		return;
	const char *name = f->symbols[0].name;
	const char *slash = strrchr(name, '/');
	const char *dot = strchr(slash ? slash : name, '.');
	size_t n = dot ? (size_t)(dot - name) : strlen(name);
	snprintf(out, cap, "%.*s", (int)n, name);
}

/* The loader's error classes as HTTP: a malformed object is the client's
 * bad request; a well-formed one that cannot link here is unprocessable. */
static enum MHD_Result refuse_load(gofn_req *r, const gofn_outcome *o)
{
	if (strcmp(o->status, "error") != 0)
		return gofn_reply_error(r, 422, "load_crashed", "loading the object %s: %s",
					o->status, o->error);
	switch (o->err_class) {
	case GOFN_EINVAL:
		return gofn_reply_error(r, 400, "bad_object", "%s", o->error);
	case GOFN_EVERSION:
		return gofn_reply_error(r, 422, "wrong_go_version", "%s", o->error);
	case GOFN_EUNRESOLVED:
		return gofn_reply_error(r, 422, "unresolved_symbol", "%s", o->error);
	case GOFN_ELIMIT:
		return gofn_reply_error(r, 413, "too_large", "%s", o->error);
	default:
		return gofn_reply_error(r, 422, "load_failed", "%s", o->error);
	}
}

static enum MHD_Result queue_refusal(gofn_req *r, enum gofn_acquire a)
{
	if (a == GOFN_QUEUE_FULL)
		return gofn_reply_busy(r, 429, "tenant queue is full");
	if (a == GOFN_QUEUE_TIMEOUT)
		return gofn_reply_busy(r, 503, "no worker became free in time");
	return gofn_reply_busy(r, 503, "shutting down");
}

/* The request's objects: the obj fields of a multipart body, or the
 * whole raw body as one. */
static void split_objects(gofn_req *r, gofn_objbuf *objs)
{
	if (r->nobj == 0) {
		objs[0] = (gofn_objbuf){.data = r->body, .len = r->len};
		return;
	}
	for (int i = 0; i < r->nobj; i++) {
		size_t end = i + 1 < r->nobj ? r->obj_off[i + 1] : r->len;
		objs[i] =
		    (gofn_objbuf){.data = r->body + r->obj_off[i], .len = end - r->obj_off[i]};
	}
}

/* Fills the per-object digests and the function's: the object's own for
 * one object, else the digest of their digests, one per line. */
static void digest(gofn_function *f, const gofn_objbuf *objs)
{
	char joined[GOFN_MAX_OBJECTS * GOFN_SHA256_HEX];
	size_t n = 0;

	f->size = 0;
	for (size_t i = 0; i < f->nobjs; i++) {
		gofn_sha256_hex(objs[i].data, objs[i].len, f->objs[i].sha256);
		f->objs[i].size = (int64_t)objs[i].len;
		f->size += (int64_t)objs[i].len;
		n += (size_t)snprintf(joined + n, sizeof joined - n, "%s\n", f->objs[i].sha256);
	}
	if (f->nobjs == 1)
		memcpy(f->sha256, f->objs[0].sha256, sizeof f->sha256);
	else
		gofn_sha256_hex(joined, n, f->sha256);
}

/* Spawns a worker in a pool slot and loads the bytes. On success the worker
 * is kept warm for this function. */
static enum MHD_Result load_and_store(gofn_req *r, gofn_function *f)
{
	gofn_server *s = r->srv;
	gofn_worker *w = NULL;
	gofn_outcome o = {0};
	gofn_err e = {0};

	enum gofn_acquire a = gofn_pool_acquire(s->pool, r->tenant, f->id,
						gofn_now_ms() + s->cfg.load_timeout_ms, &w);
	if (a != GOFN_GOT_SLOT)
		return queue_refusal(r, a);
	if (gofn_exec_spawn(s, &w, &e) < 0) {
		gofn_pool_release_slot(s->pool, r->tenant);
		return gofn_reply_error(r, 503, "unavailable", "%s", e.msg);
	}
	gofn_objbuf objs[GOFN_MAX_OBJECTS];
	split_objects(r, objs);
	int rc = gofn_worker_load(w, &s->cfg, objs, f->nobjs, f, &o);
	gofn_metrics_load(s->metrics, rc == 0);
	if (rc < 0) {
		gofn_log("info", "load_refused",
			 json_pack("{s:s, s:s, s:o}", "tenant", r->tenant, "status", o.status,
				   "error", gofn_json_text(o.error)));
		gofn_worker_destroy(w);
		gofn_pool_release_slot(s->pool, r->tenant);
		enum MHD_Result res = refuse_load(r, &o);
		gofn_outcome_clear(&o);
		return res;
	}
	gofn_outcome_clear(&o);
	package_of(f, f->package, sizeof f->package);
	rc = 0;
	for (size_t i = 0; rc == 0 && i < f->nobjs; i++)
		rc = gofn_objects_put(s->cfg.data_dir, f->objs[i].sha256, objs[i].data, objs[i].len,
				      &e);
	if (rc < 0 || gofn_store_fn_add(s->store, f, &e) < 0) {
		gofn_worker_destroy(w);
		gofn_pool_release_slot(s->pool, r->tenant);
		gofn_log("error", "store_failed",
			 json_pack("{s:o}", "error", gofn_json_text(e.msg)));
		/* The log has the path; the client needs only the condition. */
		if (e.code == GOFN_ENOSPACE)
			return gofn_reply_error(
			    r, 507, "insufficient_storage",
			    "No space left on the data disk; nothing was stored");
		return gofn_reply_error(r, 500, "internal", "storing the function: %s", e.msg);
	}
	snprintf(w->function, sizeof w->function, "%s", f->id);
	w->first_result_us = -1; /* its spawn served the upload, not an invocation */
	gofn_pool_release(s->pool, r->tenant, w);
	gofn_log("info", "function_uploaded",
		 json_pack("{s:s, s:s, s:s, s:I}", "tenant", r->tenant, "function", f->id, "sha256",
			   f->sha256, "symbols", (json_int_t)f->nsymbols));
	return gofn_reply_json(r, 201, gofn_function_json(f));
}

enum MHD_Result gofn_h_fn_upload(gofn_req *r)
{
	gofn_server *s = r->srv;
	gofn_function f = {0};
	gofn_err e = {0};
	int64_t count = 0;
	char rnd[17];

	if (r->len == 0)
		return gofn_reply_error(r, 400, "bad_request",
					"no object: send it as multipart field obj or as the body");
	gofn_objbuf objs[GOFN_MAX_OBJECTS];
	f.nobjs = r->nobj ? (size_t)r->nobj : 1;
	split_objects(r, objs);
	for (size_t i = 0; i < f.nobjs; i++)
		if (sniff(objs[i].data, objs[i].len, f.go_version, sizeof f.go_version) < 0)
			return gofn_reply_error(
			    r, 400, "bad_object",
			    "object %zu: not a Go object file (want go tool compile output)",
			    i + 1);
	if (gofn_store_fn_count(s->store, r->tenant, &count, &e) < 0)
		return gofn_reply_error(r, 500, "internal", "%s", e.msg);
	if (count >= s->cfg.functions_per_tenant)
		return gofn_reply_error(r, 409, "too_many_functions",
					"tenant already has %lld functions (limit %d)",
					(long long)count, s->cfg.functions_per_tenant);
	if (gofn_random_hex(rnd, 8, &e) < 0)
		return gofn_reply_error(r, 500, "internal", "%s", e.msg);
	snprintf(f.id, sizeof f.id, "fn_%s", rnd);
	snprintf(f.tenant, sizeof f.tenant, "%s", r->tenant);
	digest(&f, objs);
	f.created = (int64_t)time(NULL);
	enum MHD_Result rc = load_and_store(r, &f);
	gofn_function_clear(&f);
	return rc;
}

enum MHD_Result gofn_h_fn_list(gofn_req *r)
{
	gofn_err e = {0};
	json_t *ids = gofn_store_fn_ids(r->srv->store, r->tenant, &e);
	json_t *out = json_array();
	size_t i;
	json_t *v;

	if (!ids) {
		json_decref(out);
		return gofn_reply_error(r, 500, "internal", "%s", e.msg);
	}
	json_array_foreach(ids, i, v)
	{
		gofn_function f;
		if (gofn_store_fn_get(r->srv->store, r->tenant, json_string_value(v), &f, &e) == 0)
			json_array_append_new(out, gofn_function_json(&f));
		gofn_function_clear(&f);
	}
	json_decref(ids);
	return gofn_reply_json(r, 200, json_pack("{s:o}", "functions", out));
}

enum MHD_Result gofn_h_fn_get(gofn_req *r)
{
	gofn_function f;
	gofn_err e = {0};
	int rc = gofn_store_fn_get(r->srv->store, r->tenant, r->param, &f, &e);

	if (rc < 0)
		return gofn_reply_error(r, 500, "internal", "%s", e.msg);
	if (rc > 0)
		return gofn_reply_error(r, 404, "not_found", "no such function");
	json_t *j = gofn_function_json(&f);
	gofn_function_clear(&f);
	return gofn_reply_json(r, 200, j);
}

enum MHD_Result gofn_h_fn_delete(gofn_req *r)
{
	gofn_function f;
	gofn_err e = {0};
	int rc = gofn_store_fn_get(r->srv->store, r->tenant, r->param, &f, &e);

	if (rc == 0)
		rc = gofn_store_fn_del(r->srv->store, r->tenant, r->param, &e);
	if (rc < 0) {
		gofn_function_clear(&f);
		return gofn_reply_error(r, 500, "internal", "%s", e.msg);
	}
	if (rc > 0) {
		gofn_function_clear(&f);
		return gofn_reply_error(r, 404, "not_found", "no such function");
	}
	for (size_t i = 0; i < f.nobjs; i++) {
		int64_t refs = 1;
		if (gofn_store_sha_refs(r->srv->store, f.objs[i].sha256, &refs, &e) == 0 &&
		    refs == 0)
			gofn_objects_remove(r->srv->cfg.data_dir, f.objs[i].sha256);
	}
	gofn_pool_forget(r->srv->pool, r->tenant, r->param);
	gofn_log("info", "function_deleted",
		 json_pack("{s:s, s:s}", "tenant", r->tenant, "function", r->param));
	gofn_function_clear(&f);
	return gofn_reply_raw(r, 204, "application/json", NULL, 0, NULL);
}
