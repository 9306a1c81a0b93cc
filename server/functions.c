#include "server/functions.h"
#include "server/tenant_uid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/frame_io.h"
#include "server/async.h"
#include "server/crypto.h"
#include "server/exec.h"
#include "server/fn_config.h"
#include "server/log.h"
#include "server/objects.h"
#include "server/runtimes.h"

/* Every object must be a Go object, all of one Go release served here in
 * that exact toolchain (server/runtimes.h); the version picks the worker. */
int gofn_fn_sniff(const gofn_objbuf *objs, size_t nobjs, char *go_version, size_t cap, gofn_err *e)
{
	for (size_t i = 0; i < nobjs; i++)
		if (gofn_runtime_unit_add(objs[i].data, objs[i].len, i, go_version, cap, e) < 0)
			return -1;
	return 0;
}

/* "example.com/x.F" -> "example.com/x": the package is what precedes the
 * first '.' after the last '/'. Symbols come in link order, so the last
 * one is of the unit's last object: the package deployed, the others
 * being its dependencies. */
static void package_of(const gofn_function *f, char *out, size_t cap)
{
	out[0] = 0;
	if (!f->nsymbols)
		return;
	const char *name = f->symbols[f->nsymbols - 1].name;
	const char *slash = strrchr(name, '/');
	const char *dot = strchr(slash ? slash : name, '.');
	size_t n = dot ? (size_t)(dot - name) : strlen(name);
	snprintf(out, cap, "%.*s", (int)n, name);
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

/* A refused load as an error class: a malformed object is the client's
 * bad request; a well-formed one that cannot link here is unprocessable. */
static int load_refusal(const gofn_outcome *o, gofn_err *e)
{
	if (o->status != GOFN_STATUS_ERROR)
		return gofn_errf(e, GOFN_ELOAD, "loading the object %s: %s",
				 gofn_status_name(o->status), o->error);
	switch (o->err_class) {
	case GOFN_EINVAL:
	case GOFN_EVERSION:
	case GOFN_EUNRESOLVED:
	case GOFN_ELIMIT:
		return gofn_errf(e, o->err_class, "%s", o->error);
	default:
		return gofn_errf(e, GOFN_ELOAD, "%s", o->error);
	}
}

/* The function's objects as files, then its row (with the objects' bytes
 * in the same transaction when the store holds bytes: PostgreSQL); a
 * named one as its name's next version. */
static int persist(gofn_server *s, gofn_function *f, const gofn_objbuf *objs, gofn_err *e)
{
	gofn_obj_bytes bytes[GOFN_MAX_OBJECTS];
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < f->nobjs; i++) {
		rc = gofn_objects_put(s->cfg.data_dir, f->objs[i].sha256, objs[i].data, objs[i].len,
				      e);
		bytes[i] = (gofn_obj_bytes){f->objs[i].sha256, objs[i].data, objs[i].len};
	}
	if (rc == 0 && (f->name[0] ? gofn_store_fn_add_version(s->store, f, bytes, e)
				   : gofn_store_fn_add_objects(s->store, f, bytes, e)) == 0)
		return 0;
	if (e->code == GOFN_ECONFLICT || e->code == GOFN_ESTALE)
		return -1;
	gofn_log("error", "store_failed", json_pack("{s:o}", "error", gofn_json_text(e->msg)));
	/* The log has the path; the client needs only the condition. */
	if (e->code == GOFN_ENOSPACE)
		return gofn_errf(e, GOFN_ENOSPACE,
				 "No space left on the data disk; nothing was stored");
	return gofn_errctx(e, "storing the function");
}

/* A pool slot's cold start: spawns a worker and loads the objects into it,
 * with the environment of the name (a new version of a name gets it for its
 * init). 0, -1 when the load refused (*o says why), -2 with no worker. */
static int spawn_and_load(gofn_server *s, const char *tenant, const gofn_objbuf *objs,
			  gofn_function *f, gofn_worker **w, gofn_outcome *o, gofn_err *e)
{
	gofn_fn_env env;

	if (gofn_exec_spawn(s, tenant, f->go_version, w, e) < 0) {
		e->code = GOFN_EAGAIN;
		return -2;
	}
	if (gofn_fn_env_load(s, f, &env, e) < 0) {
		gofn_worker_destroy(*w);
		*w = NULL;
		return -2;
	}
	int rc = gofn_worker_load_env(*w, &s->cfg, objs, f->nobjs, &env.msg, f, o);
	gofn_fn_env_free(&env);
	return rc;
}

/* Spawns a worker in a pool slot and loads the objects; on success the
 * worker is kept warm for this function. */
