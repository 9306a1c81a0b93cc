/* The SQLite backend of server/store.h: DATA/gofn.db on one machine. */
#include "server/store_sqlite_internal.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* One connection shared by every HTTP thread. Each public function holds
 * the connection's (recursive) mutex for its whole run, so a transaction
 * never absorbs another thread's statements and sqlite3_changes() and
 * sqlite3_errmsg() describe our own statement. */
#define STMT_CACHE 32

/* Statements are prepared once per connection and reused: preparing
 * (parsing and planning) cost more than running the warm invoke's
 * queries. Keyed by the SQL literal's address, which is stable. */
typedef struct sq {
	gofn_store base;
	sqlite3 *db;
	struct {
		const char *sql;
		sqlite3_stmt *st;
	} cache[STMT_CACHE];
	int ncache;
} sq;

static const char schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=FULL;"
    "PRAGMA foreign_keys=ON;"
    "CREATE TABLE IF NOT EXISTS tenants("
    " name TEXT PRIMARY KEY, token_sha256 TEXT NOT NULL UNIQUE, created INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS functions("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,"
    " tenant TEXT NOT NULL REFERENCES tenants(name) ON DELETE CASCADE,"
    " sha256 TEXT NOT NULL, size INTEGER NOT NULL, package TEXT NOT NULL,"
    " go_version TEXT NOT NULL, created INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS functions_tenant ON functions(tenant);"
    "CREATE TABLE IF NOT EXISTS symbols("
    " function TEXT NOT NULL REFERENCES functions(id) ON DELETE CASCADE,"
    " name TEXT NOT NULL, signature TEXT NOT NULL, sigkind INTEGER NOT NULL,"
    " PRIMARY KEY(function, name));"
    "CREATE INDEX IF NOT EXISTS symbols_name ON symbols(name);"
    "CREATE TABLE IF NOT EXISTS objects("
    " function TEXT NOT NULL REFERENCES functions(id) ON DELETE CASCADE,"
    " idx INTEGER NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL,"
    " PRIMARY KEY(function, idx));"
    "CREATE INDEX IF NOT EXISTS objects_sha ON objects(sha256);"
    "CREATE TABLE IF NOT EXISTS profiles("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,"
    " tenant TEXT NOT NULL REFERENCES tenants(name) ON DELETE CASCADE,"
    " kind TEXT NOT NULL, invocation TEXT NOT NULL, function TEXT NOT NULL,"
    " symbol TEXT NOT NULL, size INTEGER NOT NULL, created INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS profiles_tenant ON profiles(tenant, seq);"
    /* Named versions (issue 17): new tables, so an existing database
     * migrates by this very script; its functions stay unnamed. */
    "CREATE TABLE IF NOT EXISTS fn_versions("
    " function TEXT PRIMARY KEY REFERENCES functions(id) ON DELETE CASCADE,"
    " tenant TEXT NOT NULL, name TEXT NOT NULL, version INTEGER NOT NULL,"
    " UNIQUE(tenant, name, version));"
    "CREATE TABLE IF NOT EXISTS fn_names("
    " tenant TEXT NOT NULL REFERENCES tenants(name) ON DELETE CASCADE,"
    " name TEXT NOT NULL, current INTEGER NOT NULL, PRIMARY KEY(tenant, name));"
    "CREATE TABLE IF NOT EXISTS fn_config("
    " tenant TEXT NOT NULL REFERENCES tenants(name) ON DELETE CASCADE,"
    " name TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, secret INTEGER NOT NULL,"
    " PRIMARY KEY(tenant, name, key));"
    /* Tenants' CPU settings and host uids (server/store_tenants.h): new
     * tables, so an existing database migrates by this script too. */
    "CREATE TABLE IF NOT EXISTS tenant_cpu("
    " tenant TEXT PRIMARY KEY REFERENCES tenants(name) ON DELETE CASCADE,"
    " weight INTEGER, quota INTEGER);"
    "CREATE TABLE IF NOT EXISTS tenant_uids(uid INTEGER PRIMARY KEY, tenant TEXT NOT NULL UNIQUE);";

static const gofn_store_ops sqlite_ops;

/* A busy or locked database is another process's transaction: the client
 * may retry (503); a full one is out of disk (507); the rest is ours (500). */
static int db_err(sq *s, gofn_err *e, const char *what)
{
	int rc = sqlite3_errcode(s->db), code = GOFN_ESYS;

	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		code = GOFN_EUNAVAIL;
	else if (rc == SQLITE_FULL)
		code = GOFN_ENOSPACE;
	return gofn_errf(e, code, "sqlite: %s: %s", what, sqlite3_errmsg(s->db));
}

static void sq_close(gofn_store *g)
{
	sq *s = (sq *)g;

	if (!s)
		return;
	for (int i = 0; i < s->ncache; i++)
		sqlite3_finalize(s->cache[i].st);
	sqlite3_close(s->db);
	free(s);
}

int gofn_store_sqlite_open(const char *path, int relaxed, gofn_store **out, gofn_err *e)
{
	sq *s = calloc(1, sizeof *s);

	if (!s)
		return gofn_errf(e, GOFN_ENOMEM, "store: out of memory");
	s->base.ops = &sqlite_ops;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX;
	if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
		gofn_errf(e, GOFN_ESYS, "sqlite: open %s: %s", path,
			  s->db ? sqlite3_errmsg(s->db) : "out of memory");
		sq_close(&s->base);
		return -1;
	}
	sqlite3_busy_timeout(s->db, 5000);
	if (sqlite3_exec(s->db, schema, NULL, NULL, NULL) != SQLITE_OK ||
	    (relaxed &&
	     sqlite3_exec(s->db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL) != SQLITE_OK)) {
		db_err(s, e, "schema");
		sq_close(&s->base);
		return -1;
	}
	*out = &s->base;
	return 0;
}

