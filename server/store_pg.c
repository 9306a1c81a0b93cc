/* The PostgreSQL backend of server/store.h (--store postgres), for several
 * gofnd replicas sharing one database and nothing else: object bytes
 * (content-addressed, table blobs) and profile bytes are rows too, each
 * replica caching them as files in its own DATA; the admin token's hash
 * and the profile secret are rows of table settings.
 *
 * - One libpq connection per store handle, used under a mutex for each
 *   whole call (a PGconn serves one query at a time, and a transaction must
 *   not absorb another thread's statements). A connection the server has
 *   closed is reset at the start of the next call, and a SELECT that finds
 *   it dead retries once, so gofnd survives a database restart.
 * - Parameterised statements only ($1…, sent as text); no SQL is ever
 *   built from request data.
 * - A function, its objects and symbols are inserted in one transaction;
 *   a function is read back in one statement (objects and symbols
 *   aggregated as JSON), so a reader sees one snapshot, never half of one.
 * - Races between replicas are settled by constraints: a duplicate tenant
 *   name or token is a unique violation (SQLSTATE 23505), reported as
 *   "exists" exactly like SQLite's constraint error.
 * - The schema is created at open, inside a transaction holding an
 *   advisory lock, so replicas starting together do not race on
 *   CREATE TABLE IF NOT EXISTS (which is not atomic in PostgreSQL).
 * - Names sort with COLLATE "C" so listings come in SQLite's byte order. */
#include "server/store_pg_internal.h"
#include "server/crypto.h"
#include "server/objects.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct pg {
	gofn_store base;
	PGconn *conn;
	pthread_mutex_t mu;
} pg;

/* Any constant ("gofn" as a 32-bit number): the key of the advisory lock
 * serialising schema setup. */
#define SCHEMA_LOCK "1735353966"

static const char schema[] =
    "BEGIN;"
    "SELECT pg_advisory_xact_lock(" SCHEMA_LOCK ");"
    "CREATE TABLE IF NOT EXISTS tenants("
    " name TEXT PRIMARY KEY, token_sha256 TEXT NOT NULL UNIQUE, created BIGINT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS functions("
    " seq BIGSERIAL PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
    " tenant TEXT NOT NULL REFERENCES tenants(name) ON DELETE CASCADE,"
    " sha256 TEXT NOT NULL, size BIGINT NOT NULL, package TEXT NOT NULL,"
    " go_version TEXT NOT NULL, created BIGINT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS functions_tenant ON functions(tenant);"
    "CREATE TABLE IF NOT EXISTS symbols("
    " function TEXT NOT NULL REFERENCES functions(id) ON DELETE CASCADE,"
    " idx INTEGER NOT NULL, name TEXT NOT NULL, signature TEXT NOT NULL,"
    " sigkind INTEGER NOT NULL, PRIMARY KEY(function, name));"
    "CREATE INDEX IF NOT EXISTS symbols_name ON symbols(name);"
    "CREATE TABLE IF NOT EXISTS objects("
    " function TEXT NOT NULL REFERENCES functions(id) ON DELETE CASCADE,"
    " idx INTEGER NOT NULL, sha256 TEXT NOT NULL, size BIGINT NOT NULL,"
    " PRIMARY KEY(function, idx));"
    "CREATE INDEX IF NOT EXISTS objects_sha ON objects(sha256);"
    "CREATE TABLE IF NOT EXISTS profiles("
    " seq BIGSERIAL PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
    " tenant TEXT NOT NULL REFERENCES tenants(name) ON DELETE CASCADE,"
    " kind TEXT NOT NULL, invocation TEXT NOT NULL, function TEXT NOT NULL,"
    " symbol TEXT NOT NULL, size BIGINT NOT NULL, created BIGINT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS profiles_tenant ON profiles(tenant, seq);"
    /* Named versions (issue 17): new tables, so an existing database
     * migrates by this very script; its functions stay unnamed. */
    "CREATE TABLE IF NOT EXISTS fn_versions("
    " function TEXT PRIMARY KEY REFERENCES functions(id) ON DELETE CASCADE,"
    " tenant TEXT NOT NULL, name TEXT NOT NULL, version BIGINT NOT NULL,"
    " UNIQUE(tenant, name, version));"
    "CREATE TABLE IF NOT EXISTS fn_names("
    " tenant TEXT NOT NULL REFERENCES tenants(name) ON DELETE CASCADE,"
    " name TEXT NOT NULL, current BIGINT NOT NULL, PRIMARY KEY(tenant, name));"
    "CREATE TABLE IF NOT EXISTS fn_config("
    " tenant TEXT NOT NULL REFERENCES tenants(name) ON DELETE CASCADE,"
    " name TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, secret INTEGER NOT NULL,"
    " PRIMARY KEY(tenant, name, key));"
    /* Tenants' CPU settings and host uids (server/store_tenants.h): new
     * tables, so an existing database migrates by this script too. */
    "CREATE TABLE IF NOT EXISTS tenant_cpu("
    " tenant TEXT PRIMARY KEY REFERENCES tenants(name) ON DELETE CASCADE,"
    " weight INTEGER, quota BIGINT);"
    "CREATE TABLE IF NOT EXISTS tenant_uids(uid BIGINT PRIMARY KEY, tenant TEXT NOT NULL UNIQUE);"
    "COMMIT;";

/* Bytes in the database (see the block "Bytes in the store" below). The
 * key of the advisory lock between uploads (shared) and the sweep of
 * unused blobs (exclusive): "blob" as a 32-bit number. */
#define BLOB_LOCK "1651273570"

static const char bytes_schema[] =
    "BEGIN;"
    "SELECT pg_advisory_xact_lock(" SCHEMA_LOCK ");"
    "CREATE TABLE IF NOT EXISTS blobs("
    " sha256 TEXT PRIMARY KEY, size BIGINT NOT NULL, data BYTEA NOT NULL);"
    "ALTER TABLE profiles ADD COLUMN IF NOT EXISTS data BYTEA;"
    "CREATE TABLE IF NOT EXISTS settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "COMMIT;";

static const gofn_store_ops pg_ops;

/* libpq messages end in a newline and may run to several lines; our
 * errors are one line. */
static int pg_err(gofn_err *e, const char *what, const char *msg)
{
	size_t n = strcspn(msg ? msg : "", "\n");
	return gofn_errf(e, GOFN_ESYS, "postgres: %s: %.*s", what, (int)n, msg ? msg : "");
}

/* A session the server has closed since our last call (restart, idle
 * kill) shows as its goodbye message and then EOF on the socket: two
 * non-blocking PQconsumeInput reads find it (an idle healthy session just
 * has nothing to read), and the call starts on a new session instead of
 * failing. */
