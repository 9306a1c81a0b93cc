/* Invocation rows in the PostgreSQL store (server/store_invocations.h),
 * the queue several gofnd replicas share:
 * - a claim is one UPDATE of the row a `SELECT … FOR UPDATE SKIP LOCKED`
 *   picked, so two replicas never claim one row, and neither waits for the
 *   other's lock;
 * - adding to a tenant's queue locks that tenant's row (FOR NO KEY UPDATE,
 *   which foreign-key checks do not wait for) so the queue limit holds
 *   across replicas;
 * - inputs are BYTEA, sent and read as hex text (every parameter of the
 *   store's runner is text);
 * - the record of synchronous calls is committed with synchronous_commit
 *   off: the newest of those rows may be lost in a database crash, never
 *   an accepted async invocation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/store_pg_internal.h"

static const char schema[] =
    "BEGIN;"
    "SELECT pg_advisory_xact_lock(1735353967);"
    "CREATE TABLE IF NOT EXISTS invocations("
    " seq BIGSERIAL PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
    " tenant TEXT NOT NULL REFERENCES tenants(name) ON DELETE CASCADE,"
    " function TEXT NOT NULL, symbol TEXT NOT NULL, mode TEXT NOT NULL,"
    " state TEXT NOT NULL, attempt INTEGER NOT NULL DEFAULT 0,"
    " owner TEXT NOT NULL DEFAULT '', lease_until BIGINT NOT NULL DEFAULT 0,"
    " timeout_ms BIGINT NOT NULL DEFAULT 0, profile_kinds BIGINT NOT NULL DEFAULT 0,"
    " profile_hz INTEGER NOT NULL DEFAULT 0, input BYTEA, created BIGINT NOT NULL,"
    " started BIGINT NOT NULL DEFAULT 0, finished BIGINT NOT NULL DEFAULT 0,"
    " status TEXT NOT NULL DEFAULT '', exit_code INTEGER NOT NULL DEFAULT 0,"
    " duration_us BIGINT NOT NULL DEFAULT 0, error TEXT NOT NULL DEFAULT '', outcome TEXT);"
    "CREATE INDEX IF NOT EXISTS invocations_tenant ON invocations(tenant, seq);"
    "CREATE INDEX IF NOT EXISTS invocations_state ON invocations(state, tenant, seq);"
    "COMMIT;";

#define INV_COLS                                                                                   \
	"id, tenant, function, symbol, mode, state, status, owner, attempt, exit_code,"            \
	" timeout_ms, profile_kinds, profile_hz, created, started, finished, lease_until,"         \
	" duration_us, error"

static int pg_inv_schema(gofn_store *g, gofn_err *e)
{
	gofn_pg_lock(g);
	PGresult *r = PQexec(gofn_pg_conn(g), schema); /* several statements: not PQexecParams */
	int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
	if (rc < 0) {
		const char *msg = PQresultErrorMessage(r);
		gofn_errf(e, GOFN_ESYS, "postgres: invocations schema: %.*s",
			  (int)strcspn(msg, "\n"), msg);
		PQclear(PQexec(gofn_pg_conn(g), "ROLLBACK"));
	}
	PQclear(r);
	gofn_pg_unlock(g);
	return rc;
}

static void str(char *dst, size_t cap, const PGresult *r, int row, int col)
{
	snprintf(dst, cap, "%s", PQgetvalue(r, row, col));
}