/* The cached statement for sql, prepared on first use; NULL if the cache
 * is full or the cached one is still running (a nested use). */
static sqlite3_stmt *cached(sq *s, gofn_err *e, const char *sql, int *failed)
{
	*failed = 0;
	for (int i = 0; i < s->ncache; i++)
		if (s->cache[i].sql == sql)
			return sqlite3_stmt_busy(s->cache[i].st) ? NULL : s->cache[i].st;
	if (s->ncache == STMT_CACHE)
		return NULL;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		*failed = 1;
		db_err(s, e, "prepare");
		return NULL;
	}
	s->cache[s->ncache].sql = sql;
	s->cache[s->ncache++].st = st;
	return st;
}

/* Prepares sql (or takes it from the cache) and binds text arguments
 * (NULL-terminated list). Give it back with done(). */
static sqlite3_stmt *prep(sq *s, gofn_err *e, const char *sql, const char *const *args)
{
	int failed;
	sqlite3_stmt *st = cached(s, e, sql, &failed);

	if (failed)
		return NULL;
	if (!st && sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		db_err(s, e, "prepare");
		return NULL;
	}
	for (int i = 0; args && args[i]; i++)
		sqlite3_bind_text(st, i + 1, args[i], -1, SQLITE_TRANSIENT);
	return st;
}

/* Ends a statement from prep(): a cached one is reset for the next call
 * (which also ends its read transaction), any other finalized. */
static void done(sq *s, sqlite3_stmt *st)
{
	for (int i = 0; i < s->ncache; i++)
		if (s->cache[i].st == st) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return;
		}
	sqlite3_finalize(st);
}

/* Runs a statement that returns no rows; returns 0, 1 when it changed
 * nothing (for deletes) or hit a UNIQUE conflict (for inserts), -1 on error. */
static int exec_args(sq *s, gofn_err *e, const char *sql, const char *const *args)
{
	sqlite3_stmt *st = prep(s, e, sql, args);

	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	done(s, st);
	if (rc == SQLITE_CONSTRAINT)
		return 1;
	if (rc != SQLITE_DONE)
		return db_err(s, e, "step");
	return sqlite3_changes(s->db) == 0 ? 1 : 0;
}

static int tenant_add_unlocked(sq *s, const char *name, const char *token_sha256, gofn_err *e)
{
	char now[32];

	snprintf(now, sizeof now, "%lld", (long long)time(NULL));
	const char *args[] = {name, token_sha256, now, NULL};
	return exec_args(s, e, "INSERT INTO tenants(name, token_sha256, created) VALUES(?,?,?)",
			 args);
}

static int sq_tenant_add(gofn_store *g, const char *name, const char *token_sha256, gofn_err *e)
{
	sq *s = (sq *)g;

	sqlite3_mutex_enter(sqlite3_db_mutex(s->db));
	int r = tenant_add_unlocked(s, name, token_sha256, e);
	sqlite3_mutex_leave(sqlite3_db_mutex(s->db));
	return r;
}

static int tenant_del_unlocked(sq *s, const char *name, gofn_err *e)
{
	const char *args[] = {name, NULL};
	return exec_args(s, e, "DELETE FROM tenants WHERE name = ?", args);
}

static int sq_tenant_del(gofn_store *g, const char *name, gofn_err *e)
{
	sq *s = (sq *)g;

	sqlite3_mutex_enter(sqlite3_db_mutex(s->db));
	int r = tenant_del_unlocked(s, name, e);
	sqlite3_mutex_leave(sqlite3_db_mutex(s->db));
	return r;
}

static int tenant_by_token_unlocked(sq *s, const char *token_sha256, char *name, size_t cap,
				    gofn_err *e)
{
	const char *args[] = {token_sha256, NULL};
	sqlite3_stmt *st = prep(s, e, "SELECT name FROM tenants WHERE token_sha256 = ?", args);

	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	int ret = 1;
	if (rc == SQLITE_ROW) {
		snprintf(name, cap, "%s", (const char *)sqlite3_column_text(st, 0));
		ret = 0;
	} else if (rc != SQLITE_DONE) {
		ret = db_err(s, e, "tenant by token");
	}
	done(s, st);
	return ret;
}

static int sq_tenant_by_token(gofn_store *g, const char *token_sha256, char *name, size_t cap,
			      gofn_err *e)
{
	sq *s = (sq *)g;

	sqlite3_mutex_enter(sqlite3_db_mutex(s->db));
	int r = tenant_by_token_unlocked(s, token_sha256, name, cap, e);
	sqlite3_mutex_leave(sqlite3_db_mutex(s->db));
	return r;
}

static void take_tenant(sqlite3_stmt *st, gofn_tenant_row *t)
{
	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "%s", (const char *)sqlite3_column_text(st, 0));
	t->created = sqlite3_column_int64(st, 1);
	t->cpu_weight = sqlite3_column_int(st, 2); /* NULL reads 0: unset */
	t->cpu_quota = sqlite3_column_type(st, 3) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 3);
	t->uid = (unsigned)sqlite3_column_int64(st, 4);
}