static void lock(pg *p)
{
	pthread_mutex_lock(&p->mu);
	int alive = PQconsumeInput(p->conn) && PQconsumeInput(p->conn);
	if (!alive || PQstatus(p->conn) != CONNECTION_OK)
		PQreset(p->conn);
}

static void unlock(pg *p)
{
	pthread_mutex_unlock(&p->mu);
}

/* PostgreSQL refuses text that is not UTF-8 (the database's encoding);
 * jansson's string constructor checks exactly that. */
static int utf8(const char *s)
{
	json_t *j = json_string(s);

	json_decref(j);
	return j != NULL;
}

/* A SELECT whose text parameters are not UTF-8 can match no stored row
 * (every stored value is UTF-8): it returns no rows without asking the
 * server. Other statements fail with SQLSTATE 22021, which change() takes
 * as "nothing deleted" for a DELETE. */
static PGresult *not_utf8(pg *p, gofn_err *e, const char *what, const char *sql, char state[6])
{
	if (strncmp(sql, "SELECT", 6) == 0) {
		PGresult *r = PQmakeEmptyPGresult(p->conn, PGRES_TUPLES_OK);
		if (!r)
			gofn_errf(e, GOFN_ENOMEM, "postgres: %s: out of memory", what);
		return r;
	}
	if (state)
		snprintf(state, 6, "22021");
	gofn_errf(e, GOFN_EINVAL, "postgres: %s: text is not valid UTF-8", what);
	return NULL;
}

/* Parameters and result format of a statement that sends or reads bytes
 * (bytea) in binary; NULL for all-text statements. */
typedef struct bin_fmt {
	const int *lens, *fmts; /* per parameter: length, 1 = binary */
	int result;		/* 1: result columns in binary */
} bin_fmt;

/* Runs sql with n parameters (text unless b says otherwise). Returns the
 * result when its status is the one a successful statement gives; else
 * NULL with e set, and *state (when given) the SQLSTATE ("" when there is
 * none). */
static PGresult *run_fmt(pg *p, gofn_err *e, const char *what, const char *sql, int n,
			 const char *const *params, const bin_fmt *b, char state[6])
{
	const int *lens = b ? b->lens : NULL, *fmts = b ? b->fmts : NULL;
	int resfmt = b ? b->result : 0;

	if (state)
		state[0] = 0;
	for (int i = 0; i < n; i++)
		if (params[i] && !(fmts && fmts[i]) && !utf8(params[i]))
			return not_utf8(p, e, what, sql, state);
	PGresult *r = PQexecParams(p->conn, sql, n, NULL, params, lens, fmts, resfmt);
	ExecStatusType st = PQresultStatus(r);

	/* The session died under us (database restart, idle kill): a SELECT
	 * changes nothing, so it is safe to retry once on a new session.
	 * A write may have committed before the loss: its error stands. */
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK &&
	    PQstatus(p->conn) == CONNECTION_BAD && strncmp(sql, "SELECT", 6) == 0) {
		PQclear(r);
		PQreset(p->conn);
		r = PQexecParams(p->conn, sql, n, NULL, params, lens, fmts, resfmt);
		st = PQresultStatus(r);
	}
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return r;
	const char *code = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	if (state && code)
		snprintf(state, 6, "%s", code);
	pg_err(e, what, r ? PQresultErrorMessage(r) : PQerrorMessage(p->conn));
	/* No session even after a reset: the database is down or unreachable,
	 * which the client should retry (503), not a fault of ours (500). */
	if (PQstatus(p->conn) == CONNECTION_BAD)
		e->code = GOFN_EUNAVAIL;
	PQclear(r);
	return NULL;
}

static PGresult *run(pg *p, gofn_err *e, const char *what, const char *sql, int n,
		     const char *const *params, char state[6])
{
	return run_fmt(p, e, what, sql, n, params, NULL, state);
}

/* A statement that returns no rows: 0, 1 when it changed nothing or hit a
 * unique constraint, -1 on error. */
static int change(pg *p, gofn_err *e, const char *what, const char *sql, int n,
		  const char *const *params)
{
	char state[6];
	PGresult *r = run(p, e, what, sql, n, params, state);

	if (!r && strcmp(state, "22021") == 0 && strncmp(sql, "DELETE", 6) == 0)
		return 1;
	if (!r)
		return strcmp(state, "23505") == 0 ? 1 : -1;
	int rc = strcmp(PQcmdTuples(r), "0") == 0 ? 1 : 0;
	PQclear(r);
	return rc;
}

