/* server/store.h's entry points: pick a backend at open, then dispatch
 * every call through its ops table (server/store_impl.h). */
#include "server/store_impl.h"

#include <string.h>

/* Set when a store call on this thread failed because the database is
 * down. A request is handled on one thread from its store calls to its
 * reply, so the reply (server/http.c) can answer 503 + Retry-After
 * instead of 500 without every handler passing the error class up. */
static _Thread_local int store_down;

static int noted(int rc, const gofn_err *e)
{
	if (rc < 0 && e && e->code == GOFN_EUNAVAIL)
		store_down = 1;
	return rc;
}

static json_t *noted_json(json_t *j, const gofn_err *e)
{
	if (!j && e && e->code == GOFN_EUNAVAIL)
		store_down = 1;
	return j;
}

int gofn_store_down_take(void)
{
	int d = store_down;

	store_down = 0;
	return d;
}

int gofn_store_open(const char *path, gofn_store **out, gofn_err *e)
{
	return gofn_store_sqlite_open(path, 0, out, e);
}

int gofn_store_open_config(const gofn_config *cfg, const char *sqlite_path, gofn_store **out,
			   gofn_err *e)
{
	if (strcmp(cfg->store, "postgres") == 0)
		return gofn_store_pg_open(cfg->database_url, out, e);
	return gofn_store_sqlite_open(sqlite_path, 0, out, e);
}

int gofn_store_open_relaxed(const gofn_config *cfg, const char *sqlite_path, gofn_store **out,
			    gofn_err *e)
{
	if (strcmp(cfg->store, "postgres") == 0)
		return gofn_store_pg_open(cfg->database_url, out, e);
	return gofn_store_sqlite_open(sqlite_path, 1, out, e);
}

void gofn_store_close(gofn_store *s)
{
	if (s)
		s->ops->close(s);
}

int gofn_store_tenant_add(gofn_store *s, const char *name, const char *token_sha256, gofn_err *e)
{
	return noted(s->ops->tenant_add(s, name, token_sha256, e), e);
}

int gofn_store_tenant_del(gofn_store *s, const char *name, gofn_err *e)
{
	return noted(s->ops->tenant_del(s, name, e), e);
}

int gofn_store_tenant_by_token(gofn_store *s, const char *token_sha256, char *name, size_t cap,
			       gofn_err *e)
{
	return noted(s->ops->tenant_by_token(s, token_sha256, name, cap, e), e);
}

json_t *gofn_store_tenant_list(gofn_store *s, gofn_err *e)
{
	return noted_json(s->ops->tenant_list(s, e), e);
}

int gofn_store_fn_add(gofn_store *s, const gofn_function *f, gofn_err *e)
{
	return noted(s->ops->fn_add(s, f, e), e);
}

int gofn_store_fn_get(gofn_store *s, const char *tenant, const char *id, gofn_function *f,
		      gofn_err *e)
{
	return noted(s->ops->fn_get(s, tenant, id, f, e), e);
}

int gofn_store_fn_newest_with(gofn_store *s, const char *tenant, const char *symbol,
			      gofn_function *f, gofn_err *e)
{
	return noted(s->ops->fn_newest_with(s, tenant, symbol, f, e), e);
}

int gofn_store_fn_del(gofn_store *s, const char *tenant, const char *id, gofn_err *e)
{
	return noted(s->ops->fn_del(s, tenant, id, e), e);
}

int gofn_store_fn_count(gofn_store *s, const char *tenant, int64_t *n, gofn_err *e)
{
	return noted(s->ops->fn_count(s, tenant, n, e), e);
}

json_t *gofn_store_fn_ids(gofn_store *s, const char *tenant, gofn_err *e)
{
	return noted_json(s->ops->fn_ids(s, tenant, e), e);
}

int gofn_store_sha_refs(gofn_store *s, const char *sha256, int64_t *n, gofn_err *e)
{
	return noted(s->ops->sha_refs(s, sha256, n, e), e);
}

json_t *gofn_store_all_shas(gofn_store *s, gofn_err *e)
{
	return noted_json(s->ops->all_shas(s, e), e);
}

int gofn_store_profile_add(gofn_store *s, const gofn_profile_row *r, gofn_err *e)
{
	return noted(s->ops->profile_add(s, r, e), e);
}

int gofn_store_profile_get(gofn_store *s, const char *tenant, const char *id, gofn_profile_row *r,
			   gofn_err *e)
{
	return noted(s->ops->profile_get(s, tenant, id, r, e), e);
}

int gofn_store_profile_del(gofn_store *s, const char *tenant, const char *id, gofn_err *e)
{
	return noted(s->ops->profile_del(s, tenant, id, e), e);
}

int gofn_store_profile_list(gofn_store *s, const char *tenant, gofn_profile_row **rows, size_t *n,
			    gofn_err *e)
{
	return noted(s->ops->profile_list(s, tenant, rows, n, e), e);
}

int gofn_store_profile_expired(gofn_store *s, const char *tenant, int64_t older_than, int64_t keep,
			       gofn_profile_row **rows, size_t *n, gofn_err *e)
{
	return noted(s->ops->profile_expired(s, tenant, older_than, keep, rows, n, e), e);
}

void gofn_function_clear(gofn_function *f)
{
	for (size_t i = 0; i < f->nsymbols; i++) {
		free(f->symbols[i].name);
		free(f->symbols[i].signature);
	}
	free(f->symbols);
	f->symbols = NULL;
	f->nsymbols = 0;
}

json_t *gofn_function_json(const gofn_function *f)
{
	json_t *syms = json_array();
	json_t *objs = json_array();

	for (size_t i = 0; i < f->nobjs; i++)
		json_array_append_new(objs, json_pack("{s:s, s:I}", "sha256", f->objs[i].sha256,
						      "size", (json_int_t)f->objs[i].size));
	for (size_t i = 0; i < f->nsymbols; i++)
		json_array_append_new(syms, json_pack("{s:s, s:s, s:b}", "name", f->symbols[i].name,
						      "signature", f->symbols[i].signature,
						      "invokable", f->symbols[i].sigkind != 0));
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:o, s:o}", "id", f->id, "package",
			 f->package, "go_version", f->go_version, "sha256", f->sha256, "size",
			 (json_int_t)f->size, "created", (json_int_t)f->created, "objects", objs,
			 "symbols", syms);
}