/* A tenant with its CPU settings and uid, as take_tenant reads it. */
#define TENANT_SELECT                                                                              \
	"SELECT t.name, t.created, c.weight, c.quota, u.uid FROM tenants t"                        \
	" LEFT JOIN tenant_cpu c ON c.tenant = t.name"                                             \
	" LEFT JOIN tenant_uids u ON u.tenant = t.name "

static int sq_tenant_get(gofn_store *g, const char *name, gofn_tenant_row *row, gofn_err *e)
{
	sq *s = (sq *)g;
	const char *args[] = {name, NULL};

	sqlite3_mutex_enter(sqlite3_db_mutex(s->db));
	sqlite3_stmt *st = prep(s, e, TENANT_SELECT "WHERE t.name = ?", args);
	int rc = -1;
	if (st) {
		int r = sqlite3_step(st);
		if (r == SQLITE_ROW)
			take_tenant(st, row);
		rc = r == SQLITE_ROW ? 0 : r == SQLITE_DONE ? 1 : db_err(s, e, "get tenant");
		done(s, st);
	}
	sqlite3_mutex_leave(sqlite3_db_mutex(s->db));
	return rc;
}

static int tenant_list_unlocked(sq *s, gofn_tenant_row **rows, size_t *n, gofn_err *e)
{
	sqlite3_stmt *st = prep(s, e, TENANT_SELECT "ORDER BY t.name", NULL);
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		gofn_tenant_row *v = realloc(*rows, (*n + 1) * sizeof *v);
		if (!v) {
			rc = SQLITE_NOMEM;
			break;
		}
		*rows = v;
		take_tenant(st, &v[(*n)++]);
	}
	done(s, st);
	if (rc != SQLITE_DONE) {
		free(*rows);
		*rows = NULL;
		*n = 0;
		return db_err(s, e, "list tenants");
	}
	return 0;
}

static int sq_tenant_list(gofn_store *g, gofn_tenant_row **rows, size_t *n, gofn_err *e)
{
	sq *s = (sq *)g;

	sqlite3_mutex_enter(sqlite3_db_mutex(s->db));
	int r = tenant_list_unlocked(s, rows, n, e);
	sqlite3_mutex_leave(sqlite3_db_mutex(s->db));
	return r;
}

static int add_symbols(sq *s, const gofn_function *f, gofn_err *e)
{
	for (size_t i = 0; i < f->nsymbols; i++) {
		const char *args[] = {f->id, f->symbols[i].name, f->symbols[i].signature, NULL};
		sqlite3_stmt *st = prep(
		    s, e, "INSERT INTO symbols(function, name, signature, sigkind) VALUES(?,?,?,?)",
		    args);
		if (!st)
			return -1;
		sqlite3_bind_int(st, 4, f->symbols[i].sigkind);
		int rc = sqlite3_step(st);
		done(s, st);
		if (rc != SQLITE_DONE)
			return db_err(s, e, "insert symbol");
	}
	return 0;
}

static int add_objects(sq *s, const gofn_function *f, gofn_err *e)
{
	for (size_t i = 0; i < f->nobjs; i++) {
		const char *args[] = {f->id, f->objs[i].sha256, NULL};
		sqlite3_stmt *st = prep(
		    s, e, "INSERT INTO objects(function, sha256, idx, size) VALUES(?,?,?,?)", args);
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 3, (sqlite3_int64)i);
		sqlite3_bind_int64(st, 4, f->objs[i].size);
		int rc = sqlite3_step(st);
		done(s, st);
		if (rc != SQLITE_DONE)
			return db_err(s, e, "insert object");
	}
	return 0;
}

/* The function's rows, inside the caller's transaction. */
static int fn_insert(sq *s, const gofn_function *f, gofn_err *e)
{
	const char *args[] = {f->id, f->tenant, f->sha256, f->package, f->go_version, NULL};
	sqlite3_stmt *st =
	    prep(s, e,
		 "INSERT INTO functions(id, tenant, sha256, package, go_version, size, created)"
		 " VALUES(?,?,?,?,?,?,?)",
		 args);

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 6, f->size);
	sqlite3_bind_int64(st, 7, f->created);
	int rc = sqlite3_step(st);
	done(s, st);
	if (rc != SQLITE_DONE)
		return db_err(s, e, "insert function");
	if (add_symbols(s, f, e) < 0 || add_objects(s, f, e) < 0)
		return -1;
	return 0;
}

static int fn_add_unlocked(sq *s, const gofn_function *f, gofn_err *e)
{
	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return db_err(s, e, "begin");
	if (fn_insert(s, f, e) < 0)
		goto rollback;
	if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		db_err(s, e, "commit");
		goto rollback;
	}
	return 0;
rollback:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static int sq_fn_add(gofn_store *g, const gofn_function *f, gofn_err *e)
{
	sq *s = (sq *)g;

	sqlite3_mutex_enter(sqlite3_db_mutex(s->db));
	int r = fn_add_unlocked(s, f, e);
	sqlite3_mutex_leave(sqlite3_db_mutex(s->db));
	return r;
}

static void copy_col(char *dst, size_t cap, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	snprintf(dst, cap, "%s", t ? (const char *)t : "");
}