static int64_t col_i64(const PGresult *r, int row, int col)
{
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static void col_str(char *dst, size_t cap, const PGresult *r, int row, int col)
{
	snprintf(dst, cap, "%s", PQgetvalue(r, row, col));
}

/* libpq prints server notices ("relation exists, skipping") on stderr,
 * which is gofnd's JSON log; none of them needs reporting. */
static void drop_notice(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static void pg_close(gofn_store *g)
{
	pg *p = (pg *)g;

	if (!p)
		return;
	PQfinish(p->conn);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

int gofn_store_pg_open(const char *conninfo, gofn_store **out, gofn_err *e)
{
	/* connect_timeout comes first so the URL's own value wins; the
	 * conninfo is never logged (it may hold a password). */
	const char *keys[] = {"connect_timeout", "application_name", "dbname", NULL};
	const char *vals[] = {"10", "gofnd", conninfo, NULL};
	pg *p = calloc(1, sizeof *p);

	if (!p)
		return gofn_errf(e, GOFN_ENOMEM, "store: out of memory");
	p->base.ops = &pg_ops;
	pthread_mutex_init(&p->mu, NULL);
	p->conn = PQconnectdbParams(keys, vals, 1);
	if (PQstatus(p->conn) != CONNECTION_OK) {
		pg_err(e, "connect", p->conn ? PQerrorMessage(p->conn) : "out of memory");
		pg_close(&p->base);
		return -1;
	}
	PQsetNoticeProcessor(p->conn, drop_notice, NULL);
	const char *schemas[] = {schema, bytes_schema};
	for (size_t i = 0; i < sizeof schemas / sizeof *schemas; i++) {
		PGresult *r = PQexec(p->conn, schemas[i]);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			pg_err(e, "schema", PQresultErrorMessage(r));
			PQclear(r);
			pg_close(&p->base);
			return -1;
		}
		PQclear(r);
	}
	*out = &p->base;
	return 0;
}

static int pg_tenant_add(gofn_store *g, const char *name, const char *token_sha256, gofn_err *e)
{
	pg *p = (pg *)g;
	char now[32];

	snprintf(now, sizeof now, "%lld", (long long)time(NULL));
	const char *args[] = {name, token_sha256, now};
	lock(p);
	int rc =
	    change(p, e, "add tenant",
		   "INSERT INTO tenants(name, token_sha256, created) VALUES($1, $2, $3)", 3, args);
	unlock(p);
	return rc;
}

static int pg_tenant_del(gofn_store *g, const char *name, gofn_err *e)
{
	pg *p = (pg *)g;

	lock(p);
	int rc = change(p, e, "delete tenant", "DELETE FROM tenants WHERE name = $1", 1, &name);
	unlock(p);
	return rc;
}

static int pg_tenant_by_token(gofn_store *g, const char *token_sha256, char *name, size_t cap,
			      gofn_err *e)
{
	pg *p = (pg *)g;

	lock(p);
	PGresult *r =
	    run(p, e, "tenant by token", "SELECT name FROM tenants WHERE token_sha256 = $1", 1,
		&token_sha256, NULL);
	unlock(p);
	if (!r)
		return -1;
	int rc = PQntuples(r) ? 0 : 1;
	if (!rc)
		col_str(name, cap, r, 0, 0);
	PQclear(r);
	return rc;
}

/* A tenant with its CPU settings and uid, as take_tenant reads it. */
#define TENANT_SELECT                                                                              \
	"SELECT t.name, t.created, c.weight, c.quota, u.uid FROM tenants t"                        \
	" LEFT JOIN tenant_cpu c ON c.tenant = t.name"                                             \
	" LEFT JOIN tenant_uids u ON u.tenant = t.name "

static void take_tenant(const PGresult *r, int i, gofn_tenant_row *t)
{
	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "%s", PQgetvalue(r, i, 0));
	t->created = col_i64(r, i, 1);
	t->cpu_weight = (int)col_i64(r, i, 2); /* NULL reads "": 0, unset */
	t->cpu_quota = PQgetisnull(r, i, 3) ? -1 : col_i64(r, i, 3);
	t->uid = (unsigned)col_i64(r, i, 4);
}

static int pg_tenant_get(gofn_store *g, const char *name, gofn_tenant_row *row, gofn_err *e)
{
	pg *p = (pg *)g;

	lock(p);
	PGresult *r = run(p, e, "get tenant", TENANT_SELECT "WHERE t.name = $1", 1, &name, NULL);
	unlock(p);
	if (!r)
		return -1;
	int rc = PQntuples(r) == 1 ? 0 : 1;
	if (rc == 0)
		take_tenant(r, 0, row);
	PQclear(r);
	return rc;
}

static int pg_tenant_list(gofn_store *g, gofn_tenant_row **rows, size_t *n, gofn_err *e)
{
	pg *p = (pg *)g;

	lock(p);
	PGresult *r =
	    run(p, e, "list tenants", TENANT_SELECT "ORDER BY t.name COLLATE \"C\"", 0, NULL, NULL);
	unlock(p);
	if (!r)
		return -1;
	*rows = PQntuples(r) ? calloc((size_t)PQntuples(r), sizeof **rows) : NULL;
	if (PQntuples(r) && !*rows) {
		PQclear(r);
		return gofn_errf(e, GOFN_ENOMEM, "list tenants: out of memory");
	}
	for (int i = 0; i < PQntuples(r); i++)
		take_tenant(r, i, &(*rows)[i]);
	*n = (size_t)PQntuples(r);
	PQclear(r);
	return 0;
}

static int insert_parts(pg *p, const gofn_function *f, gofn_err *e)
{
	char idx[24], sigkind[24], size[24];

	for (size_t i = 0; i < f->nsymbols; i++) {
		snprintf(idx, sizeof idx, "%zu", i);
		snprintf(sigkind, sizeof sigkind, "%d", f->symbols[i].sigkind);
		const char *args[] = {f->id, idx, f->symbols[i].name, f->symbols[i].signature,
				      sigkind};
		int rc = change(p, e, "insert symbol",
				"INSERT INTO symbols(function, idx, name, signature, sigkind)"
				" VALUES($1, $2, $3, $4, $5)",
				5, args);
		if (rc == 1)
			return gofn_errf(e, GOFN_EINVAL, "postgres: duplicate symbol %s",
					 f->symbols[i].name);
		if (rc < 0)
			return -1;
	}
	for (size_t i = 0; i < f->nobjs; i++) {
		snprintf(idx, sizeof idx, "%zu", i);
		snprintf(size, sizeof size, "%lld", (long long)f->objs[i].size);
		const char *args[] = {f->id, idx, f->objs[i].sha256, size};
		if (change(
			p, e, "insert object",
			"INSERT INTO objects(function, idx, sha256, size) VALUES($1, $2, $3, $4)",
			4, args) != 0)
			return -1;
	}
	return 0;
}

static int fn_add_tx(pg *p, const gofn_function *f, gofn_err *e)
{
	char size[24], created[24];

	snprintf(size, sizeof size, "%lld", (long long)f->size);
	snprintf(created, sizeof created, "%lld", (long long)f->created);
	const char *args[] = {f->id,	  f->tenant,	 f->sha256, size,
			      f->package, f->go_version, created};
	int rc =
	    change(p, e, "insert function",
		   "INSERT INTO functions(id, tenant, sha256, size, package, go_version, created)"
		   " VALUES($1, $2, $3, $4, $5, $6, $7)",
		   7, args);
	if (rc == 1)
		return gofn_errf(e, GOFN_ESYS, "postgres: function %s exists", f->id);
	if (rc < 0)
		return -1;
	return insert_parts(p, f, e);
}

static int blobs_add_tx(pg *p, const gofn_function *f, const gofn_obj_bytes *objs, gofn_err *e);

/* Ends the transaction a call opened: COMMIT when rc is 0 and the commit
 * goes through, else ROLLBACK. 0 or -1. */
static int tx_end(pg *p, int rc, gofn_err *e)
{
	if (rc == 0 && change(p, e, "commit", "COMMIT", 0, NULL) == 0)
		return 0;
	PQclear(PQexec(p->conn, "ROLLBACK"));
	return -1;
}

/* objs: the objects' bytes to store with the function, or NULL. */
static int fn_add(pg *p, const gofn_function *f, const gofn_obj_bytes *objs, gofn_err *e)
{
	lock(p);
	int rc = change(p, e, "begin", "BEGIN", 0, NULL);
	if (rc == 0 && objs)
		rc = blobs_add_tx(p, f, objs, e);
	if (rc == 0)
		rc = fn_add_tx(p, f, e);
	rc = tx_end(p, rc, e);
	unlock(p);
	return rc;
}

static int pg_fn_add(gofn_store *g, const gofn_function *f, gofn_err *e)
{
	return fn_add((pg *)g, f, NULL, e);
}

/* The function's columns, then its objects and symbols as JSON arrays of
 * arrays, in link and definition order. */
#define FN_SELECT                                                                                  \
	"SELECT f.id, f.tenant, f.sha256, f.size, f.package, f.go_version, f.created,"             \
	" COALESCE((SELECT json_agg(json_build_array(o.sha256, o.size) ORDER BY o.idx)"            \
	"  FROM objects o WHERE o.function = f.id), '[]'),"                                        \
	" COALESCE((SELECT json_agg(json_build_array(y.name, y.signature, y.sigkind)"              \
	"  ORDER BY y.idx) FROM symbols y WHERE y.function = f.id), '[]'),"                        \
	" coalesce(v.name, ''), coalesce(v.version, 0), coalesce(v.version = n.current, false)"    \
	" FROM functions f LEFT JOIN fn_versions v ON v.function = f.id"                           \
	" LEFT JOIN fn_names n ON n.tenant = v.tenant AND n.name = v.name "

static int take_objects(gofn_function *f, const char *text, gofn_err *e)
{
	json_t *a = json_loads(text, 0, NULL), *v;
	size_t i;

	if (!json_is_array(a)) {
		json_decref(a);
		return gofn_errf(e, GOFN_ESYS, "postgres: objects of %s unreadable", f->id);
	}
	json_array_foreach(a, i, v)
	{
		if (f->nobjs == GOFN_MAX_OBJECTS)
			break;
		snprintf(f->objs[f->nobjs].sha256, sizeof f->objs[0].sha256, "%s",
			 json_is_string(json_array_get(v, 0))
			     ? json_string_value(json_array_get(v, 0))
			     : "");
		f->objs[f->nobjs++].size = json_integer_value(json_array_get(v, 1));
	}
	json_decref(a);
	return 0;
}

static int take_symbols(gofn_function *f, const char *text, gofn_err *e)
{
	json_t *a = json_loads(text, 0, NULL), *v;
	size_t i;

	if (!json_is_array(a)) {
		json_decref(a);
		return gofn_errf(e, GOFN_ESYS, "postgres: symbols of %s unreadable", f->id);
	}
	f->symbols = calloc(json_array_size(a) + 1, sizeof *f->symbols);
	json_array_foreach(a, i, v)
	{
		const char *name = json_string_value(json_array_get(v, 0));
		const char *sig = json_string_value(json_array_get(v, 1));
		gofn_fn_symbol *y = f->symbols ? &f->symbols[f->nsymbols] : NULL;
		if (!y || !name || !sig)
			break;
		y->name = strdup(name);
		y->signature = strdup(sig);
		y->sigkind = (int)json_integer_value(json_array_get(v, 2));
		f->nsymbols++;
		if (!y->name || !y->signature)
			break;
	}
	int ok = f->symbols && f->nsymbols == json_array_size(a);
	json_decref(a);
	return ok ? 0 : gofn_errf(e, GOFN_ENOMEM, "postgres: symbols of %s: out of memory", f->id);
}

static int fn_query_n(pg *p, const char *sql, int n, const char *const *args, gofn_function *f,
		      gofn_err *e)
{
	gofn_function_init(f);
	lock(p);
	PGresult *r = run(p, e, "get function", sql, n, args, NULL);
	unlock(p);
	if (!r)
		return -1;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return 1;
	}
	col_str(f->id, sizeof f->id, r, 0, 0);
	col_str(f->tenant, sizeof f->tenant, r, 0, 1);
	col_str(f->sha256, sizeof f->sha256, r, 0, 2);
	f->size = col_i64(r, 0, 3);
	col_str(f->package, sizeof f->package, r, 0, 4);
	col_str(f->go_version, sizeof f->go_version, r, 0, 5);
	f->created = col_i64(r, 0, 6);
	col_str(f->name, sizeof f->name, r, 0, 9);
	f->version = col_i64(r, 0, 10);
	f->current = PQgetvalue(r, 0, 11)[0] == 't';
	int rc = take_objects(f, PQgetvalue(r, 0, 7), e);
	if (rc == 0)
		rc = take_symbols(f, PQgetvalue(r, 0, 8), e);
	PQclear(r);
	if (rc < 0)
		gofn_function_clear(f);
	return rc;
}