static int load_and_store(gofn_server *s, const char *tenant, const gofn_objbuf *objs,
			  gofn_function *f, gofn_err *e)
{
	gofn_worker *w = NULL;
	gofn_outcome o = {0};

	enum gofn_acquire a =
	    gofn_pool_acquire(s->pool, tenant, f->id, gofn_now_ms() + s->cfg.load_timeout_ms, &w);
	if (a != GOFN_GOT_SLOT)
		return gofn_pool_refusal(a, e);
	int rc = spawn_and_load(s, tenant, objs, f, &w, &o, e);
	gofn_pool_started(s->pool); /* the next cold start may begin */
	if (rc == -2) {
		gofn_pool_release_slot(s->pool, tenant);
		return -1;
	}
	gofn_metrics_load(s->metrics, rc == 0);
	if (rc < 0) {
		gofn_log("info", "load_refused",
			 json_pack("{s:s, s:s, s:o}", "tenant", tenant, "status",
				   gofn_status_name(o.status), "error", gofn_json_text(o.error)));
		load_refusal(&o, e);
		gofn_outcome_clear(&o);
		gofn_worker_destroy(w);
		gofn_pool_release_slot(s->pool, tenant);
		return -1;
	}
	gofn_outcome_clear(&o);
	package_of(f, f->package, sizeof f->package);
	if (persist(s, f, objs, e) < 0) {
		gofn_worker_destroy(w);
		gofn_pool_release_slot(s->pool, tenant);
		return -1;
	}
	snprintf(w->function, sizeof w->function, "%s", f->id);
	w->first_result_us = -1; /* its spawn served the upload, not an invocation */
	gofn_pool_release(s->pool, tenant, w);
	gofn_log("info", "function_uploaded",
		 json_pack("{s:s, s:s, s:s, s:I}", "tenant", tenant, "function", f->id, "sha256",
			   f->sha256, "symbols", (json_int_t)f->nsymbols));
	return 0;
}

int gofn_fn_create(gofn_server *s, const char *tenant, const gofn_objbuf *objs, size_t nobjs,
		   gofn_function *f, gofn_err *e)
{
	return gofn_fn_create_named(s, tenant, NULL, 0, objs, nobjs, f, e);
}

int gofn_fn_create_named(gofn_server *s, const char *tenant, const char *name, int64_t base,
			 const gofn_objbuf *objs, size_t nobjs, gofn_function *f, gofn_err *e)
{
	int64_t count = 0;
	char rnd[GOFN_RAND_HEX];

	*f = (gofn_function){.nobjs = nobjs, .version = base};
	if (name)
		snprintf(f->name, sizeof f->name, "%s", name);
	if (nobjs == 0 || nobjs > GOFN_MAX_OBJECTS)
		return gofn_errf(e, GOFN_ELIMIT, "%zu objects: a function has 1 to %d", nobjs,
				 GOFN_MAX_OBJECTS);
	if (gofn_fn_sniff(objs, nobjs, f->go_version, sizeof f->go_version, e) < 0)
		return -1;
	if (gofn_store_fn_count(s->store, tenant, &count, e) < 0)
		return -1;
	if (count >= s->cfg.functions_per_tenant)
		return gofn_errf(e, GOFN_ECONFLICT, "tenant already has %lld functions (limit %d)",
				 (long long)count, s->cfg.functions_per_tenant);
	if (gofn_random_hex(rnd, 8, e) < 0)
		return -1;
	snprintf(f->id, sizeof f->id, "fn_%s", rnd);
	snprintf(f->tenant, sizeof f->tenant, "%s", tenant);
	digest(f, objs);
	f->created = (int64_t)time(NULL);
	return load_and_store(s, tenant, objs, f, e);
}

void gofn_fn_digest(const gofn_objbuf *objs, size_t nobjs, gofn_function *f)
{
	f->nobjs = nobjs;
	digest(f, objs);
}

/* Objects are shared by content; removes those nothing references now. */
static void collect_garbage(gofn_server *s, char *const *shas, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int64_t refs = 1;
		gofn_err e = {0};
		if (gofn_store_sha_refs(s->store, shas[i], &refs, &e) == 0 && refs == 0)
			gofn_objects_remove(s->cfg.data_dir, shas[i]);
	}
}

int gofn_fn_remove(gofn_server *s, const char *tenant, const char *id, gofn_err *e)
{
	gofn_function f;
	int rc = gofn_store_fn_get(s->store, tenant, id, &f, e);

	if (rc == 0)
		rc = gofn_store_fn_del(s->store, tenant, id, e);
	if (rc != 0) {
		gofn_function_clear(&f);
		return rc < 0 ? -1 : gofn_errf(e, GOFN_ENOTFOUND, "no such function");
	}
	char *shas[GOFN_MAX_OBJECTS];
	for (size_t i = 0; i < f.nobjs; i++)
		shas[i] = f.objs[i].sha256;
	collect_garbage(s, shas, f.nobjs);
	gofn_pool_forget(s->pool, tenant, id);
	gofn_log("info", "function_deleted",
		 json_pack("{s:s, s:s}", "tenant", tenant, "function", id));
	gofn_function_clear(&f);
	return 0;
}

int gofn_tenant_remove(gofn_server *s, const char *name, gofn_err *e)
{
	gofn_strlist before;
	gofn_err le = {0};
	/* Without the list the objects stay: a leak, not a reason to refuse. */
	int listed = gofn_store_all_shas(s->store, &before, &le) == 0;
	int rc = gofn_store_tenant_del(s->store, name, e);

	if (rc != 0) {
		gofn_strlist_free(&before);
		return rc < 0 ? -1 : gofn_errf(e, GOFN_ENOTFOUND, "no such tenant");
	}
	gofn_async_forget_tenant(s->async, name); /* its calls' records, now and later */
	gofn_pool_forget(s->pool, name, NULL);
	gofn_tenant_uid_retire(s, name); /* its uid, once its busy workers are gone */
	if (listed)
		collect_garbage(s, before.v, before.n);
	gofn_strlist_free(&before);
	gofn_log("info", "tenant_deleted", json_pack("{s:s}", "tenant", name));
	return 0;
}
