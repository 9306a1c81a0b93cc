/* server/store.h's entry points: pick a backend at open, then dispatch
 * every call through its ops table (server/store_impl.h). Errors keep
 * their class (GOFN_EUNAVAIL when the database is down) up to the one
 * place that turns a class into an HTTP answer (server/http_error.c). */
#include "server/store_impl.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"

/* After a deletion: object bytes nobody uses go. A failure only delays
 * that to the next deletion, so the deletion itself stands. */
static void objects_gc(gofn_store *s)
{
	gofn_err e = {0};

	if (s->ops->objects_gc)
		s->ops->objects_gc(s, &e);
}

/* The warm lookups' cache in front of an opened store (0: none). */
static int with_cache(int rc, gofn_store **out, int64_t ttl_ms)
{
	if (rc == 0 && ttl_ms > 0)
		(*out)->cache = gofn_store_cache_new(ttl_ms);
	return rc;
}

int gofn_store_open(const char *path, gofn_store **out, gofn_err *e)
{
	return with_cache(gofn_store_sqlite_open(path, 0, out, e), out, GOFN_STORE_CACHE_MS);
}

int gofn_store_open_config(const gofn_config *cfg, const char *sqlite_path, gofn_store **out,
			   gofn_err *e)
{
	if (strcmp(cfg->store, "postgres") == 0)
		return with_cache(gofn_store_pg_open(cfg->database_url, out, e), out,
				  cfg->store_cache_ms);
	return with_cache(gofn_store_sqlite_open(sqlite_path, 0, out, e), out, cfg->store_cache_ms);
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
	if (!s)
		return;
	gofn_store_cache_free(s->cache);
	s->ops->close(s);
}

/* After a write: answers cached before it are not given again. */
static int written(int rc)
{
	gofn_store_cache_written();
	return rc;
}

int gofn_store_tenant_add(gofn_store *s, const char *name, const char *token_sha256, gofn_err *e)
{
	return written(s->ops->tenant_add(s, name, token_sha256, e));
}

int gofn_store_tenant_del(gofn_store *s, const char *name, gofn_err *e)
{
	int rc = written(s->ops->tenant_del(s, name, e));

	if (rc == 0)
		objects_gc(s);
	return rc;
}

int gofn_store_tenant_by_token(gofn_store *s, const char *token_sha256, char *name, size_t cap,
			       gofn_err *e)
{
	int64_t now = gofn_now_ms();

	if (gofn_store_cache_token(s->cache, token_sha256, name, cap, now))
		return 0;
	uint64_t gen = gofn_store_cache_gen();
	int rc = s->ops->tenant_by_token(s, token_sha256, name, cap, e);
	if (rc == 0)
		gofn_store_cache_put_token(s->cache, token_sha256, name, gen, now);
	return rc;
}

int gofn_store_tenant_list(gofn_store *s, gofn_tenant_row **rows, size_t *n, gofn_err *e)
{
	*rows = NULL;
	*n = 0;
	return s->ops->tenant_list(s, rows, n, e);
}

int gofn_store_fn_add(gofn_store *s, const gofn_function *f, gofn_err *e)
{
	return written(s->ops->fn_add(s, f, e));
}

int gofn_store_fn_get(gofn_store *s, const char *tenant, const char *id, gofn_function *f,
		      gofn_err *e)
{
	return s->ops->fn_get(s, tenant, id, f, e);
}

int gofn_store_fn_newest_with(gofn_store *s, const char *tenant, const char *symbol,
			      gofn_function *f, gofn_err *e)
{
	int64_t now = gofn_now_ms();

	if (gofn_store_cache_fn(s->cache, tenant, symbol, f, now))
		return 0;
	uint64_t gen = gofn_store_cache_gen();
	int rc = s->ops->fn_newest_with(s, tenant, symbol, f, e);
	if (rc == 0)
		gofn_store_cache_put_fn(s->cache, tenant, symbol, f, gen, now);
	return rc;
}

int gofn_store_fn_del(gofn_store *s, const char *tenant, const char *id, gofn_err *e)
{
	int rc = written(s->ops->fn_del(s, tenant, id, e));

	if (rc == 0)
		objects_gc(s);
	return rc;
}

int gofn_store_fn_count(gofn_store *s, const char *tenant, int64_t *n, gofn_err *e)
{
	return s->ops->fn_count(s, tenant, n, e);
}

