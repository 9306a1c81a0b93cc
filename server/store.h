/* Metadata: tenants, functions, their objects and symbols, profile rows.
 * Two backends (server/store_impl.h), chosen by --store:
 * - sqlite: DATA/gofn.db (WAL, synchronous=FULL so an acknowledged write
 *   survives kill -9 and power loss), one connection in serialized mode;
 * - postgres: --database-url (libpq), shared by several gofnd replicas.
 * Every call is one statement or one transaction, so a crash never leaves
 * half a function visible. */
#ifndef GOFN_SERVER_STORE_H
#define GOFN_SERVER_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "api/limits.h"
#include "common/err.h"
#include "common/limits.h"
#include "server/config.h"
#include "server/profiles.h"

typedef struct gofn_store gofn_store;

typedef struct gofn_fn_symbol {
	char *name, *signature;
	int sigkind; /* gofn_sigkind (api/proto.h) */
} gofn_fn_symbol;

/* Rows, not JSON: the server renders them (server/views.h). A backend
 * returns data; how it looks on the wire is decided in one place. */
typedef struct gofn_tenant_row {
	char name[GOFN_NAME_MAX];
	int64_t created;
	/* Its own CPU settings (server/store_tenants.h); unset ones are the
	 * flags' (--cpu-weight, --cpu-quota-pct). */
	int cpu_weight;	   /* 1..10000; 0: unset */
	int64_t cpu_quota; /* millicores of CPU; 0: no cap ("max"); -1: unset */
	unsigned uid;	   /* its host uid from --uid-range; 0: none allocated yet */
} gofn_tenant_row;

/* A list of strings (ids, digests), each malloc'd. */
typedef struct gofn_strlist {
	char **v;
	size_t n;
} gofn_strlist;

/* One uploaded object of a function's link unit. */
typedef struct gofn_fn_object {
	char sha256[GOFN_SHA256_HEX];
	int64_t size;
} gofn_fn_object;

typedef struct gofn_function {
	char id[GOFN_ID_MAX];
	char tenant[GOFN_NAME_MAX];
	char sha256[GOFN_SHA256_HEX]; /* of the object, or of the objects' digests (one per line) */
	int64_t size;		      /* all objects together */
	gofn_fn_object objs[GOFN_MAX_OBJECTS];
	size_t nobjs; /* in link order */
	char package[256];
	char go_version[64];
	int64_t created;
	gofn_fn_symbol *symbols;
	size_t nsymbols;
	/* A named function's (issue 17): "" and 0 for one uploaded without a name. */
	char name[GOFN_FN_NAME_MAX];
	int64_t version;
	int current; /* this version is the one NAME invokes */
} gofn_function;

/* The SQLite store in the file at path. */
int gofn_store_open(const char *path, gofn_store **out, gofn_err *e);
/* The store cfg selects: SQLite at sqlite_path, or PostgreSQL at
 * cfg->database_url. */
int gofn_store_open_config(const gofn_config *cfg, const char *sqlite_path, gofn_store **out,
			   gofn_err *e);
/* The same, for rows of which a power loss may drop the newest (never
 * corrupt them): profile rows, whose files are swept when their row is
 * gone. SQLite: synchronous=NORMAL on this connection, one fsync fewer per
 * write; PostgreSQL: the server's own durability, as for every row. */
int gofn_store_open_relaxed(const gofn_config *cfg, const char *sqlite_path, gofn_store **out,
			    gofn_err *e);
void gofn_store_close(gofn_store *s);

/* Returns 0, 1 if the tenant already exists, -1 on error. */
int gofn_store_tenant_add(gofn_store *s, const char *name, const char *token_sha256, gofn_err *e);
/* Returns 0, 1 if there is no such tenant, -1 on error. */
int gofn_store_tenant_del(gofn_store *s, const char *name, gofn_err *e);
/* Finds the tenant owning a token hash: 0 with name filled, 1 if none. */
int gofn_store_tenant_by_token(gofn_store *s, const char *token_sha256, char *name, size_t cap,
			       gofn_err *e);