static int load_symbols(sq *s, gofn_function *f, gofn_err *e)
{
	const char *args[] = {f->id, NULL};
	sqlite3_stmt *st = prep(
	    s, e, "SELECT name, signature, sigkind FROM symbols WHERE function = ? ORDER BY rowid",
	    args);
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		gofn_fn_symbol *n = realloc(f->symbols, (f->nsymbols + 1) * sizeof *n);
		if (!n)
			break;
		f->symbols = n;
		n[f->nsymbols].name = strdup((const char *)sqlite3_column_text(st, 0));
		n[f->nsymbols].signature = strdup((const char *)sqlite3_column_text(st, 1));
		n[f->nsymbols].sigkind = sqlite3_column_int(st, 2);
		f->nsymbols++;
	}
	done(s, st);
	if (rc != SQLITE_DONE)
		return gofn_errf(e, GOFN_ENOMEM, "load symbols of %s failed", f->id);
	return 0;
}

static int load_objects(sq *s, gofn_function *f, gofn_err *e)
{
	const char *args[] = {f->id, NULL};
	sqlite3_stmt *st =
	    prep(s, e, "SELECT sha256, size FROM objects WHERE function = ? ORDER BY idx", args);
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && f->nobjs < GOFN_MAX_OBJECTS) {
		copy_col(f->objs[f->nobjs].sha256, sizeof f->objs[0].sha256, st, 0);
		f->objs[f->nobjs++].size = sqlite3_column_int64(st, 1);
	}
	done(s, st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_err(s, e, "load objects");
	return 0;
}

static int fn_query(sq *s, const char *sql, const char *const *args, gofn_function *f, gofn_err *e)
{
	sqlite3_stmt *st = prep(s, e, sql, args);

	gofn_function_init(f);
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		done(s, st);
		return rc == SQLITE_DONE ? 1 : db_err(s, e, "get function");
	}
	copy_col(f->id, sizeof f->id, st, 0);
	copy_col(f->tenant, sizeof f->tenant, st, 1);
	copy_col(f->sha256, sizeof f->sha256, st, 2);
	f->size = sqlite3_column_int64(st, 3);
	copy_col(f->package, sizeof f->package, st, 4);
	copy_col(f->go_version, sizeof f->go_version, st, 5);
	f->created = sqlite3_column_int64(st, 6);
	copy_col(f->name, sizeof f->name, st, 7);
	f->version = sqlite3_column_int64(st, 8);
	f->current = sqlite3_column_int(st, 9);
	done(s, st);
	if (load_objects(s, f, e) < 0)
		return -1;
	return load_symbols(s, f, e);
}

#define FN_COLS                                                                                    \
	"f.id, f.tenant, f.sha256, f.size, f.package, f.go_version, f.created, v.name, v.version," \
	" coalesce(v.version = n.current, 0)"
/* A function with its name and version, if it has them. */
#define FN_FROM                                                                                    \
	"functions f LEFT JOIN fn_versions v ON v.function = f.id"                                 \
	" LEFT JOIN fn_names n ON n.tenant = v.tenant AND n.name = v.name"

static int fn_get_unlocked(sq *s, const char *tenant, const char *id, gofn_function *f, gofn_err *e)
{
	const char *args[] = {tenant, id, NULL};
	return fn_query(s, "SELECT " FN_COLS " FROM " FN_FROM " WHERE f.tenant = ? AND f.id = ?",
			args, f, e);
}

static int sq_fn_get(gofn_store *g, const char *tenant, const char *id, gofn_function *f,
		     gofn_err *e)
{
	sq *s = (sq *)g;

	sqlite3_mutex_enter(sqlite3_db_mutex(s->db));
	int r = fn_get_unlocked(s, tenant, id, f, e);
	sqlite3_mutex_leave(sqlite3_db_mutex(s->db));
	return r;
}

static int fn_newest_with_unlocked(sq *s, const char *tenant, const char *symbol, gofn_function *f,
				   gofn_err *e)
{
	const char *args[] = {tenant, symbol, NULL};
	return fn_query(s,
			"SELECT " FN_COLS " FROM " FN_FROM " JOIN symbols y ON y.function = f.id"
			" WHERE f.tenant = ? AND y.name = ? ORDER BY f.seq DESC LIMIT 1",
			args, f, e);
}

static int sq_fn_newest_with(gofn_store *g, const char *tenant, const char *symbol,
			     gofn_function *f, gofn_err *e)
{
	sq *s = (sq *)g;

	sqlite3_mutex_enter(sqlite3_db_mutex(s->db));
	int r = fn_newest_with_unlocked(s, tenant, symbol, f, e);
	sqlite3_mutex_leave(sqlite3_db_mutex(s->db));
	return r;
}

static int fn_del_unlocked(sq *s, const char *tenant, const char *id, gofn_err *e)
{
	const char *args[] = {tenant, id, NULL};
	return exec_args(s, e, "DELETE FROM functions WHERE tenant = ? AND id = ?", args);
}

static int sq_fn_del(gofn_store *g, const char *tenant, const char *id, gofn_err *e)
{
	sq *s = (sq *)g;

	sqlite3_mutex_enter(sqlite3_db_mutex(s->db));
	int r = fn_del_unlocked(s, tenant, id, e);
	sqlite3_mutex_leave(sqlite3_db_mutex(s->db));
	return r;
}

static int count(sq *s, const char *sql, const char *arg, int64_t *n, gofn_err *e)
{
	const char *args[] = {arg, NULL};
	sqlite3_stmt *st = prep(s, e, sql, args);

	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	*n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	done(s, st);
	return rc == SQLITE_ROW ? 0 : db_err(s, e, "count");
}

static int fn_count_unlocked(sq *s, const char *tenant, int64_t *n, gofn_err *e)
{
	return count(s, "SELECT count(*) FROM functions WHERE tenant = ?", tenant, n, e);
}

