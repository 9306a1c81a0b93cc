/* Tenants' CPU settings and host uids in the PostgreSQL store
 * (server/store_tenants.h). Several replicas allocate from one table:
 * allocation is one transaction holding an advisory lock, so replicas
 * take turns, and uid PRIMARY KEY / tenant UNIQUE refuse a duplicate
 * should anything else write the table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/store_pg_internal.h"

/* "uids" as a 32-bit number: the key of the advisory lock between allocations. */
#define UID_LOCK "1969841267"

static int pg_cpu_set(gofn_store *g, const char *name, int weight, int64_t quota, gofn_err *e)
{
	char w[24], q[24];

	snprintf(w, sizeof w, "%d", weight);
	snprintf(q, sizeof q, "%lld", (long long)quota);
	const char *args[] = {name, weight > 0 ? w : NULL, quota >= 0 ? q : NULL};
	gofn_pg_lock(g);
	/* No row for a tenant that does not exist: 1, not a foreign-key error. */
	int rc = gofn_pg_change(
	    g, e, "set tenant CPU",
	    "INSERT INTO tenant_cpu(tenant, weight, quota)"
	    " SELECT $1, $2::integer, $3::bigint WHERE EXISTS (SELECT 1 FROM tenants WHERE name = "
	    "$1)"
	    " ON CONFLICT (tenant) DO UPDATE SET weight = excluded.weight, quota = excluded.quota",
	    3, args);
	gofn_pg_unlock(g);
	return rc;
}

/* Inside the transaction: 0 with *uid, 1 no tenant, 2 range full. */
static int allocate(gofn_store *g, const char *name, unsigned base, unsigned count, unsigned *uid,
		    gofn_err *e)
{
	char lo[24], hi[24], pick_s[24];
	const char *args[] = {name, NULL};

	snprintf(lo, sizeof lo, "%u", base);
	snprintf(hi, sizeof hi, "%llu", (unsigned long long)base + count);
	PGresult *r = gofn_pg_run(g, e, "tenant uid",
				  "SELECT u.uid, EXISTS (SELECT 1 FROM tenants WHERE name = $1)"
				  " FROM (SELECT $1::text AS tenant) q"
				  " LEFT JOIN tenant_uids u ON u.tenant = q.tenant",
				  1, args, NULL);
	if (!r)
		return -1;
	if (PQntuples(r) != 1) { /* a name that is not UTF-8: no such tenant */
		PQclear(r);
		return 1;
	}
	int has = !PQgetisnull(r, 0, 0);
	long long have = has ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : -1;
	int exists = PQgetvalue(r, 0, 1)[0] == 't';
	PQclear(r);
	if (has && have >= base && have < (long long)base + count) {
		*uid = (unsigned)have;
		return 0;
	}
	if (!exists)
		return 1;
	const char *range[] = {lo, hi};
	r = gofn_pg_run(g, e, "tenant uids",
			"SELECT uid FROM tenant_uids WHERE uid >= $1 AND uid < $2 ORDER BY uid", 2,
			range, NULL);
	if (!r)
		return -1;
	size_t n = (size_t)PQntuples(r);
	unsigned *taken = calloc(n ? n : 1, sizeof *taken);
	if (!taken) {
		PQclear(r);
		return gofn_errf(e, GOFN_ENOMEM, "tenant uids: out of memory");
	}
	for (size_t i = 0; i < n; i++)
		taken[i] = (unsigned)strtoull(PQgetvalue(r, (int)i, 0), NULL, 10);
	PQclear(r);
	unsigned pick = gofn_tenant_uid_pick(name, base, count, taken, n);
	free(taken);
	if (!pick)
		return 2;
	snprintf(pick_s, sizeof pick_s, "%u", pick);
	args[1] = pick_s;
	/* ON CONFLICT (tenant): a uid from another --uid-range is given back. */
	if (gofn_pg_change(g, e, "allocate tenant uid",
			   "INSERT INTO tenant_uids(tenant, uid) VALUES($1, $2)"
			   " ON CONFLICT (tenant) DO UPDATE SET uid = excluded.uid",
			   2, args) != 0)
		return e->code ? -1 : gofn_errf(e, GOFN_ECONFLICT, "tenant uid %u is taken", pick);
	*uid = pick;
	return 0;
}

/* The uid name has within the range: 0 with *uid, 1 if none, -1 on error. */
static int held(gofn_store *g, const char *name, unsigned base, unsigned count, unsigned *uid,
		gofn_err *e)
{
	PGresult *r = gofn_pg_run(g, e, "tenant uid",
				  "SELECT uid FROM tenant_uids WHERE tenant = $1", 1, &name, NULL);

	if (!r)
		return -1;
	long long have = PQntuples(r) == 1 ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : -1;
	PQclear(r);
	if (have < base || have >= (long long)base + count)
		return 1;
	*uid = (unsigned)have;
	return 0;
}

static int pg_uid(gofn_store *g, const char *name, unsigned base, unsigned count, unsigned *uid,
		  gofn_err *e)
{
	gofn_pg_lock(g);
	/* Every spawn asks: a tenant that has its uid needs no transaction. */
	int rc = held(g, name, base, count, uid, e);
	if (rc <= 0) {
		gofn_pg_unlock(g);
		return rc;
	}
	rc = gofn_pg_change(g, e, "begin", "BEGIN", 0, NULL);
	if (rc == 0) {
		PGresult *r =
		    gofn_pg_run(g, e, "lock tenant uids",
				"SELECT pg_advisory_xact_lock(" UID_LOCK ")", 0, NULL, NULL);
		rc = r ? allocate(g, name, base, count, uid, e) : -1;
		PQclear(r);
		if (rc < 0 || gofn_pg_change(g, e, "commit", "COMMIT", 0, NULL) != 0) {
			gofn_pg_rollback(g);
			rc = -1;
		}
	}
	gofn_pg_unlock(g);
	return rc;
}

static int pg_uid_free(gofn_store *g, const char *name, gofn_err *e)
{
	gofn_pg_lock(g);
	int rc = gofn_pg_change(g, e, "free tenant uid",
				"DELETE FROM tenant_uids WHERE ($1::text IS NULL OR tenant = $1)"
				" AND NOT EXISTS (SELECT 1 FROM tenants t WHERE t.name = tenant)",
				1, &name);
	gofn_pg_unlock(g);
	return rc < 0 ? -1 : 0;
}

const gofn_tenant_ops gofn_pg_tenant_ops = {
    .cpu_set = pg_cpu_set,
    .uid = pg_uid,
    .uid_free = pg_uid_free,
};