/* Every tenant, by name (malloc'd array, may be NULL when *n is 0). */
int gofn_store_tenant_list(gofn_store *s, gofn_tenant_row **rows, size_t *n, gofn_err *e);

/* Inserts the function and its symbols in one transaction. */
int gofn_store_fn_add(gofn_store *s, const gofn_function *f, gofn_err *e);
/* 0 with *f filled (free with gofn_function_clear), 1 if not found (or another tenant's). */
int gofn_store_fn_get(gofn_store *s, const char *tenant, const char *id, gofn_function *f,
		      gofn_err *e);
/* The tenant's newest function defining symbol: 0, or 1 if none. */
int gofn_store_fn_newest_with(gofn_store *s, const char *tenant, const char *symbol,
			      gofn_function *f, gofn_err *e);
int gofn_store_fn_del(gofn_store *s, const char *tenant, const char *id, gofn_err *e);
int gofn_store_fn_count(gofn_store *s, const char *tenant, int64_t *n, gofn_err *e);
/* Ids of a tenant's functions, oldest first. */
int gofn_store_fn_ids(gofn_store *s, const char *tenant, gofn_strlist *ids, gofn_err *e);
/* How many functions (any tenant) still use an object (by its own sha256). */
int gofn_store_sha_refs(gofn_store *s, const char *sha256, int64_t *n, gofn_err *e);
/* Every object hash referenced by some function (for garbage collection). */
int gofn_store_all_shas(gofn_store *s, gofn_strlist *shas, gofn_err *e);

/* Profile rows (server/profiles.h keeps the files). add: 1 if the id exists. */
int gofn_store_profile_add(gofn_store *s, const gofn_profile_row *r, gofn_err *e);
/* 0 with *r, 1 if none (tenant NULL: any tenant's). */
int gofn_store_profile_get(gofn_store *s, const char *tenant, const char *id, gofn_profile_row *r,
			   gofn_err *e);
/* 0, or 1 if the tenant has no such profile. */
int gofn_store_profile_del(gofn_store *s, const char *tenant, const char *id, gofn_err *e);
/* The tenant's rows, newest first (malloc'd array, may be NULL when *n is 0). */
int gofn_store_profile_list(gofn_store *s, const char *tenant, gofn_profile_row **rows, size_t *n,
			    gofn_err *e);
/* The tenant's rows created before older_than or past the keep newest. */
int gofn_store_profile_expired(gofn_store *s, const char *tenant, int64_t older_than, int64_t keep,
			       gofn_profile_row **rows, size_t *n, gofn_err *e);

/* Bytes in the store (--store postgres): object bytes (content-addressed)
 * and profile bytes live in the database, so replicas share nothing but
 * it and keep files in DATA only as a cache. SQLite holds no bytes: they
 * are files in DATA (server/objects.h, server/profiles.h). */
typedef struct gofn_obj_bytes {
	const char *sha256;
	const uint8_t *data;
	size_t len;
} gofn_obj_bytes;

int gofn_store_holds_bytes(const gofn_store *s);
/* A store that holds bytes, opened on a database from before it did:
 * the objects with no bytes in it are copied from data_dir's files
 * (gofn_store_pg_migrate_blobs); nothing for SQLite. */
int gofn_store_migrate_blobs(gofn_store *s, const char *data_dir, size_t max, int64_t *copied,
			     int64_t *absent, gofn_err *e);
/* fn_add, with the objects' bytes (one per f->objs, same order) written in
 * the same transaction when the store holds bytes. */
int gofn_store_fn_add_objects(gofn_store *s, const gofn_function *f, const gofn_obj_bytes *objs,
			      gofn_err *e);
/* An object's bytes (at most max, malloc'd): 0, or 1 if the store has none. */
int gofn_store_object_get(gofn_store *s, const char *sha256, size_t max, uint8_t **p, size_t *n,
			  gofn_err *e);
/* profile_add, with the profile's bytes in the same row when the store
 * holds bytes. */
int gofn_store_profile_add_bytes(gofn_store *s, const gofn_profile_row *r, const uint8_t *data,
				 size_t len, gofn_err *e);