static int fn_query(pg *p, const char *sql, const char *const *args, gofn_function *f, gofn_err *e)
{
	return fn_query_n(p, sql, 2, args, f, e);
}

static int pg_fn_get(gofn_store *g, const char *tenant, const char *id, gofn_function *f,
		     gofn_err *e)
{
	const char *args[] = {tenant, id};
	return fn_query((pg *)g, FN_SELECT "WHERE f.tenant = $1 AND f.id = $2", args, f, e);
}

static int pg_fn_newest_with(gofn_store *g, const char *tenant, const char *symbol,
			     gofn_function *f, gofn_err *e)
{
	const char *args[] = {tenant, symbol};
	return fn_query((pg *)g,
			FN_SELECT
			"JOIN symbols s ON s.function = f.id"
			" WHERE f.tenant = $1 AND s.name = $2 ORDER BY f.seq DESC LIMIT 1",
			args, f, e);
}

static int pg_fn_del(gofn_store *g, const char *tenant, const char *id, gofn_err *e)
{
	pg *p = (pg *)g;
	const char *args[] = {tenant, id};

	lock(p);
	int rc = change(p, e, "delete function",
			"DELETE FROM functions WHERE tenant = $1 AND id = $2", 2, args);
	unlock(p);
	return rc;
}

static int count(pg *p, const char *sql, const char *arg, int64_t *n, gofn_err *e)
{
	lock(p);
	PGresult *r = run(p, e, "count", sql, 1, &arg, NULL);
	unlock(p);
	if (!r)
		return -1;
	*n = PQntuples(r) ? col_i64(r, 0, 0) : 0;
	PQclear(r);
	return 0;
}

static int pg_fn_count(gofn_store *g, const char *tenant, int64_t *n, gofn_err *e)
{
	return count((pg *)g, "SELECT count(*) FROM functions WHERE tenant = $1", tenant, n, e);
}

static int pg_sha_refs(gofn_store *g, const char *sha256, int64_t *n, gofn_err *e)
{
	return count((pg *)g, "SELECT count(*) FROM objects WHERE sha256 = $1", sha256, n, e);
}