static int64_t i64(const PGresult *r, int row, int col)
{
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static void take_row(const PGresult *r, int i, gofn_inv_row *o)
{
	str(o->id, sizeof o->id, r, i, 0);
	str(o->tenant, sizeof o->tenant, r, i, 1);
	str(o->function, sizeof o->function, r, i, 2);
	str(o->symbol, sizeof o->symbol, r, i, 3);
	str(o->mode, sizeof o->mode, r, i, 4);
	str(o->state, sizeof o->state, r, i, 5);
	str(o->status, sizeof o->status, r, i, 6);
	str(o->owner, sizeof o->owner, r, i, 7);
	o->attempt = (int)i64(r, i, 8);
	o->exit_code = (int)i64(r, i, 9);
	o->timeout_ms = i64(r, i, 10);
	o->profile_kinds = (unsigned)i64(r, i, 11);
	o->profile_hz = (int)i64(r, i, 12);
	o->created_ms = i64(r, i, 13);
	o->started_ms = i64(r, i, 14);
	o->finished_ms = i64(r, i, 15);
	o->lease_until_ms = i64(r, i, 16);
	o->duration_us = i64(r, i, 17);
	str(o->error, sizeof o->error, r, i, 18);
}

static char *hex(const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char *h = malloc(2 * n + 1);

	if (!h)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		h[2 * i] = digits[p[i] >> 4];
		h[2 * i + 1] = digits[p[i] & 15];
	}
	h[2 * n] = 0;
	return h;
}