static int sq_fn_count(gofn_store *g, const char *tenant, int64_t *n, gofn_err *e)
{
	sq *s = (sq *)g;

	sqlite3_mutex_enter(sqlite3_db_mutex(s->db));
	int r = fn_count_unlocked(s, tenant, n, e);
	sqlite3_mutex_leave(sqlite3_db_mutex(s->db));
	return r;
}

static int sha_refs_unlocked(sq *s, const char *sha256, int64_t *n, gofn_err *e)
{
	return count(s, "SELECT count(*) FROM objects WHERE sha256 = ?", sha256, n, e);
}

static int sq_sha_refs(gofn_store *g, const char *sha256, int64_t *n, gofn_err *e)
{
	sq *s = (sq *)g;

	sqlite3_mutex_enter(sqlite3_db_mutex(s->db));
	int r = sha_refs_unlocked(s, sha256, n, e);
	sqlite3_mutex_leave(sqlite3_db_mutex(s->db));
	return r;
}

static int strings_unlocked(sq *s, const char *sql, const char *arg, gofn_strlist *out, gofn_err *e)
{
	const char *args[] = {arg, NULL};
	sqlite3_stmt *st = prep(s, e, sql, arg ? args : NULL);
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (gofn_strlist_add(out, (const char *)sqlite3_column_text(st, 0)) < 0) {
			rc = SQLITE_NOMEM;
			break;
		}
	done(s, st);
	if (rc != SQLITE_DONE) {
		gofn_strlist_free(out);
		return db_err(s, e, "list");
	}
	return 0;
}

static int strings(sq *s, const char *sql, const char *arg, gofn_strlist *out, gofn_err *e)
{
	sqlite3_mutex_enter(sqlite3_db_mutex(s->db));
	int r = strings_unlocked(s, sql, arg, out, e);
	sqlite3_mutex_leave(sqlite3_db_mutex(s->db));
	return r;
}

static int sq_fn_ids(gofn_store *g, const char *tenant, gofn_strlist *ids, gofn_err *e)
{
	return strings((sq *)g, "SELECT id FROM functions WHERE tenant = ? ORDER BY seq", tenant,
		       ids, e);
}

static int sq_all_shas(gofn_store *g, gofn_strlist *shas, gofn_err *e)
{
	return strings((sq *)g, "SELECT DISTINCT sha256 FROM objects", NULL, shas, e);
}

#define PROFILE_COLS "id, tenant, kind, invocation, function, symbol, size, created"

static int sq_profile_add(gofn_store *g, const gofn_profile_row *r, gofn_err *e)
{
	sq *s = (sq *)g;
	const char *args[] = {r->id,	   r->tenant, r->kind, r->invocation,
			      r->function, r->symbol, NULL};

	sqlite3_mutex_enter(sqlite3_db_mutex(s->db));
	sqlite3_stmt *st =
	    prep(s, e, "INSERT INTO profiles(" PROFILE_COLS ") VALUES(?,?,?,?,?,?,?,?)", args);
	int rc = -1;
	if (st) {
		sqlite3_bind_int64(st, 7, r->size);
		sqlite3_bind_int64(st, 8, r->created);
		int step = sqlite3_step(st);
		done(s, st);
		rc = step == SQLITE_DONE	 ? 0
		     : step == SQLITE_CONSTRAINT ? 1
						 : db_err(s, e, "insert profile");
	}
	sqlite3_mutex_leave(sqlite3_db_mutex(s->db));
	return rc;
}

static void take_profile(sqlite3_stmt *st, gofn_profile_row *r)
{
	memset(r, 0, sizeof *r);
	copy_col(r->id, sizeof r->id, st, 0);
	copy_col(r->tenant, sizeof r->tenant, st, 1);
	copy_col(r->kind, sizeof r->kind, st, 2);
	copy_col(r->invocation, sizeof r->invocation, st, 3);
	copy_col(r->function, sizeof r->function, st, 4);
	copy_col(r->symbol, sizeof r->symbol, st, 5);
	r->size = sqlite3_column_int64(st, 6);
	r->created = sqlite3_column_int64(st, 7);
}

/* Steps st to the end, collecting rows; ends it with done(). */
static int profile_rows(sq *s, sqlite3_stmt *st, gofn_profile_row **rows, size_t *n, gofn_err *e)
{
	int rc;

	*rows = NULL;
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		gofn_profile_row *r = realloc(*rows, (*n + 1) * sizeof *r);
		if (!r) {
			done(s, st);
			return gofn_errf(e, GOFN_ENOMEM, "profiles: out of memory");
		}
		*rows = r;
		take_profile(st, &r[(*n)++]);
	}
	done(s, st);
	return rc == SQLITE_DONE ? 0 : db_err(s, e, "list profiles");
}

static int sq_profile_get(gofn_store *g, const char *tenant, const char *id, gofn_profile_row *r,
			  gofn_err *e)
{
	sq *s = (sq *)g;
	const char *args[] = {id, tenant, NULL};
	gofn_profile_row *rows;
	size_t n;

	sqlite3_mutex_enter(sqlite3_db_mutex(s->db));
	sqlite3_stmt *st =
	    prep(s, e,
		 tenant ? "SELECT " PROFILE_COLS " FROM profiles WHERE id = ? AND tenant = ?"
			: "SELECT " PROFILE_COLS " FROM profiles WHERE id = ?",
		 args);
	int rc = st ? profile_rows(s, st, &rows, &n, e) : -1;
	sqlite3_mutex_leave(sqlite3_db_mutex(s->db));
	if (rc < 0)
		return -1;
	if (n)
		*r = rows[0];
	free(rows);
	return n ? 0 : 1;
}