static int strings(pg *p, const char *sql, const char *arg, gofn_strlist *out, gofn_err *e)
{
	lock(p);
	PGresult *r = run(p, e, "list", sql, arg ? 1 : 0, arg ? &arg : NULL, NULL);
	unlock(p);
	if (!r)
		return -1;
	for (int i = 0; i < PQntuples(r); i++)
		if (gofn_strlist_add(out, PQgetvalue(r, i, 0)) < 0) {
			PQclear(r);
			gofn_strlist_free(out);
			return gofn_errf(e, GOFN_ENOMEM, "list: out of memory");
		}
	PQclear(r);
	return 0;
}

static int pg_fn_ids(gofn_store *g, const char *tenant, gofn_strlist *ids, gofn_err *e)
{
	return strings((pg *)g, "SELECT id FROM functions WHERE tenant = $1 ORDER BY seq", tenant,
		       ids, e);
}

static int pg_all_shas(gofn_store *g, gofn_strlist *shas, gofn_err *e)
{
	return strings((pg *)g, "SELECT DISTINCT sha256 FROM objects", NULL, shas, e);
}

#define PROFILE_COLS "id, tenant, kind, invocation, function, symbol, size, created"

static int pg_profile_add(gofn_store *g, const gofn_profile_row *row, gofn_err *e)
{
	pg *p = (pg *)g;
	char size[24], created[24];

	snprintf(size, sizeof size, "%lld", (long long)row->size);
	snprintf(created, sizeof created, "%lld", (long long)row->created);
	const char *args[] = {row->id,	     row->tenant, row->kind, row->invocation,
			      row->function, row->symbol, size,	     created};
	lock(p);
	int rc =
	    change(p, e, "insert profile",
		   "INSERT INTO profiles(" PROFILE_COLS ") VALUES($1, $2, $3, $4, $5, $6, $7, $8)",
		   8, args);
	unlock(p);
	return rc;
}

/* Runs a profile query and copies its rows out (malloc'd). */
static int profile_rows(pg *p, const char *sql, int n, const char *const *args,
			gofn_profile_row **rows, size_t *nrows, gofn_err *e)
{
	*rows = NULL;
	*nrows = 0;
	lock(p);
	PGresult *r = run(p, e, "profiles", sql, n, args, NULL);
	unlock(p);
	if (!r)
		return -1;
	int nt = PQntuples(r);
	if (nt > 0 && !(*rows = calloc((size_t)nt, sizeof **rows))) {
		PQclear(r);
		return gofn_errf(e, GOFN_ENOMEM, "profiles: out of memory");
	}
	for (int i = 0; i < nt; i++) {
		gofn_profile_row *o = &(*rows)[i];
		col_str(o->id, sizeof o->id, r, i, 0);
		col_str(o->tenant, sizeof o->tenant, r, i, 1);
		col_str(o->kind, sizeof o->kind, r, i, 2);
		col_str(o->invocation, sizeof o->invocation, r, i, 3);
		col_str(o->function, sizeof o->function, r, i, 4);
		col_str(o->symbol, sizeof o->symbol, r, i, 5);
		o->size = col_i64(r, i, 6);
		o->created = col_i64(r, i, 7);
	}
	*nrows = (size_t)nt;
	PQclear(r);
	return 0;
}

static int pg_profile_get(gofn_store *g, const char *tenant, const char *id, gofn_profile_row *row,
			  gofn_err *e)
{
	const char *args[] = {id, tenant};
	gofn_profile_row *rows;
	size_t n;

	if (profile_rows((pg *)g,
			 tenant ? "SELECT " PROFILE_COLS
				  " FROM profiles WHERE id = $1 AND tenant = $2"
				: "SELECT " PROFILE_COLS " FROM profiles WHERE id = $1",
			 tenant ? 2 : 1, args, &rows, &n, e) < 0)
		return -1;
	if (n)
		*row = rows[0];
	free(rows);
	return n ? 0 : 1;
}

static int pg_profile_del(gofn_store *g, const char *tenant, const char *id, gofn_err *e)
{
	pg *p = (pg *)g;
	const char *args[] = {tenant, id};

	lock(p);
	int rc = change(p, e, "delete profile",
			"DELETE FROM profiles WHERE tenant = $1 AND id = $2", 2, args);
	unlock(p);
	return rc;
}

static int pg_profile_list(gofn_store *g, const char *tenant, gofn_profile_row **rows, size_t *n,
			   gofn_err *e)
{
	return profile_rows(
	    (pg *)g, "SELECT " PROFILE_COLS " FROM profiles WHERE tenant = $1 ORDER BY seq DESC", 1,
	    &tenant, rows, n, e);
}

static int pg_profile_expired(gofn_store *g, const char *tenant, int64_t older_than, int64_t keep,
			      gofn_profile_row **rows, size_t *n, gofn_err *e)
{
	char old[24], k[24];

	snprintf(old, sizeof old, "%lld", (long long)older_than);
	snprintf(k, sizeof k, "%lld", (long long)keep);
	const char *args[] = {tenant, old, k};
	return profile_rows((pg *)g,
			    "SELECT " PROFILE_COLS " FROM profiles WHERE tenant = $1 AND"
			    " (created < $2 OR seq NOT IN (SELECT seq FROM profiles"
			    " WHERE tenant = $1 ORDER BY seq DESC LIMIT $3))",
			    3, args, rows, n, e);
}

/* ---- Bytes in the store: objects, profiles, settings ---- */

/* Inside fn_add's transaction: each object's bytes under its sha256 (kept
 * once, however many functions use it). The shared advisory lock keeps
 * the sweep of unused blobs (pg_objects_gc) from deleting a blob this
 * upload is about to reference. */
static int blobs_add_tx(pg *p, const gofn_function *f, const gofn_obj_bytes *objs, gofn_err *e)
{
	if (change(p, e, "lock blobs", "SELECT pg_advisory_xact_lock_shared(" BLOB_LOCK ")", 0,
		   NULL) < 0)
		return -1;
	for (size_t i = 0; i < f->nobjs; i++) {
		char size[24];
		snprintf(size, sizeof size, "%zu", objs[i].len);
		const char *args[] = {objs[i].sha256, size, (const char *)objs[i].data};
		const int lens[] = {0, 0, (int)objs[i].len}, fmts[] = {0, 0, 1};
		const bin_fmt b = {lens, fmts, 0};
		if (objs[i].len > INT32_MAX)
			return gofn_errf(e, GOFN_ELIMIT, "postgres: object %s too large",
					 objs[i].sha256);
		PGresult *r = run_fmt(p, e, "insert object bytes",
				      "INSERT INTO blobs(sha256, size, data) VALUES($1, $2, $3)"
				      " ON CONFLICT (sha256) DO NOTHING",
				      3, args, &b, NULL);
		if (!r)
			return -1;
		PQclear(r);
	}
	return 0;
}

