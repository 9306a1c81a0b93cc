/* Tenants' CPU settings and host uids in the SQLite store
 * (server/store_tenants.h). One gofnd per data dir; each call still runs
 * under the connection's lock, and allocation in one IMMEDIATE
 * transaction, so the UNIQUE constraints are never what decides. */
#include <stdlib.h>
#include <string.h>

#include "server/store_sqlite_internal.h"

static int sq_cpu_set(gofn_store *g, const char *name, int weight, int64_t quota, gofn_err *e)
{
	gofn_sq_lock(g);
	/* No row for a tenant that does not exist: 1, not a constraint error. */
	sqlite3_stmt *st = gofn_sq_prep(
	    g,
	    "INSERT INTO tenant_cpu(tenant, weight, quota)"
	    " SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM tenants WHERE name = ?1)"
	    " ON CONFLICT(tenant) DO UPDATE SET weight = excluded.weight, quota = excluded.quota",
	    e);
	int rc = -1;
	if (st) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
		if (weight > 0)
			sqlite3_bind_int(st, 2, weight);
		if (quota >= 0)
			sqlite3_bind_int64(st, 3, quota);
		int s = sqlite3_step(st);
		gofn_sq_done(g, st);
		rc = s != SQLITE_DONE		      ? gofn_sq_err(g, e, "set tenant CPU")
		     : sqlite3_changes(gofn_sq_db(g)) ? 0
						      : 1;
	}
	gofn_sq_unlock(g);
	return rc;
}

/* One row's integer, or -1 when there is none; -2 on error. */
static int64_t one_int(gofn_store *g, const char *sql, const char *name, gofn_err *e)
{
	sqlite3_stmt *st = gofn_sq_prep(g, sql, e);

	if (!st)
		return -2;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	int s = sqlite3_step(st);
	int64_t v = s == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	gofn_sq_done(g, st);
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		return gofn_sq_err(g, e, "tenant uid"), -2;
	return v;
}

/* The uids of [base, base + count) already taken, ascending (malloc'd). */
static int taken_uids(gofn_store *g, unsigned base, unsigned count, unsigned **out, size_t *n,
		      gofn_err *e)
{
	sqlite3_stmt *st = gofn_sq_prep(
	    g, "SELECT uid FROM tenant_uids WHERE uid >= ?1 AND uid < ?2 ORDER BY uid", e);
	int s;

	*out = NULL;
	*n = 0;
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, base);
	sqlite3_bind_int64(st, 2, (int64_t)base + count);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		unsigned *v = realloc(*out, (*n + 1) * sizeof *v);
		if (!v) {
			s = SQLITE_NOMEM;
			break;
		}
		*out = v;
		v[(*n)++] = (unsigned)sqlite3_column_int64(st, 0);
	}
	gofn_sq_done(g, st);
	if (s != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		return s == SQLITE_NOMEM ? gofn_errf(e, GOFN_ENOMEM, "tenant uids: out of memory")
					 : gofn_sq_err(g, e, "tenant uids");
	}
	return 0;
}

static int exec(gofn_store *g, const char *sql, gofn_err *e)
{
	return sqlite3_exec(gofn_sq_db(g), sql, NULL, NULL, NULL) == SQLITE_OK
		   ? 0
		   : gofn_sq_err(g, e, "tenant uid");
}

/* Inside the transaction: 0 with *uid, 1 no tenant, 2 range full. */
static int allocate(gofn_store *g, const char *name, unsigned base, unsigned count, unsigned *uid,
		    gofn_err *e)
{
	int64_t have = one_int(g, "SELECT uid FROM tenant_uids WHERE tenant = ?1", name, e);

	if (have < -1)
		return -1;
	if (have >= base && have < (int64_t)base + count) {
		*uid = (unsigned)have;
		return 0;
	}
	int64_t exists = one_int(g, "SELECT 1 FROM tenants WHERE name = ?1", name, e);
	if (exists < -1)
		return -1;
	if (exists < 0)
		return 1;
	unsigned *taken;
	size_t n;
	if (taken_uids(g, base, count, &taken, &n, e) < 0)
		return -1;
	unsigned pick = gofn_tenant_uid_pick(name, base, count, taken, n);
	free(taken);
	if (!pick)
		return 2;
	/* REPLACE: a uid from another --uid-range is given back. */
	sqlite3_stmt *st =
	    gofn_sq_prep(g, "INSERT OR REPLACE INTO tenant_uids(tenant, uid) VALUES(?1, ?2)", e);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, pick);
	int s = sqlite3_step(st);
	gofn_sq_done(g, st);
	if (s != SQLITE_DONE)
		return gofn_sq_err(g, e, "allocate tenant uid");
	*uid = pick;
	return 0;
}

static int sq_uid(gofn_store *g, const char *name, unsigned base, unsigned count, unsigned *uid,
		  gofn_err *e)
{
	gofn_sq_lock(g);
	/* Every spawn asks: a tenant that has its uid needs no write lock. */
	int64_t have = one_int(g, "SELECT uid FROM tenant_uids WHERE tenant = ?1", name, e);
	if (have >= base && have < (int64_t)base + count) {
		*uid = (unsigned)have;
		gofn_sq_unlock(g);
		return 0;
	}
	int rc = have < -1 ? -1 : exec(g, "BEGIN IMMEDIATE", e);
	if (rc == 0) {
		rc = allocate(g, name, base, count, uid, e);
		if (rc < 0 || exec(g, "COMMIT", e) < 0) {
			sqlite3_exec(gofn_sq_db(g), "ROLLBACK", NULL, NULL, NULL);
			rc = -1;
		}
	}
	gofn_sq_unlock(g);
	return rc;
}

static int sq_uid_free(gofn_store *g, const char *name, gofn_err *e)
{
	gofn_sq_lock(g);
	sqlite3_stmt *st = gofn_sq_prep(g,
					"DELETE FROM tenant_uids WHERE (?1 IS NULL OR tenant = ?1)"
					" AND tenant NOT IN (SELECT name FROM tenants)",
					e);
	int rc = -1;
	if (st) {
		if (name)
			sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
		int s = sqlite3_step(st);
		gofn_sq_done(g, st);
		rc = s == SQLITE_DONE ? 0 : gofn_sq_err(g, e, "free tenant uid");
	}
	gofn_sq_unlock(g);
	return rc;
}

const gofn_tenant_ops gofn_sqlite_tenant_ops = {
    .cpu_set = sq_cpu_set,
    .uid = sq_uid,
    .uid_free = sq_uid_free,
};