int gofn_store_fn_ids(gofn_store *s, const char *tenant, gofn_strlist *ids, gofn_err *e)
{
	*ids = (gofn_strlist){0};
	return s->ops->fn_ids(s, tenant, ids, e);
}

int gofn_store_sha_refs(gofn_store *s, const char *sha256, int64_t *n, gofn_err *e)
{
	return s->ops->sha_refs(s, sha256, n, e);
}

int gofn_store_all_shas(gofn_store *s, gofn_strlist *shas, gofn_err *e)
{
	*shas = (gofn_strlist){0};
	return s->ops->all_shas(s, shas, e);
}

int gofn_store_profile_add(gofn_store *s, const gofn_profile_row *r, gofn_err *e)
{
	return s->ops->profile_add(s, r, e);
}

int gofn_store_profile_get(gofn_store *s, const char *tenant, const char *id, gofn_profile_row *r,
			   gofn_err *e)
{
	return s->ops->profile_get(s, tenant, id, r, e);
}

int gofn_store_profile_del(gofn_store *s, const char *tenant, const char *id, gofn_err *e)
{
	return s->ops->profile_del(s, tenant, id, e);
}

int gofn_store_profile_list(gofn_store *s, const char *tenant, gofn_profile_row **rows, size_t *n,
			    gofn_err *e)
{
	return s->ops->profile_list(s, tenant, rows, n, e);
}

int gofn_store_profile_expired(gofn_store *s, const char *tenant, int64_t older_than, int64_t keep,
			       gofn_profile_row **rows, size_t *n, gofn_err *e)
{
	return s->ops->profile_expired(s, tenant, older_than, keep, rows, n, e);
}

int gofn_store_migrate_blobs(gofn_store *s, const char *data_dir, size_t max, int64_t *copied,
			     int64_t *absent, gofn_err *e)
{
	*copied = *absent = 0;
	if (!gofn_store_holds_bytes(s))
		return 0;
	return gofn_store_pg_migrate_blobs(s, data_dir, max, copied, absent, e);
}

int gofn_store_holds_bytes(const gofn_store *s)
{
	return s->ops->object_get != NULL;
}

int gofn_store_fn_add_objects(gofn_store *s, const gofn_function *f, const gofn_obj_bytes *objs,
			      gofn_err *e)
{
	if (!s->ops->fn_add_objects)
		return gofn_store_fn_add(s, f, e);
	return written(s->ops->fn_add_objects(s, f, objs, e));
}

int gofn_store_object_get(gofn_store *s, const char *sha256, size_t max, uint8_t **p, size_t *n,
			  gofn_err *e)
{
	if (!s->ops->object_get)
		return 1;
	return s->ops->object_get(s, sha256, max, p, n, e);
}

int gofn_store_profile_add_bytes(gofn_store *s, const gofn_profile_row *r, const uint8_t *data,
				 size_t len, gofn_err *e)
{
	if (!s->ops->profile_add_bytes)
		return gofn_store_profile_add(s, r, e);
	return s->ops->profile_add_bytes(s, r, data, len, e);
}

int gofn_store_profile_bytes(gofn_store *s, const char *id, size_t max, uint8_t **p, size_t *n,
			     gofn_err *e)
{
	if (!s->ops->profile_bytes)
		return 1;
	return s->ops->profile_bytes(s, id, max, p, n, e);
}