static int unhex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* encode(input, 'hex') back to bytes (malloc'd). */
static int unhex(const char *h, uint8_t **p, size_t *n, gofn_err *e)
{
	size_t len = strlen(h);

	*p = malloc(len / 2 + 1);
	*n = 0;
	if (!*p)
		return gofn_errf(e, GOFN_ENOMEM, "claim: out of memory");
	for (size_t i = 0; i + 1 < len; i += 2) {
		int hi = unhex_digit(h[i]), lo = unhex_digit(h[i + 1]);
		if (hi < 0 || lo < 0) {
			free(*p);
			*p = NULL;
			return gofn_errf(e, GOFN_ESYS, "postgres: input is not hex");
		}
		(*p)[(*n)++] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static int pg_inv_add(gofn_store *g, const gofn_inv_row *r, int64_t limit, gofn_err *e)
{
	char timeout[24], kinds[24], hz[24], created[24], lim[24];
	char *in = hex(r->input ? r->input : (const uint8_t *)"", r->input_len);

	if (!in)
		return gofn_errf(e, GOFN_ENOMEM, "add invocation: out of memory");
	snprintf(timeout, sizeof timeout, "%lld", (long long)r->timeout_ms);
	snprintf(kinds, sizeof kinds, "%u", r->profile_kinds);
	snprintf(hz, sizeof hz, "%d", r->profile_hz);
	snprintf(created, sizeof created, "%lld", (long long)r->created_ms);
	snprintf(lim, sizeof lim, "%lld", (long long)limit);
	const char *args[] = {r->id, r->tenant, r->function, r->symbol, timeout,
			      kinds, hz,	in,	     created,	lim};
	const char *tenant = r->tenant;
	gofn_pg_lock(g);
	int rc = gofn_pg_change(g, e, "begin", "BEGIN", 0, NULL);
	if (rc == 0)
		rc = gofn_pg_change(g, e, "lock tenant",
				    "SELECT 1 FROM tenants WHERE name = $1 FOR NO KEY UPDATE", 1,
				    &tenant) < 0
			 ? -1
			 : 0;
	if (rc == 0) {
		rc = gofn_pg_change(
		    g, e, "add invocation",
		    "INSERT INTO invocations(id, tenant, function, symbol, mode, state, timeout_ms,"
		    " profile_kinds, profile_hz, input, created)"
		    " SELECT $1, $2, $3, $4, 'async', 'queued', $5::bigint, $6::bigint, $7::int,"
		    " decode($8, 'hex'), $9::bigint"
		    " WHERE (SELECT count(*) FROM invocations WHERE tenant = $2"
		    "  AND state IN ('queued', 'running')) < $10 ON CONFLICT (id) DO NOTHING",
		    10, args);
		/* nothing inserted: the queue is full (or, never in practice,
		 * the random id exists) */
		if (rc == 1 && gofn_pg_change(g, e, "commit", "COMMIT", 0, NULL) == 0)
			rc = 2;
		else if (rc == 0 && gofn_pg_change(g, e, "commit", "COMMIT", 0, NULL) != 0)
			rc = -1;
	}
	if (rc != 0 && rc != 2)
		gofn_pg_rollback(g);
	gofn_pg_unlock(g);
	free(in);
	return rc;
}

static int pg_inv_record(gofn_store *g, const gofn_inv_row *rows, size_t n, gofn_err *e)
{
	gofn_pg_lock(g);
	int rc = gofn_pg_change(g, e, "begin", "BEGIN", 0, NULL);
	if (rc == 0)
		rc =
		    gofn_pg_change(g, e, "relax", "SET LOCAL synchronous_commit = off", 0, NULL) < 0
			? -1
			: 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const gofn_inv_row *r = &rows[i];
		char code[24], timeout[24], created[24], finished[24], dur[24];
		snprintf(code, sizeof code, "%d", r->exit_code);
		snprintf(timeout, sizeof timeout, "%lld", (long long)r->timeout_ms);
		snprintf(created, sizeof created, "%lld", (long long)r->created_ms);
		snprintf(finished, sizeof finished, "%lld", (long long)r->finished_ms);
		snprintf(dur, sizeof dur, "%lld", (long long)r->duration_us);
		const char *args[] = {r->id,   r->tenant, r->function, r->symbol, r->status, code,
				      timeout, created,	  finished,    dur,	  r->error};
		rc = gofn_pg_change(g, e, "record invocation",
				    "INSERT INTO invocations(id, tenant, function, symbol, mode,"
				    " state, status, attempt, exit_code, timeout_ms, created,"
				    " started, finished, duration_us, error)"
				    " SELECT $1, $2, $3, $4, 'sync', 'done', $5, 1, $6::int,"
				    " $7::bigint, $8::bigint, $8::bigint, $9::bigint, $10::bigint,"
				    " $11 WHERE EXISTS (SELECT 1 FROM tenants"
				    " WHERE name = $2) ON CONFLICT (id) DO NOTHING",
				    11, args) < 0
			 ? -1
			 : 0;
	}
	if (rc == 0 && gofn_pg_change(g, e, "commit", "COMMIT", 0, NULL) != 0)
		rc = -1;
	if (rc < 0)
		gofn_pg_rollback(g);
	gofn_pg_unlock(g);
	return rc;
}

static int pg_inv_get(gofn_store *g, const char *tenant, const char *id, gofn_inv_row *o,
		      gofn_err *e)
{
	const char *args[] = {tenant, id};

	gofn_pg_lock(g);
	PGresult *r = gofn_pg_run(g, e, "get invocation",
				  "SELECT " INV_COLS
				  ", outcome FROM invocations WHERE tenant = $1 AND id = $2",
				  2, args, NULL);
	gofn_pg_unlock(g);
	if (!r)
		return -1;
	int rc = PQntuples(r) ? 0 : 1;
	if (rc == 0) {
		take_row(r, 0, o);
		if (!PQgetisnull(r, 0, 19) && !(o->outcome = strdup(PQgetvalue(r, 0, 19))))
			rc = gofn_errf(e, GOFN_ENOMEM, "invocation: out of memory");
	}
	PQclear(r);
	return rc;
}

static int pg_inv_list(gofn_store *g, const gofn_inv_filter *f, gofn_inv_row **rows, size_t *n,
		       gofn_err *e)
{
	int by_state = f->status && (!strcmp(f->status, "queued") || !strcmp(f->status, "running"));
	char lim[24];

	snprintf(lim, sizeof lim, "%lld", (long long)f->limit);
	const char *args[] = {f->tenant, f->function, by_state ? f->status : NULL,
			      by_state ? NULL : f->status, lim};
	gofn_pg_lock(g);
	PGresult *r = gofn_pg_run(g, e, "list invocations",
				  "SELECT " INV_COLS " FROM invocations WHERE tenant = $1"
				  " AND ($2::text IS NULL OR function = $2)"
				  " AND ($3::text IS NULL OR state = $3)"
				  " AND ($4::text IS NULL OR (state = 'done' AND status = $4))"
				  " ORDER BY seq DESC LIMIT $5",
				  5, args, NULL);
	gofn_pg_unlock(g);
	if (!r)
		return -1;
	int nt = PQntuples(r);
	if (nt > 0 && !(*rows = calloc((size_t)nt, sizeof **rows))) {
		PQclear(r);
		return gofn_errf(e, GOFN_ENOMEM, "invocations: out of memory");
	}
	for (int i = 0; i < nt; i++)
		take_row(r, i, &(*rows)[i]);
	*n = (size_t)nt;
	PQclear(r);
	return 0;
}

static int pg_inv_ready(gofn_store *g, int64_t now_ms, char (**tenants)[64], size_t *n, gofn_err *e)
{
	char now[24];
	const char *arg = now;

	snprintf(now, sizeof now, "%lld", (long long)now_ms);
	gofn_pg_lock(g);
	PGresult *r = gofn_pg_run(g, e, "ready invocations",
				  "SELECT DISTINCT tenant FROM invocations WHERE state = 'queued'"
				  " OR (state = 'running' AND lease_until < $1)",
				  1, &arg, NULL);
	gofn_pg_unlock(g);
	if (!r)
		return -1;
	int nt = PQntuples(r);
	if (nt > 0 && !(*tenants = calloc((size_t)nt, sizeof **tenants))) {
		PQclear(r);
		return gofn_errf(e, GOFN_ENOMEM, "invocations: out of memory");
	}
	for (int i = 0; i < nt; i++)
		str((*tenants)[i], 64, r, i, 0);
	*n = (size_t)nt;
	PQclear(r);
	return 0;
}

static int pg_inv_claim(gofn_store *g, const char *tenant, const char *owner, int64_t now_ms,
			int64_t lease_ms, gofn_inv_row *o, gofn_err *e)
{
	char now[24], until[24];

	snprintf(now, sizeof now, "%lld", (long long)now_ms);
	snprintf(until, sizeof until, "%lld", (long long)(now_ms + lease_ms));
	const char *args[] = {tenant, owner, now, until};
	gofn_pg_lock(g);
	PGresult *r = gofn_pg_run(
	    g, e, "claim invocation",
	    "UPDATE invocations SET state = 'running', owner = $2, lease_until = $4,"
	    " attempt = attempt + 1, started = $3"
	    " WHERE seq = (SELECT seq FROM invocations WHERE tenant = $1 AND (state = 'queued'"
	    "  OR (state = 'running' AND lease_until < $3 AND owner <> $2)) ORDER BY seq LIMIT 1"
	    "  FOR UPDATE SKIP LOCKED)"
	    " RETURNING " INV_COLS ", encode(input, 'hex')",
	    4, args, NULL);
	gofn_pg_unlock(g);
	if (!r)
		return -1;
	int rc = PQntuples(r) ? 0 : 1;
	if (rc == 0) {
		take_row(r, 0, o);
		rc = unhex(PQgetvalue(r, 0, 19), &o->input, &o->input_len, e);
	}
	PQclear(r);
	return rc;
}

static int pg_inv_heartbeat(gofn_store *g, const char *owner, int64_t until_ms, gofn_err *e)
{
	char until[24];

	snprintf(until, sizeof until, "%lld", (long long)until_ms);
	const char *args[] = {owner, until};
	gofn_pg_lock(g);
	int rc = gofn_pg_change(g, e, "heartbeat",
				"UPDATE invocations SET lease_until = $2"
				" WHERE owner = $1 AND state = 'running'",
				2, args);
	gofn_pg_unlock(g);
	return rc < 0 ? -1 : 0;
}

static int pg_inv_finish(gofn_store *g, const gofn_inv_row *r, gofn_err *e)
{
	char attempt[24], code[24], dur[24], finished[24];

	snprintf(attempt, sizeof attempt, "%d", r->attempt);
	snprintf(code, sizeof code, "%d", r->exit_code);
	snprintf(dur, sizeof dur, "%lld", (long long)r->duration_us);
	snprintf(finished, sizeof finished, "%lld", (long long)r->finished_ms);
	const char *args[] = {r->id, r->owner, attempt,	   r->status, code,
			      dur,   r->error, r->outcome, finished};
	gofn_pg_lock(g);
	int rc =
	    gofn_pg_change(g, e, "finish invocation",
			   "UPDATE invocations SET state = 'done', status = $4, exit_code = $5,"
			   " duration_us = $6, error = $7, outcome = $8, finished = $9,"
			   " input = NULL, lease_until = 0"
			   " WHERE id = $1 AND owner = $2 AND attempt = $3"
			   " AND state = 'running'",
			   9, args);
	gofn_pg_unlock(g);
	return rc;
}

static int pg_inv_requeue(gofn_store *g, const char *id, const char *owner, int attempt,
			  gofn_err *e)
{
	char a[24];

	snprintf(a, sizeof a, "%d", attempt);
	const char *args[] = {id, owner, a};
	gofn_pg_lock(g);
	int rc = gofn_pg_change(g, e, "requeue invocation",
				"UPDATE invocations SET state = 'queued', owner = '',"
				" lease_until = 0, attempt = attempt - 1"
				" WHERE id = $1 AND owner = $2 AND attempt = $3"
				" AND state = 'running'",
				3, args);
	gofn_pg_unlock(g);
	return rc;
}

static int pg_inv_expire(gofn_store *g, int64_t older_than_ms, int64_t keep, gofn_err *e)
{
	char old[24], k[24];

	snprintf(old, sizeof old, "%lld", (long long)older_than_ms);
	snprintf(k, sizeof k, "%lld", (long long)keep);
	const char *args[] = {old, k};
	gofn_pg_lock(g);
	int rc = gofn_pg_change(
	    g, e, "expire invocations",
	    "DELETE FROM invocations WHERE state = 'done' AND (finished < $1 OR seq IN"
	    " (SELECT seq FROM (SELECT seq, row_number() OVER (PARTITION BY tenant, mode"
	    "  ORDER BY seq DESC) AS n FROM invocations WHERE state = 'done') t WHERE n > $2))",
	    2, args);
	gofn_pg_unlock(g);
	return rc < 0 ? -1 : 0;
}

/* Replicas share the queue: a starting replica cannot tell a dead
 * replica's rows from a live one's, so leases alone decide. */
static int pg_inv_recover(gofn_store *g, gofn_err *e)
{
	(void)g;
	(void)e;
	return 0;
}

static int pg_inv_counts(gofn_store *g, int64_t *queued, int64_t *running, gofn_err *e)
{
	gofn_pg_lock(g);
	PGresult *r = gofn_pg_run(g, e, "count invocations",
				  "SELECT state, count(*) FROM invocations"
				  " WHERE state IN ('queued', 'running') GROUP BY state",
				  0, NULL, NULL);
	gofn_pg_unlock(g);
	if (!r)
		return -1;
	for (int i = 0; i < PQntuples(r); i++)
		*(strcmp(PQgetvalue(r, i, 0), "queued") == 0 ? queued : running) = i64(r, i, 1);
	PQclear(r);
	return 0;
}

const gofn_inv_ops gofn_pg_inv_ops = {
    .schema = pg_inv_schema,
    .add = pg_inv_add,
    .record = pg_inv_record,
    .get = pg_inv_get,
    .list = pg_inv_list,
    .ready = pg_inv_ready,
    .claim = pg_inv_claim,
    .heartbeat = pg_inv_heartbeat,
    .finish = pg_inv_finish,
    .requeue = pg_inv_requeue,
    .expire = pg_inv_expire,
    .recover = pg_inv_recover,
    .counts = pg_inv_counts,
};
