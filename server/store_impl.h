/* The backends behind server/store.h: SQLite (store_sqlite.c, one machine)
 * and PostgreSQL (store_pg.c, several gofnd replicas on one database).
 * store.c dispatches each public call through the handle's ops table; a
 * backend's handle struct starts with a gofn_store so the two convert.
 *
 * Every backend keeps the same promises: each call is one statement or one
 * transaction (a function with its objects and symbols appears whole or not
 * at all), conflicts are decided by UNIQUE constraints in the database (so
 * several processes racing on one name get one winner, never a duplicate),
 * and the schema is created idempotently when the store opens. */
#ifndef GOFN_SERVER_STORE_IMPL_H
#define GOFN_SERVER_STORE_IMPL_H

#include "server/store.h"
#include "server/store_cache.h"
#include "server/store_invocations.h"
#include "server/store_tenants.h"

typedef struct gofn_store_ops {
	const char *name; /* "sqlite", "postgres": for logs and errors */
	void (*close)(gofn_store *s);
	int (*tenant_add)(gofn_store *s, const char *name, const char *token_sha256, gofn_err *e);
	int (*tenant_del)(gofn_store *s, const char *name, gofn_err *e);
	int (*tenant_by_token)(gofn_store *s, const char *token_sha256, char *name, size_t cap,
			       gofn_err *e);
	int (*tenant_list)(gofn_store *s, gofn_tenant_row **rows, size_t *n, gofn_err *e);
	int (*tenant_get)(gofn_store *s, const char *name, gofn_tenant_row *row, gofn_err *e);
	int (*fn_add)(gofn_store *s, const gofn_function *f, gofn_err *e);
	int (*fn_get)(gofn_store *s, const char *tenant, const char *id, gofn_function *f,
		      gofn_err *e);
	int (*fn_newest_with)(gofn_store *s, const char *tenant, const char *symbol,
			      gofn_function *f, gofn_err *e);
	int (*fn_del)(gofn_store *s, const char *tenant, const char *id, gofn_err *e);
	int (*fn_count)(gofn_store *s, const char *tenant, int64_t *n, gofn_err *e);
	int (*fn_ids)(gofn_store *s, const char *tenant, gofn_strlist *ids, gofn_err *e);
	int (*sha_refs)(gofn_store *s, const char *sha256, int64_t *n, gofn_err *e);
	int (*all_shas)(gofn_store *s, gofn_strlist *shas, gofn_err *e);
	int (*profile_add)(gofn_store *s, const gofn_profile_row *r, gofn_err *e);
	int (*profile_get)(gofn_store *s, const char *tenant, const char *id, gofn_profile_row *r,
			   gofn_err *e);
	int (*profile_del)(gofn_store *s, const char *tenant, const char *id, gofn_err *e);
	int (*profile_list)(gofn_store *s, const char *tenant, gofn_profile_row **rows, size_t *n,
			    gofn_err *e);
	int (*profile_expired)(gofn_store *s, const char *tenant, int64_t older_than, int64_t keep,
			       gofn_profile_row **rows, size_t *n, gofn_err *e);
	/* Bytes in the store (store.h); NULL in a backend that holds none. */
	int (*fn_add_objects)(gofn_store *s, const gofn_function *f, const gofn_obj_bytes *objs,
			      gofn_err *e);
	int (*object_get)(gofn_store *s, const char *sha256, size_t max, uint8_t **p, size_t *n,
			  gofn_err *e);
	/* Drops object bytes no function uses any more (after deletions). */
	int (*objects_gc)(gofn_store *s, gofn_err *e);
	int (*profile_add_bytes)(gofn_store *s, const gofn_profile_row *r, const uint8_t *data,
				 size_t len, gofn_err *e);
	int (*profile_bytes)(gofn_store *s, const char *id, size_t max, uint8_t **p, size_t *n,
			     gofn_err *e);
	int (*setting)(gofn_store *s, const char *key, const char *proposed, char *out, size_t cap,
		       gofn_err *e);
	/* Named versions (server/store.h). */
	int (*fn_add_version)(gofn_store *s, gofn_function *f, const gofn_obj_bytes *objs,
			      gofn_err *e);
	int (*fn_by_name)(gofn_store *s, const char *tenant, const char *name, int64_t version,
			  gofn_function *f, gofn_err *e);
	int (*fn_versions)(gofn_store *s, const char *tenant, const char *name, gofn_strlist *ids,
			   int64_t *current, gofn_err *e);
	int (*fn_set_current)(gofn_store *s, const char *tenant, const char *name, int64_t version,
			      gofn_err *e);
	int (*fn_names_tidy)(gofn_store *s, const char *tenant, gofn_err *e);
	int (*obj_owned)(gofn_store *s, const char *tenant, const char *sha256, int *owned,
			 gofn_err *e);
	int (*fn_config_set)(gofn_store *s, const char *tenant, const char *name,
			     const gofn_config_row *rows, size_t n, gofn_err *e);
	int (*fn_config_get)(gofn_store *s, const char *tenant, const char *name,
			     gofn_config_row **rows, size_t *n, gofn_err *e);
	const gofn_inv_ops *inv;    /* invocation rows (store_invocations.h) */
	const gofn_tenant_ops *ten; /* tenants' CPU settings and uids (store_tenants.h) */
} gofn_store_ops;

struct gofn_store {
	const gofn_store_ops *ops;
	gofn_store_cache *cache; /* the warm lookups (store_cache.h), set by store.c; may be NULL */
};

/* relaxed: synchronous=NORMAL on this connection (see gofn_store_open_relaxed). */
int gofn_store_sqlite_open(const char *path, int relaxed, gofn_store **out, gofn_err *e);
int gofn_store_pg_open(const char *conninfo, gofn_store **out, gofn_err *e);
/* A database from before blobs existed (issue 19) has object rows whose
 * bytes are only files in some replica's DATA/objects: copies each one
 * found in data_dir (at most max bytes, its digest checked) into blobs,
 * one transaction per object, so a replica on an empty data dir can serve
 * it. Idempotent. *copied: copied now; *absent: still without bytes here. */
int gofn_store_pg_migrate_blobs(gofn_store *g, const char *data_dir, size_t max, int64_t *copied,
				int64_t *absent, gofn_err *e);

/* fn_add_version's answer when the name's current version (cur) is no
 * longer the one the deploy read (f->version): GOFN_ESTALE, to retry. */
int gofn_store_version_moved(gofn_err *e, const gofn_function *f, int64_t cur);

extern const gofn_inv_ops gofn_sqlite_inv_ops, gofn_pg_inv_ops;
extern const gofn_tenant_ops gofn_sqlite_tenant_ops, gofn_pg_tenant_ops;

#endif