static int sq_profile_del(gofn_store *g, const char *tenant, const char *id, gofn_err *e)
{
	sq *s = (sq *)g;
	const char *args[] = {tenant, id, NULL};

	sqlite3_mutex_enter(sqlite3_db_mutex(s->db));
	int r = exec_args(s, e, "DELETE FROM profiles WHERE tenant = ? AND id = ?", args);
	sqlite3_mutex_leave(sqlite3_db_mutex(s->db));
	return r;
}

static int sq_profile_list(gofn_store *g, const char *tenant, gofn_profile_row **rows, size_t *n,
			   gofn_err *e)
{
	sq *s = (sq *)g;
	const char *args[] = {tenant, NULL};

	sqlite3_mutex_enter(sqlite3_db_mutex(s->db));
	sqlite3_stmt *st = prep(
	    s, e, "SELECT " PROFILE_COLS " FROM profiles WHERE tenant = ? ORDER BY seq DESC", args);
	int rc = st ? profile_rows(s, st, rows, n, e) : -1;
	sqlite3_mutex_leave(sqlite3_db_mutex(s->db));
	return rc;
}

static int sq_profile_expired(gofn_store *g, const char *tenant, int64_t older_than, int64_t keep,
			      gofn_profile_row **rows, size_t *n, gofn_err *e)
{
	sq *s = (sq *)g;

	sqlite3_mutex_enter(sqlite3_db_mutex(s->db));
	sqlite3_stmt *st = prep(s, e,
				"SELECT " PROFILE_COLS " FROM profiles WHERE tenant = ?1 AND"
				" (created < ?2 OR seq NOT IN (SELECT seq FROM profiles"
				" WHERE tenant = ?1 ORDER BY seq DESC LIMIT ?3))",
				NULL);
	int rc = -1;
	if (st) {
		sqlite3_bind_text(st, 1, tenant, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 2, older_than);
		sqlite3_bind_int64(st, 3, keep);
		rc = profile_rows(s, st, rows, n, e);
	}
	sqlite3_mutex_leave(sqlite3_db_mutex(s->db));
	return rc;
}

/* Named versions (issue 17). */

/* The name's next version number: one past its highest; GOFN_ESTALE if
 * its current version is no longer f->version, the one the deploy compared
 * its objects with (a concurrent deploy or rollback came first). */
static int next_version(sq *s, const gofn_function *f, int64_t *v, gofn_err *e)
{
	const char *args[] = {f->tenant, f->name, NULL};
	sqlite3_stmt *st =
	    prep(s, e,
		 "SELECT coalesce(max(version), 0) + 1, (SELECT current FROM fn_names"
		 " WHERE tenant = ?1 AND name = ?2) FROM fn_versions"
		 " WHERE tenant = ?1 AND name = ?2",
		 args);

	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	int64_t next = sqlite3_column_int64(st, 0);
	int64_t cur = sqlite3_column_int64(st, 1); /* NULL (no such name) reads 0 */
	done(s, st);
	if (rc != SQLITE_ROW)
		return db_err(s, e, "next version");
	if (cur != f->version)
		return gofn_store_version_moved(e, f, cur);
	*v = next; /* may be &f->version */
	return 0;
}

static int bind_version_exec(sq *s, gofn_err *e, const char *sql, const char *const *args, int at,
			     int64_t v)
{
	sqlite3_stmt *st = prep(s, e, sql, args);

	if (!st)
		return -1;
	sqlite3_bind_int64(st, at, v);
	int rc = sqlite3_step(st);
	done(s, st);
	if (rc == SQLITE_CONSTRAINT)
		return gofn_errf(e, GOFN_ESTALE, "a concurrent deploy took that version; retry");
	return rc == SQLITE_DONE ? 0 : db_err(s, e, "version");
}