static int pg_fn_add_objects(gofn_store *g, const gofn_function *f, const gofn_obj_bytes *objs,
			     gofn_err *e)
{
	return fn_add((pg *)g, f, objs, e);
}

/* One bytea column of one row, in binary: 0 with a malloc'd copy, 1 when
 * there is no row (or the column is NULL). */
static int bytes_query(pg *p, const char *what, const char *sql, const char *arg, size_t max,
		       uint8_t **out, size_t *n, gofn_err *e)
{
	const bin_fmt b = {NULL, NULL, 1};

	*out = NULL;
	*n = 0;
	lock(p);
	PGresult *r = run_fmt(p, e, what, sql, 1, &arg, &b, NULL);
	unlock(p);
	if (!r)
		return -1;
	if (PQntuples(r) == 0 || PQgetisnull(r, 0, 0)) {
		PQclear(r);
		return 1;
	}
	size_t len = (size_t)PQgetlength(r, 0, 0);
	if (len > max) {
		PQclear(r);
		return gofn_errf(e, GOFN_ELIMIT, "postgres: %s: %s larger than %zu bytes", what,
				 arg, max);
	}
	uint8_t *buf = malloc(len + 1);
	if (!buf) {
		PQclear(r);
		return gofn_errf(e, GOFN_ENOMEM, "postgres: %s: out of memory", what);
	}
	memcpy(buf, PQgetvalue(r, 0, 0), len);
	buf[len] = 0;
	PQclear(r);
	*out = buf;
	*n = len;
	return 0;
}

static int pg_object_get(gofn_store *g, const char *sha256, size_t max, uint8_t **out, size_t *n,
			 gofn_err *e)
{
	return bytes_query((pg *)g, "object bytes", "SELECT data FROM blobs WHERE sha256 = $1",
			   sha256, max, out, n, e);
}

/* One object file into blobs, in its own transaction (ON CONFLICT: a
 * replica migrating at the same time, or a second run, changes nothing).
 * 0 copied, 1 no usable file here, -1 a database error. */
static int blob_migrate_one(pg *p, const char *data_dir, const char *sha256, size_t max,
			    gofn_err *e)
{
	uint8_t *data = NULL;
	size_t n = 0;
	char got[GOFN_SHA256_HEX];
	gofn_err fe = {0};

	if (gofn_objects_get(data_dir, sha256, max, &data, &n, &fe) < 0)
		return 1;
	gofn_sha256_hex(data, n, got);
	if (strcmp(got, sha256) != 0) { /* a damaged file is no source */
		free(data);
		return 1;
	}
	gofn_function one = {.nobjs = 1};
	gofn_obj_bytes ob = {sha256, data, n};
	lock(p);
	int rc = change(p, e, "begin", "BEGIN", 0, NULL);
	if (rc == 0)
		rc = blobs_add_tx(p, &one, &ob, e);
	rc = tx_end(p, rc, e);
	unlock(p);
	free(data);
	return rc;
}

int gofn_store_pg_migrate_blobs(gofn_store *g, const char *data_dir, size_t max, int64_t *copied,
				int64_t *absent, gofn_err *e)
{
	pg *p = (pg *)g;

	*copied = *absent = 0;
	/* Only the digests are read at once (64 bytes a row); the bytes
	 * of one object at a time. */
	lock(p);
	PGresult *r = run(p, e, "objects without blobs",
			  "SELECT DISTINCT o.sha256 FROM objects o WHERE NOT EXISTS"
			  " (SELECT 1 FROM blobs b WHERE b.sha256 = o.sha256)",
			  0, NULL, NULL);
	unlock(p);
	if (!r)
		return -1;
	int rc = 0;
	for (int i = 0; rc >= 0 && i < PQntuples(r); i++) {
		rc = blob_migrate_one(p, data_dir, PQgetvalue(r, i, 0), max, e);
		if (rc == 0)
			(*copied)++;
		else if (rc == 1)
			(*absent)++;
	}
	PQclear(r);
	return rc < 0 ? -1 : 0;
}

/* Blobs no object row names any more go, under the exclusive lock so no
 * upload is between storing a blob and naming it. */
static int pg_objects_gc(gofn_store *g, gofn_err *e)
{
	pg *p = (pg *)g;

	lock(p);
	int rc = change(p, e, "begin", "BEGIN", 0, NULL);
	if (rc == 0)
		rc = change(p, e, "lock blobs", "SELECT pg_advisory_xact_lock(" BLOB_LOCK ")", 0,
			    NULL) < 0
			 ? -1
			 : 0;
	if (rc == 0)
		rc = change(p, e, "sweep blobs",
			    "DELETE FROM blobs b WHERE NOT EXISTS"
			    " (SELECT 1 FROM objects o WHERE o.sha256 = b.sha256)",
			    0, NULL) < 0
			 ? -1
			 : 0;
	rc = tx_end(p, rc, e);
	unlock(p);
	return rc;
}

static int pg_profile_add_bytes(gofn_store *g, const gofn_profile_row *row, const uint8_t *data,
				size_t len, gofn_err *e)
{
	pg *p = (pg *)g;
	char size[24], created[24];

	if (len > INT32_MAX)
		return gofn_errf(e, GOFN_ELIMIT, "postgres: profile %s too large", row->id);
	snprintf(size, sizeof size, "%lld", (long long)row->size);
	snprintf(created, sizeof created, "%lld", (long long)row->created);
	const char *args[] = {row->id,	   row->tenant, row->kind, row->invocation,   row->function,
			      row->symbol, size,	created,   (const char *)data};
	const int lens[] = {0, 0, 0, 0, 0, 0, 0, 0, (int)len}, fmts[] = {0, 0, 0, 0, 0, 0, 0, 0, 1};
	const bin_fmt b = {lens, fmts, 0};
	char state[6];
	lock(p);
	PGresult *r = run_fmt(p, e, "insert profile",
			      "INSERT INTO profiles(" PROFILE_COLS ", data)"
			      " VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9)",
			      9, args, &b, state);
	unlock(p);
	if (!r)
		return strcmp(state, "23505") == 0 ? 1 : -1;
	PQclear(r);
	return 0;
}

static int pg_profile_bytes(gofn_store *g, const char *id, size_t max, uint8_t **out, size_t *n,
			    gofn_err *e)
{
	return bytes_query((pg *)g, "profile bytes", "SELECT data FROM profiles WHERE id = $1", id,
			   max, out, n, e);
}