int gofn_store_setting(gofn_store *s, const char *key, const char *proposed, char *out, size_t cap,
		       gofn_err *e)
{
	if (!s->ops->setting)
		return 1;
	return s->ops->setting(s, key, proposed, out, cap, e);
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

void gofn_function_init(gofn_function *f)
{
	memset(f, 0, offsetof(gofn_function, objs));
	memset(&f->nobjs, 0, sizeof *f - offsetof(gofn_function, nobjs));
}

int gofn_function_copy(gofn_function *dst, const gofn_function *src)
{
	/* The fields, and of objs[] only the used part: it is most of the
	 * struct (GOFN_MAX_OBJECTS entries) and usually holds one. */
	memcpy(dst, src, offsetof(gofn_function, objs));
	memcpy(dst->objs, src->objs, src->nobjs * sizeof src->objs[0]);
	memcpy(&dst->nobjs, &src->nobjs, sizeof *src - offsetof(gofn_function, nobjs));
	dst->symbols = calloc(src->nsymbols ? src->nsymbols : 1, sizeof *dst->symbols);
	dst->nsymbols = 0;
	if (!dst->symbols)
		return -1;
	for (size_t i = 0; i < src->nsymbols; i++) {
		gofn_fn_symbol *y = &dst->symbols[i];
		y->name = strdup(src->symbols[i].name);
		y->signature = strdup(src->symbols[i].signature);
		y->sigkind = src->symbols[i].sigkind;
		dst->nsymbols = i + 1;
		if (!y->name || !y->signature) {
			gofn_function_clear(dst);
			return -1;
		}
	}
	return 0;
}

int gofn_strlist_add(gofn_strlist *l, const char *s)
{
	char *c = strdup(s);
	char **v = c ? realloc(l->v, (l->n + 1) * sizeof *v) : NULL;

	if (!v) {
		free(c);
		return -1;
	}
	v[l->n++] = c;
	l->v = v;
	return 0;
}

void gofn_strlist_free(gofn_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	*l = (gofn_strlist){0};
}

/* Named versions (issue 17). */

int gofn_store_version_moved(gofn_err *e, const gofn_function *f, int64_t cur)
{
	return gofn_errf(e, GOFN_ESTALE,
			 "a concurrent deploy or rollback of %s made version %lld current; retry",
			 f->name, (long long)cur);
}

int gofn_store_fn_add_version(gofn_store *s, gofn_function *f, const gofn_obj_bytes *objs,
			      gofn_err *e)
{
	return written(s->ops->fn_add_version(s, f, objs, e));
}

int gofn_store_fn_by_name(gofn_store *s, const char *tenant, const char *name, int64_t version,
			  gofn_function *f, gofn_err *e)
{
	return s->ops->fn_by_name(s, tenant, name, version, f, e);
}

int gofn_store_fn_versions(gofn_store *s, const char *tenant, const char *name, gofn_strlist *ids,
			   int64_t *current, gofn_err *e)
{
	return s->ops->fn_versions(s, tenant, name, ids, current, e);
}

int gofn_store_fn_set_current(gofn_store *s, const char *tenant, const char *name, int64_t version,
			      gofn_err *e)
{
	return written(s->ops->fn_set_current(s, tenant, name, version, e));
}

int gofn_store_fn_names_tidy(gofn_store *s, const char *tenant, gofn_err *e)
{
	return written(s->ops->fn_names_tidy(s, tenant, e));
}

int gofn_store_obj_owned(gofn_store *s, const char *tenant, const char *sha256, int *owned,
			 gofn_err *e)
{
	return s->ops->obj_owned(s, tenant, sha256, owned, e);
}

int gofn_store_fn_resolve(gofn_store *s, const char *tenant, const char *ref, gofn_function *f,
			  gofn_err *e)
{
	const char *at = strrchr(ref, '@');
	char name[GOFN_FN_NAME_MAX];

	if (!at) {
		int rc = gofn_store_fn_get(s, tenant, ref, f, e);
		if (rc != 1)
			return rc;
		gofn_function_clear(f);
		return gofn_store_fn_by_name(s, tenant, ref, 0, f, e);
	}
	char *end;
	long long v = strtoll(at + 1, &end, 10);
	size_t n = (size_t)(at - ref);
	gofn_function_init(f);
	if (n == 0 || n >= sizeof name || end == at + 1 || *end || v < 1)
		return 1;
	memcpy(name, ref, n);
	name[n] = 0;
	return gofn_store_fn_by_name(s, tenant, name, v, f, e);
}

int gofn_store_fn_config_set(gofn_store *s, const char *tenant, const char *name,
			     const gofn_config_row *rows, size_t n, gofn_err *e)
{
	return s->ops->fn_config_set(s, tenant, name, rows, n, e);
}

int gofn_store_fn_config_get(gofn_store *s, const char *tenant, const char *name,
			     gofn_config_row **rows, size_t *n, gofn_err *e)
{
	*rows = NULL;
	*n = 0;
	return s->ops->fn_config_get(s, tenant, name, rows, n, e);
}

void gofn_config_rows_free(gofn_config_row *rows, size_t n)
{
	for (size_t i = 0; rows && i < n; i++)
		free(rows[i].value);
	free(rows);
}