/* objs: unused, SQLite holds no bytes (they are files in DATA). */
static int sq_fn_add_version(gofn_store *g, gofn_function *f, const gofn_obj_bytes *objs,
			     gofn_err *e)
{
	sq *s = (sq *)g;

	(void)objs;
	const char *vargs[] = {f->id, f->tenant, f->name, NULL};
	const char *nargs[] = {f->tenant, f->name, NULL};

	sqlite3_mutex_enter(sqlite3_db_mutex(s->db));
	int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK
		     ? 0
		     : db_err(s, e, "begin");
	if (rc == 0)
		rc = next_version(s, f, &f->version, e);
	if (rc == 0)
		rc = fn_insert(s, f, e);
	if (rc == 0)
		rc = bind_version_exec(
		    s, e,
		    "INSERT INTO fn_versions(function, tenant, name, version) VALUES(?,?,?,?)",
		    vargs, 4, f->version);
	if (rc == 0)
		rc = bind_version_exec(
		    s, e,
		    "INSERT INTO fn_names(tenant, name, current) VALUES(?,?,?)"
		    " ON CONFLICT(tenant, name) DO UPDATE SET current = excluded.current",
		    nargs, 3, f->version);
	if (rc == 0 && sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = db_err(s, e, "commit");
	if (rc != 0)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	else
		f->current = 1;
	sqlite3_mutex_leave(sqlite3_db_mutex(s->db));
	return rc;
}

static int sq_fn_by_name(gofn_store *g, const char *tenant, const char *name, int64_t version,
			 gofn_function *f, gofn_err *e)
{
	sq *s = (sq *)g;
	const char *args[] = {tenant, name, NULL};
	char v[24];

	snprintf(v, sizeof v, "%lld", (long long)version);
	const char *vargs[] = {tenant, name, v, NULL};
	sqlite3_mutex_enter(sqlite3_db_mutex(s->db));
	int r =
	    version
		? fn_query(s,
			   "SELECT " FN_COLS " FROM " FN_FROM
			   " WHERE v.tenant = ? AND v.name = ? AND v.version = CAST(? AS INTEGER)",
			   vargs, f, e)
		: fn_query(s,
			   "SELECT " FN_COLS " FROM " FN_FROM
			   " WHERE n.tenant = ? AND n.name = ? AND v.version = n.current",
			   args, f, e);
	sqlite3_mutex_leave(sqlite3_db_mutex(s->db));
	return r;
}

static int sq_fn_versions(gofn_store *g, const char *tenant, const char *name, gofn_strlist *ids,
			  int64_t *current, gofn_err *e)
{
	sq *s = (sq *)g;
	const char *args[] = {tenant, name, NULL};

	memset(ids, 0, sizeof *ids);
	sqlite3_mutex_enter(sqlite3_db_mutex(s->db));
	sqlite3_stmt *st =
	    prep(s, e, "SELECT current FROM fn_names WHERE tenant = ? AND name = ?", args);
	int rc = st ? sqlite3_step(st) : SQLITE_ERROR;
	*current = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	if (st)
		done(s, st);
	int r = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
	if (r == -1 && st)
		db_err(s, e, "versions");
	if (r == 0) {
		sqlite3_stmt *q =
		    prep(s, e,
			 "SELECT function FROM fn_versions WHERE tenant = ? AND name = ?"
			 " ORDER BY version",
			 args);
		if (!q)
			r = -1;
		while (q && (rc = sqlite3_step(q)) == SQLITE_ROW)
			if (gofn_strlist_add(ids, (const char *)sqlite3_column_text(q, 0)) < 0) {
				rc = SQLITE_NOMEM;
				break;
			}
		if (q)
			done(s, q);
		if (q && rc != SQLITE_DONE) {
			gofn_strlist_free(ids);
			r = db_err(s, e, "versions");
		}
	}
	sqlite3_mutex_leave(sqlite3_db_mutex(s->db));
	return r;
}

static int sq_fn_set_current(gofn_store *g, const char *tenant, const char *name, int64_t version,
			     gofn_err *e)
{
	sq *s = (sq *)g;
	const char *args[] = {tenant, name, NULL};

	sqlite3_mutex_enter(sqlite3_db_mutex(s->db));
	sqlite3_stmt *st = prep(s, e,
				"UPDATE fn_names SET current = ?3 WHERE tenant = ?1 AND name = ?2"
				" AND EXISTS (SELECT 1 FROM fn_versions v WHERE v.tenant = ?1"
				" AND v.name = ?2 AND v.version = ?3)",
				args);
	int r = -1;
	if (st) {
		sqlite3_bind_int64(st, 3, version);
		int rc = sqlite3_step(st);
		done(s, st);
		r = rc != SQLITE_DONE ? db_err(s, e, "rollback") : sqlite3_changes(s->db) ? 0 : 1;
	}
	sqlite3_mutex_leave(sqlite3_db_mutex(s->db));
	return r;
}

static int sq_fn_names_tidy(gofn_store *g, const char *tenant, gofn_err *e)
{
	sq *s = (sq *)g;
	const char *args[] = {tenant, NULL};

	sqlite3_mutex_enter(sqlite3_db_mutex(s->db));
	/* First the names without versions, so the maximum below is never NULL;
	 * their configuration goes with them. */
	int r = exec_args(
	    s, e,
	    "DELETE FROM fn_config WHERE tenant = ? AND NOT EXISTS (SELECT 1 FROM"
	    " fn_versions v WHERE v.tenant = fn_config.tenant AND v.name = fn_config.name)",
	    args);
	if (r >= 0)
		r = exec_args(
		    s, e,
		    "DELETE FROM fn_names WHERE tenant = ? AND NOT EXISTS (SELECT 1 FROM"
		    " fn_versions v WHERE v.tenant = fn_names.tenant AND v.name = fn_names.name)",
		    args);
	if (r >= 0)
		r = exec_args(
		    s, e,
		    "UPDATE fn_names SET current = (SELECT max(v.version) FROM fn_versions v"
		    " WHERE v.tenant = fn_names.tenant AND v.name = fn_names.name)"
		    " WHERE tenant = ? AND NOT EXISTS (SELECT 1 FROM fn_versions v"
		    " WHERE v.tenant = fn_names.tenant AND v.name = fn_names.name"
		    " AND v.version = fn_names.current)",
		    args);
	sqlite3_mutex_leave(sqlite3_db_mutex(s->db));
	return r < 0 ? -1 : 0;
}

static int sq_obj_owned(gofn_store *g, const char *tenant, const char *sha256, int *owned,
			gofn_err *e)
{
	sq *s = (sq *)g;
	const char *args[] = {tenant, sha256, NULL};

	sqlite3_mutex_enter(sqlite3_db_mutex(s->db));
	sqlite3_stmt *st = prep(s, e,
				"SELECT 1 FROM objects o JOIN functions f ON f.id = o.function"
				" WHERE f.tenant = ? AND o.sha256 = ? LIMIT 1",
				args);
	int r = -1;
	if (st) {
		int rc = sqlite3_step(st);
		done(s, st);
		*owned = rc == SQLITE_ROW;
		r = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_err(s, e, "object");
	}
	sqlite3_mutex_leave(sqlite3_db_mutex(s->db));
	return r;
}

static int config_insert(sq *s, const char *tenant, const char *name, const gofn_config_row *r,
			 gofn_err *e)
{
	const char *args[] = {tenant, name, r->key, r->value, NULL};
	sqlite3_stmt *st =
	    prep(s, e, "INSERT INTO fn_config(tenant, name, key, value, secret) VALUES(?,?,?,?,?)",
		 args);

	if (!st)
		return -1;
	sqlite3_bind_int(st, 5, r->secret);
	int rc = sqlite3_step(st);
	done(s, st);
	return rc == SQLITE_DONE ? 0 : db_err(s, e, "insert config");
}

static int sq_fn_config_set(gofn_store *g, const char *tenant, const char *name,
			    const gofn_config_row *rows, size_t n, gofn_err *e)
{
	sq *s = (sq *)g;
	const char *args[] = {tenant, name, NULL};

	sqlite3_mutex_enter(sqlite3_db_mutex(s->db));
	int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK
		     ? 0
		     : db_err(s, e, "begin");
	if (rc == 0 &&
	    exec_args(s, e, "DELETE FROM fn_config WHERE tenant = ? AND name = ?", args) < 0)
		rc = -1;
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = config_insert(s, tenant, name, &rows[i], e);
	if (rc == 0 && sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = db_err(s, e, "commit");
	if (rc != 0)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_mutex_leave(sqlite3_db_mutex(s->db));
	return rc;
}

static int sq_fn_config_get(gofn_store *g, const char *tenant, const char *name,
			    gofn_config_row **rows, size_t *n, gofn_err *e)
{
	sq *s = (sq *)g;
	const char *args[] = {tenant, name, NULL};
	int rc;

	sqlite3_mutex_enter(sqlite3_db_mutex(s->db));
	sqlite3_stmt *st =
	    prep(s, e,
		 "SELECT key, value, secret FROM fn_config WHERE tenant = ? AND name = ?"
		 " ORDER BY key",
		 args);
	if (!st) {
		sqlite3_mutex_leave(sqlite3_db_mutex(s->db));
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		gofn_config_row *m = realloc(*rows, (*n + 1) * sizeof *m);
		if (!m) {
			rc = SQLITE_NOMEM;
			break;
		}
		*rows = m;
		copy_col(m[*n].key, sizeof m[*n].key, st, 0);
		m[*n].value = strdup((const char *)sqlite3_column_text(st, 1));
		m[*n].secret = sqlite3_column_int(st, 2);
		if (!m[(*n)++].value) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	done(s, st);
	int r = rc == SQLITE_DONE ? 0 : db_err(s, e, "config");
	sqlite3_mutex_leave(sqlite3_db_mutex(s->db));
	if (r < 0) {
		gofn_config_rows_free(*rows, *n);
		*rows = NULL;
		*n = 0;
	}
	return r;
}

/* For server/store_sqlite_internal.h. */
sqlite3 *gofn_sq_db(gofn_store *g)
{
	return ((sq *)g)->db;
}

void gofn_sq_lock(gofn_store *g)
{
	sqlite3_mutex_enter(sqlite3_db_mutex(((sq *)g)->db));
}

void gofn_sq_unlock(gofn_store *g)
{
	sqlite3_mutex_leave(sqlite3_db_mutex(((sq *)g)->db));
}

sqlite3_stmt *gofn_sq_prep(gofn_store *g, const char *sql, gofn_err *e)
{
	return prep((sq *)g, e, sql, NULL);
}

void gofn_sq_done(gofn_store *g, sqlite3_stmt *st)
{
	done((sq *)g, st);
}

int gofn_sq_err(gofn_store *g, gofn_err *e, const char *what)
{
	return db_err((sq *)g, e, what);
}

static const gofn_store_ops sqlite_ops = {
    .name = "sqlite",
    .close = sq_close,
    .tenant_add = sq_tenant_add,
    .tenant_del = sq_tenant_del,
    .tenant_by_token = sq_tenant_by_token,
    .tenant_list = sq_tenant_list,
    .tenant_get = sq_tenant_get,
    .fn_add = sq_fn_add,
    .fn_get = sq_fn_get,
    .fn_newest_with = sq_fn_newest_with,
    .fn_del = sq_fn_del,
    .fn_count = sq_fn_count,
    .fn_ids = sq_fn_ids,
    .sha_refs = sq_sha_refs,
    .all_shas = sq_all_shas,
    .profile_add = sq_profile_add,
    .profile_get = sq_profile_get,
    .profile_del = sq_profile_del,
    .profile_list = sq_profile_list,
    .profile_expired = sq_profile_expired,
    .fn_add_version = sq_fn_add_version,
    .fn_by_name = sq_fn_by_name,
    .fn_versions = sq_fn_versions,
    .fn_set_current = sq_fn_set_current,
    .fn_names_tidy = sq_fn_names_tidy,
    .obj_owned = sq_obj_owned,
    .fn_config_set = sq_fn_config_set,
    .fn_config_get = sq_fn_config_get,
    .inv = &gofn_sqlite_inv_ops,
    .ten = &gofn_sqlite_tenant_ops,
};