/* A profile's bytes: 0, or 1 if the store has none. */
int gofn_store_profile_bytes(gofn_store *s, const char *id, size_t max, uint8_t **p, size_t *n,
			     gofn_err *e);
/* A value every replica must agree on (admin token hash, profile secret):
 * the one already stored, else `proposed`, stored now; into out. Returns
 * 0, or 1 when the store keeps no settings (SQLite: files in DATA). */
int gofn_store_setting(gofn_store *s, const char *key, const char *proposed, char *out, size_t cap,
		       gofn_err *e);
/* Named, versioned functions. A tenant's name has versions 1, 2, ... and
 * one current version (the newest deployed, or the one rolled back to);
 * version rows go with their function, names with their tenant. */
/* Inserts f (with f->name) as the name's next version, made current, in one
 * transaction (with the objects' bytes, as gofn_store_fn_add_objects).
 * On entry f->version is the name's current version the caller compared
 * the objects with (0: no such name); on return the new one.
 * GOFN_ESTALE if the current version moved meanwhile or a concurrent
 * deploy took the number: the caller's to read again and retry. */
int gofn_store_fn_add_version(gofn_store *s, gofn_function *f, const gofn_obj_bytes *objs,
			      gofn_err *e);
/* version 0: the current one. 0 with *f, 1 if none. */
int gofn_store_fn_by_name(gofn_store *s, const char *tenant, const char *name, int64_t version,
			  gofn_function *f, gofn_err *e);
/* The name's version ids, oldest first, and the current version (1 if no such name). */
int gofn_store_fn_versions(gofn_store *s, const char *tenant, const char *name, gofn_strlist *ids,
			   int64_t *current, gofn_err *e);
/* Makes version current: 0, or 1 if the name has no such version. */
int gofn_store_fn_set_current(gofn_store *s, const char *tenant, const char *name, int64_t version,
			      gofn_err *e);
/* After versions were deleted: a name whose current version is gone
 * points at its newest remaining one, a name without versions goes. */
int gofn_store_fn_names_tidy(gofn_store *s, const char *tenant, gofn_err *e);
/* Whether one of the tenant's functions uses the object (*owned 0/1): a
 * deploy may reference it by digest instead of sending it. Another
 * tenant's objects are not revealed. */
int gofn_store_obj_owned(gofn_store *s, const char *tenant, const char *sha256, int *owned,
			 gofn_err *e);
/* ref is an id, NAME (its current version) or NAME@N: 0 with *f, 1 if none. */
int gofn_store_fn_resolve(gofn_store *s, const char *tenant, const char *ref, gofn_function *f,
			  gofn_err *e);

/* A named function's configuration (issue 17): environment variables,
 * and secrets whose value is stored sealed (server/crypto.h gofn_seal). */
#define GOFN_CONFIG_KEY_MAX 256
typedef struct gofn_config_row {
	char key[GOFN_CONFIG_KEY_MAX];
	char *value; /* malloc'd; a secret's sealed text */
	int secret;
} gofn_config_row;

/* Replaces the name's configuration with rows, in one transaction. */
int gofn_store_fn_config_set(gofn_store *s, const char *tenant, const char *name,
			     const gofn_config_row *rows, size_t n, gofn_err *e);
/* The name's rows by key (malloc'd array, may be NULL when *n is 0). */
int gofn_store_fn_config_get(gofn_store *s, const char *tenant, const char *name,
			     gofn_config_row **rows, size_t *n, gofn_err *e);
void gofn_config_rows_free(gofn_config_row *rows, size_t n);

/* An empty function, objs[] left untouched: it is 20 KiB of the struct and
 * only its first nobjs entries are ever read (a memset of it was a fifth
 * of gofnd's instructions in a warm invoke). */
void gofn_function_init(gofn_function *f);
void gofn_function_clear(gofn_function *f);
/* A deep copy of src into dst (dst's old contents are not freed): 0, or -1
 * when out of memory (dst then holds nothing to free). */
int gofn_function_copy(gofn_function *dst, const gofn_function *src);
/* Appends a copy of s; -1 when out of memory. */
int gofn_strlist_add(gofn_strlist *l, const char *s);
void gofn_strlist_free(gofn_strlist *l);

#endif