/* Insert-if-absent, then read: every replica ends with the first value
 * any of them stored. */
static int pg_setting(gofn_store *g, const char *key, const char *proposed, char *out, size_t cap,
		      gofn_err *e)
{
	pg *p = (pg *)g;
	const char *args[] = {key, proposed};

	lock(p);
	int rc =
	    change(p, e, "store setting",
		   "INSERT INTO settings(key, value) VALUES($1, $2) ON CONFLICT (key) DO NOTHING",
		   2, args);
	PGresult *r = rc < 0 ? NULL
			     : run(p, e, "read setting",
				   "SELECT value FROM settings WHERE key = $1", 1, args, NULL);
	unlock(p);
	if (!r)
		return -1;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return gofn_errf(e, GOFN_ESYS, "postgres: setting %s vanished", key);
	}
	col_str(out, cap, r, 0, 0);
	PQclear(r);
	return 0;
}

/* Named versions (issue 17). */

/* One statement on the shared session. */
static PGresult *run_locked(pg *p, gofn_err *e, const char *what, const char *sql, int n,
			    const char *const *params)
{
	lock(p);
	PGresult *r = run(p, e, what, sql, n, params, NULL);
	unlock(p);
	return r;
}

static int fn_add_version_tx(pg *p, gofn_function *f, gofn_err *e)
{
	const char *nargs[] = {f->tenant, f->name};
	char v[24];

	/* The current version must still be the one the deploy compared its
	 * objects with (f->version on entry): else a concurrent deploy or
	 * rollback came first. */
	PGresult *r = run(p, e, "next version",
			  "SELECT coalesce(max(version), 0) + 1, coalesce((SELECT current FROM"
			  " fn_names WHERE tenant = $1 AND name = $2), 0) FROM fn_versions"
			  " WHERE tenant = $1 AND name = $2",
			  2, nargs, NULL);
	if (!r)
		return -1;
	int64_t next = col_i64(r, 0, 0), cur = col_i64(r, 0, 1);
	PQclear(r);
	if (cur != f->version)
		return gofn_store_version_moved(e, f, cur);
	f->version = next;
	snprintf(v, sizeof v, "%lld", (long long)f->version);
	if (fn_add_tx(p, f, e) < 0)
		return -1;
	const char *vargs[] = {f->id, f->tenant, f->name, v};
	int rc = change(p, e, "insert version",
			"INSERT INTO fn_versions(function, tenant, name, version)"
			" VALUES($1, $2, $3, $4)",
			4, vargs);
	if (rc == 1)
		return gofn_errf(e, GOFN_ESTALE, "a concurrent deploy took that version; retry");
	if (rc < 0)
		return -1;
	const char *cargs[] = {f->tenant, f->name, v};
	return change(p, e, "set current",
		      "INSERT INTO fn_names(tenant, name, current) VALUES($1, $2, $3)"
		      " ON CONFLICT(tenant, name) DO UPDATE SET current = excluded.current",
		      3, cargs) < 0
		   ? -1
		   : 0;
}

static int pg_fn_add_version(gofn_store *g, gofn_function *f, const gofn_obj_bytes *objs,
			     gofn_err *e)
{
	pg *p = (pg *)g;

	lock(p);
	int rc = change(p, e, "begin", "BEGIN", 0, NULL);
	if (rc == 0 && objs)
		rc = blobs_add_tx(p, f, objs, e);
	if (rc == 0)
		rc = fn_add_version_tx(p, f, e);
	rc = tx_end(p, rc, e);
	if (rc == 0)
		f->current = 1;
	unlock(p);
	return rc;
}

static int pg_fn_by_name(gofn_store *g, const char *tenant, const char *name, int64_t version,
			 gofn_function *f, gofn_err *e)
{
	char v[24];

	snprintf(v, sizeof v, "%lld", (long long)version);
	const char *args[] = {tenant, name, v};
	if (version)
		return fn_query_n(
		    (pg *)g, FN_SELECT "WHERE v.tenant = $1 AND v.name = $2 AND v.version = $3", 3,
		    args, f, e);
	return fn_query_n((pg *)g,
			  FN_SELECT "WHERE n.tenant = $1 AND n.name = $2 AND v.version = n.current",
			  2, args, f, e);
}

static int pg_fn_versions(gofn_store *g, const char *tenant, const char *name, gofn_strlist *ids,
			  int64_t *current, gofn_err *e)
{
	pg *p = (pg *)g;
	const char *args[] = {tenant, name};

	memset(ids, 0, sizeof *ids);
	PGresult *r = run_locked(p, e, "versions",
				 "SELECT n.current, v.function FROM fn_names n JOIN fn_versions v"
				 " ON v.tenant = n.tenant AND v.name = n.name"
				 " WHERE n.tenant = $1 AND n.name = $2 ORDER BY v.version",
				 2, args);
	if (!r)
		return -1;
	int rows = PQntuples(r);
	*current = rows ? col_i64(r, 0, 0) : 0;
	for (int i = 0; i < rows; i++)
		if (gofn_strlist_add(ids, PQgetvalue(r, i, 1)) < 0) {
			PQclear(r);
			gofn_strlist_free(ids);
			return gofn_errf(e, GOFN_ENOMEM, "versions: out of memory");
		}
	PQclear(r);
	return rows ? 0 : 1;
}

static int pg_fn_set_current(gofn_store *g, const char *tenant, const char *name, int64_t version,
			     gofn_err *e)
{
	pg *p = (pg *)g;
	char v[24];

	snprintf(v, sizeof v, "%lld", (long long)version);
	const char *args[] = {tenant, name, v};
	lock(p);
	int rc = change(p, e, "rollback",
			"UPDATE fn_names SET current = $3 WHERE tenant = $1 AND name = $2"
			" AND EXISTS (SELECT 1 FROM fn_versions v WHERE v.tenant = $1"
			" AND v.name = $2 AND v.version = $3)",
			3, args);
	unlock(p);
	return rc;
}

static int pg_fn_names_tidy(gofn_store *g, const char *tenant, gofn_err *e)
{
	pg *p = (pg *)g;

	lock(p);
	/* Configuration of names without versions goes with them. */
	if (change(p, e, "tidy config",
		   "DELETE FROM fn_config c WHERE c.tenant = $1 AND NOT EXISTS (SELECT 1 FROM"
		   " fn_versions v WHERE v.tenant = c.tenant AND v.name = c.name)",
		   1, &tenant) < 0) {
		unlock(p);
		return -1;
	}
	/* First the names without versions, so the maximum below is never NULL. */
	int rc = change(p, e, "tidy names",
			"DELETE FROM fn_names n WHERE n.tenant = $1 AND NOT EXISTS (SELECT 1 FROM"
			" fn_versions v WHERE v.tenant = n.tenant AND v.name = n.name)",
			1, &tenant);
	if (rc >= 0)
		rc = change(
		    p, e, "tidy names",
		    "UPDATE fn_names n SET current = (SELECT max(v.version) FROM fn_versions v"
		    " WHERE v.tenant = n.tenant AND v.name = n.name)"
		    " WHERE n.tenant = $1 AND NOT EXISTS (SELECT 1 FROM fn_versions v"
		    " WHERE v.tenant = n.tenant AND v.name = n.name AND v.version = n.current)",
		    1, &tenant);
	unlock(p);
	return rc < 0 ? -1 : 0;
}

static int pg_obj_owned(gofn_store *g, const char *tenant, const char *sha256, int *owned,
			gofn_err *e)
{
	pg *p = (pg *)g;
	const char *args[] = {tenant, sha256};

	PGresult *r = run_locked(p, e, "object",
				 "SELECT 1 FROM objects o JOIN functions f ON f.id = o.function"
				 " WHERE f.tenant = $1 AND o.sha256 = $2 LIMIT 1",
				 2, args);
	if (!r)
		return -1;
	*owned = PQntuples(r) > 0;
	PQclear(r);
	return 0;
}

static int config_tx(pg *p, const char *tenant, const char *name, const gofn_config_row *rows,
		     size_t n, gofn_err *e)
{
	const char *args[] = {tenant, name};

	if (change(p, e, "config", "DELETE FROM fn_config WHERE tenant = $1 AND name = $2", 2,
		   args) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const char *a[] = {tenant, name, rows[i].key, rows[i].value,
				   rows[i].secret ? "1" : "0"};
		if (change(p, e, "insert config",
			   "INSERT INTO fn_config(tenant, name, key, value, secret)"
			   " VALUES($1, $2, $3, $4, $5)",
			   5, a) != 0)
			return -1;
	}
	return 0;
}

static int pg_fn_config_set(gofn_store *g, const char *tenant, const char *name,
			    const gofn_config_row *rows, size_t n, gofn_err *e)
{
	pg *p = (pg *)g;

	lock(p);
	int rc = change(p, e, "begin", "BEGIN", 0, NULL);
	if (rc == 0)
		rc = config_tx(p, tenant, name, rows, n, e);
	if (rc == 0)
		rc = change(p, e, "commit", "COMMIT", 0, NULL) == 0 ? 0 : -1;
	if (rc != 0) {
		PQclear(PQexec(p->conn, "ROLLBACK"));
		rc = -1;
	}
	unlock(p);
	return rc;
}

static int pg_fn_config_get(gofn_store *g, const char *tenant, const char *name,
			    gofn_config_row **rows, size_t *n, gofn_err *e)
{
	pg *p = (pg *)g;
	const char *args[] = {tenant, name};

	PGresult *r =
	    run_locked(p, e, "config",
		       "SELECT key, value, secret FROM fn_config WHERE tenant = $1 AND name = $2"
		       " ORDER BY key",
		       2, args);
	if (!r)
		return -1;
	int rows_n = PQntuples(r);
	*rows = rows_n ? calloc((size_t)rows_n, sizeof **rows) : NULL;
	for (int i = 0; *rows && i < rows_n; i++) {
		col_str((*rows)[i].key, sizeof(*rows)[i].key, r, i, 0);
		(*rows)[i].value = strdup(PQgetvalue(r, i, 1));
		(*rows)[i].secret = col_i64(r, i, 2) != 0;
		*n = (size_t)i + 1;
		if (!(*rows)[i].value)
			break;
	}
	PQclear(r);
	if (rows_n && (!*rows || *n != (size_t)rows_n || !(*rows)[*n - 1].value)) {
		gofn_config_rows_free(*rows, *n);
		*rows = NULL;
		*n = 0;
		return gofn_errf(e, GOFN_ENOMEM, "postgres: config: out of memory");
	}
	return 0;
}

/* For server/store_pg_internal.h. */
PGconn *gofn_pg_conn(gofn_store *g)
{
	return ((pg *)g)->conn;
}

void gofn_pg_lock(gofn_store *g)
{
	lock((pg *)g);
}

void gofn_pg_unlock(gofn_store *g)
{
	unlock((pg *)g);
}

PGresult *gofn_pg_run(gofn_store *g, gofn_err *e, const char *what, const char *sql, int n,
		      const char *const *params, char state[6])
{
	return run((pg *)g, e, what, sql, n, params, state);
}

int gofn_pg_change(gofn_store *g, gofn_err *e, const char *what, const char *sql, int n,
		   const char *const *params)
{
	return change((pg *)g, e, what, sql, n, params);
}

void gofn_pg_rollback(gofn_store *g)
{
	PQclear(PQexec(((pg *)g)->conn, "ROLLBACK"));
}

static const gofn_store_ops pg_ops = {
    .name = "postgres",
    .close = pg_close,
    .tenant_add = pg_tenant_add,
    .tenant_del = pg_tenant_del,
    .tenant_by_token = pg_tenant_by_token,
    .tenant_list = pg_tenant_list,
    .tenant_get = pg_tenant_get,
    .fn_add = pg_fn_add,
    .fn_get = pg_fn_get,
    .fn_newest_with = pg_fn_newest_with,
    .fn_del = pg_fn_del,
    .fn_count = pg_fn_count,
    .fn_ids = pg_fn_ids,
    .sha_refs = pg_sha_refs,
    .all_shas = pg_all_shas,
    .profile_add = pg_profile_add,
    .profile_get = pg_profile_get,
    .profile_del = pg_profile_del,
    .profile_list = pg_profile_list,
    .profile_expired = pg_profile_expired,
    .fn_add_objects = pg_fn_add_objects,
    .object_get = pg_object_get,
    .objects_gc = pg_objects_gc,
    .profile_add_bytes = pg_profile_add_bytes,
    .profile_bytes = pg_profile_bytes,
    .setting = pg_setting,
    .fn_add_version = pg_fn_add_version,
    .fn_by_name = pg_fn_by_name,
    .fn_versions = pg_fn_versions,
    .fn_set_current = pg_fn_set_current,
    .fn_names_tidy = pg_fn_names_tidy,
    .obj_owned = pg_obj_owned,
    .fn_config_set = pg_fn_config_set,
    .fn_config_get = pg_fn_config_get,
    .inv = &gofn_pg_inv_ops,
    .ten = &gofn_pg_tenant_ops,
};
