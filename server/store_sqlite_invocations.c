/* Invocation rows in the SQLite store (server/store_invocations.h). One
 * gofnd per data dir, so claims never race another process; the claim is
 * still one UPDATE … RETURNING so it is atomic against this process's
 * other threads. The handle is opened with synchronous=FULL for the queue
 * (an accepted invocation survives kill -9 and power loss) and NORMAL for
 * the record of synchronous calls. */
#include <stdlib.h>
#include <string.h>

#include "server/store_sqlite_internal.h"

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS invocations("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,"
    " tenant TEXT NOT NULL REFERENCES tenants(name) ON DELETE CASCADE,"
    " function TEXT NOT NULL, symbol TEXT NOT NULL, mode TEXT NOT NULL,"
    " state TEXT NOT NULL, attempt INTEGER NOT NULL DEFAULT 0,"
    " owner TEXT NOT NULL DEFAULT '', lease_until INTEGER NOT NULL DEFAULT 0,"
    " timeout_ms INTEGER NOT NULL DEFAULT 0, profile_kinds INTEGER NOT NULL DEFAULT 0,"
    " profile_hz INTEGER NOT NULL DEFAULT 0, input BLOB, created INTEGER NOT NULL,"
    " started INTEGER NOT NULL DEFAULT 0, finished INTEGER NOT NULL DEFAULT 0,"
    " status TEXT NOT NULL DEFAULT '', exit_code INTEGER NOT NULL DEFAULT 0,"
    " duration_us INTEGER NOT NULL DEFAULT 0, error TEXT NOT NULL DEFAULT '', outcome TEXT);"
    "CREATE INDEX IF NOT EXISTS invocations_tenant ON invocations(tenant, seq);";

/* The queue's index holds the rows that are queued or running only: a
 * synchronous call's row ('done' from the start) and a finished one are
 * not in it, so the record's insert updates three B-trees instead of four
 * (a sixth of its instructions, docs/benchmarks.md). SQLite uses a partial
 * index only for a query that repeats its WHERE term (QUEUE_ROWS), so
 * every query of the queue carries it. A database made before has the
 * full index: replaced once, at open. */
#define QUEUE_ROWS "state IN ('queued', 'running')"
static const char queue_index[] =
    "CREATE INDEX invocations_state ON invocations(state, tenant, seq) WHERE " QUEUE_ROWS;

/* 1 when invocations_state is missing or not the partial one. */
static int queue_index_stale(sqlite3 *db)
{
	sqlite3_stmt *st;
	int stale = 1;

	if (sqlite3_prepare_v2(db,
			       "SELECT sql FROM sqlite_master WHERE type = 'index'"
			       " AND name = 'invocations_state'",
			       -1, &st, NULL) != SQLITE_OK)
		return 1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *sql = (const char *)sqlite3_column_text(st, 0);
		stale = !sql || !strstr(sql, " WHERE ");
	}
	sqlite3_finalize(st);
	return stale;
}

static int migrate_queue_index(sqlite3 *db)
{
	if (!queue_index_stale(db))
		return SQLITE_OK;
	int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return rc;
	/* another connection may have done it meanwhile */
	if (queue_index_stale(db) &&
	    ((rc = sqlite3_exec(db, "DROP INDEX IF EXISTS invocations_state", NULL, NULL, NULL)) !=
		 SQLITE_OK ||
	     (rc = sqlite3_exec(db, queue_index, NULL, NULL, NULL)) != SQLITE_OK)) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	return sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
}

/* The columns every row read takes, in take_row's order. */
#define INV_COLS                                                                                   \
	"id, tenant, function, symbol, mode, state, status, owner, attempt, exit_code,"            \
	" timeout_ms, profile_kinds, profile_hz, created, started, finished, lease_until,"         \
	" duration_us, error"

static int sq_inv_schema(gofn_store *g, gofn_err *e)
{
	gofn_sq_lock(g);
	int rc = sqlite3_exec(gofn_sq_db(g), schema, NULL, NULL, NULL) == SQLITE_OK &&
			 migrate_queue_index(gofn_sq_db(g)) == SQLITE_OK
		     ? 0
		     : gofn_sq_err(g, e, "invocations schema");
	gofn_sq_unlock(g);
	return rc;
}

static void text(char *dst, size_t cap, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	snprintf(dst, cap, "%s", t ? (const char *)t : "");
}

static void take_row(sqlite3_stmt *st, gofn_inv_row *r)
{
	text(r->id, sizeof r->id, st, 0);
	text(r->tenant, sizeof r->tenant, st, 1);
	text(r->function, sizeof r->function, st, 2);
	text(r->symbol, sizeof r->symbol, st, 3);
	text(r->mode, sizeof r->mode, st, 4);
	text(r->state, sizeof r->state, st, 5);
	text(r->status, sizeof r->status, st, 6);
	text(r->owner, sizeof r->owner, st, 7);
	r->attempt = sqlite3_column_int(st, 8);
	r->exit_code = sqlite3_column_int(st, 9);
	r->timeout_ms = sqlite3_column_int64(st, 10);
	r->profile_kinds = (unsigned)sqlite3_column_int64(st, 11);
	r->profile_hz = sqlite3_column_int(st, 12);
	r->created_ms = sqlite3_column_int64(st, 13);
	r->started_ms = sqlite3_column_int64(st, 14);
	r->finished_ms = sqlite3_column_int64(st, 15);
	r->lease_until_ms = sqlite3_column_int64(st, 16);
	r->duration_us = sqlite3_column_int64(st, 17);
	text(r->error, sizeof r->error, st, 18);
}

/* Column col (a BLOB or TEXT) copied into a malloc'd buffer. */
static int take_bytes(sqlite3_stmt *st, int col, uint8_t **p, size_t *n, int nul)
{
	const void *b = sqlite3_column_blob(st, col);
	size_t len = (size_t)sqlite3_column_bytes(st, col);

	*p = NULL;
	*n = 0;
	if (!b && sqlite3_column_type(st, col) == SQLITE_NULL)
		return 0;
	if (!(*p = malloc(len + (nul ? 1 : 0) + 1)))
		return -1;
	memcpy(*p, b ? b : "", len);
	(*p)[len] = 0;
	*n = len;
	return 0;
}

/* Steps a statement that changes rows: 0, 1 when it changed none or hit a
 * constraint, -1 on error. Ends it. */
static int step_change(gofn_store *g, sqlite3_stmt *st, gofn_err *e, const char *what)
{
	int rc = sqlite3_step(st);

	gofn_sq_done(g, st);
	if (rc == SQLITE_CONSTRAINT)
		return 1;
	if (rc != SQLITE_DONE)
		return gofn_sq_err(g, e, what);
	return sqlite3_changes(gofn_sq_db(g)) == 0 ? 1 : 0;
}

static int sq_inv_add(gofn_store *g, const gofn_inv_row *r, int64_t limit, gofn_err *e)
{
	gofn_sq_lock(g);
	sqlite3_stmt *st = gofn_sq_prep(
	    g,
	    "INSERT INTO invocations(id, tenant, function, symbol, mode, state, timeout_ms,"
	    " profile_kinds, profile_hz, input, created)"
	    " SELECT ?1, ?2, ?3, ?4, 'async', 'queued', ?5, ?6, ?7, ?8, ?9"
	    " WHERE (SELECT count(*) FROM invocations WHERE tenant = ?2"
	    "  AND " QUEUE_ROWS ") < ?10",
	    e);
	int rc = -1;
	if (st) {
		sqlite3_bind_text(st, 1, r->id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, r->tenant, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, r->function, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 4, r->symbol, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 5, r->timeout_ms);
		sqlite3_bind_int64(st, 6, r->profile_kinds);
		sqlite3_bind_int(st, 7, r->profile_hz);
		sqlite3_bind_blob(st, 8, r->input ? (const void *)r->input : "", (int)r->input_len,
				  SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 9, r->created_ms);
		sqlite3_bind_int64(st, 10, limit);
		int step = sqlite3_step(st);
		gofn_sq_done(g, st);
		if (step == SQLITE_CONSTRAINT)
			rc = 1;
		else if (step != SQLITE_DONE)
			rc = gofn_sq_err(g, e, "add invocation");
		else
			rc = sqlite3_changes(gofn_sq_db(g)) == 0 ? 2 : 0;
	}
	gofn_sq_unlock(g);
	return rc;
}

/* A row for a tenant deleted meanwhile fails the tenant's foreign key
 * (foreign_keys=ON on every handle, store_sqlite.c): step_change takes the
 * constraint as "not recorded" and the batch goes on. That check alone, not
 * a WHERE EXISTS on tenants as well: the second lookup was a sixth of the
 * insert's instructions (docs/benchmarks.md). */
static int record_one(gofn_store *g, const gofn_inv_row *r, gofn_err *e)
{
	sqlite3_stmt *st = gofn_sq_prep(
	    g,
	    "INSERT OR IGNORE INTO invocations(id, tenant, function, symbol, mode, state, status,"
	    " attempt, exit_code, timeout_ms, created, started, finished, duration_us, error)"
	    " VALUES (?1, ?2, ?3, ?4, 'sync', 'done', ?5, 1, ?6, ?7, ?8, ?8, ?9, ?10, ?11)",
	    e);
	if (!st)
		return -1;
	/* Not copied: r outlives the step, and gofn_sq_done clears the
	 * bindings after it. */
	sqlite3_bind_text(st, 1, r->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->tenant, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->function, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->symbol, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->status, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, r->exit_code);
	sqlite3_bind_int64(st, 7, r->timeout_ms);
	sqlite3_bind_int64(st, 8, r->created_ms);
	sqlite3_bind_int64(st, 9, r->finished_ms);
	sqlite3_bind_int64(st, 10, r->duration_us);
	sqlite3_bind_text(st, 11, r->error, -1, SQLITE_STATIC);
	return step_change(g, st, e, "record invocation") < 0 ? -1 : 0;
}

/* RECORD_CHUNK rows in one INSERT: the statement's own cost (its start,
 * AUTOINCREMENT's read and write of sqlite_sequence, its end and reset)
 * is paid once for them, not per row. A chunk that fails a foreign key (a
 * tenant deleted meanwhile: OR IGNORE does not apply to those, the whole
 * statement is undone) is written again row by row, as before. */
#define RECORD_CHUNK 16
#define RECORD_COLS  12
#define RECORD_ROW   " (?, ?, ?, ?, 'sync', 'done', ?, 1, ?, ?, ?, ?, ?, ?, ?)"
#define RECORD_ROW4  RECORD_ROW "," RECORD_ROW "," RECORD_ROW "," RECORD_ROW
static const char record_chunk_sql[] =
    "INSERT OR IGNORE INTO invocations(id, tenant, function, symbol, mode, state, status,"
    " attempt, exit_code, timeout_ms, created, started, finished, duration_us, error)"
    " VALUES" RECORD_ROW4 "," RECORD_ROW4 "," RECORD_ROW4 "," RECORD_ROW4;

/* 0, 1 when a row's foreign key failed (nothing of the chunk written), -1. */
static int record_chunk(gofn_store *g, const gofn_inv_row *rows, gofn_err *e)
{
	sqlite3_stmt *st = gofn_sq_prep(g, record_chunk_sql, e);

	if (!st)
		return -1;
	for (int i = 0; i < RECORD_CHUNK; i++) {
		const gofn_inv_row *r = &rows[i];
		int p = i * RECORD_COLS;
		/* not copied, as record_one's */
		sqlite3_bind_text(st, p + 1, r->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, p + 2, r->tenant, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, p + 3, r->function, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, p + 4, r->symbol, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, p + 5, r->status, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, p + 6, r->exit_code);
		sqlite3_bind_int64(st, p + 7, r->timeout_ms);
		sqlite3_bind_int64(st, p + 8, r->created_ms);
		sqlite3_bind_int64(st, p + 9, r->created_ms);
		sqlite3_bind_int64(st, p + 10, r->finished_ms);
		sqlite3_bind_int64(st, p + 11, r->duration_us);
		sqlite3_bind_text(st, p + 12, r->error, -1, SQLITE_STATIC);
	}
	int rc = sqlite3_step(st);
	gofn_sq_done(g, st);
	if (rc == SQLITE_CONSTRAINT)
		return 1;
	return rc == SQLITE_DONE ? 0 : gofn_sq_err(g, e, "record invocations");
}

static int sq_inv_record(gofn_store *g, const gofn_inv_row *rows, size_t n, gofn_err *e)
{
	sqlite3 *db = gofn_sq_db(g);
	int rc = 0;

	gofn_sq_lock(g);
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		rc = gofn_sq_err(g, e, "begin");
	} else {
		size_t i = 0;
		for (; i + RECORD_CHUNK <= n && rc == 0; i += RECORD_CHUNK) {
			if ((rc = record_chunk(g, &rows[i], e)) != 1)
				continue;
			rc = 0; /* a foreign key failed: row by row, that row skipped */
			for (size_t j = 0; j < RECORD_CHUNK && rc == 0; j++)
				rc = record_one(g, &rows[i + j], e);
		}
		for (; i < n && rc == 0; i++)
			rc = record_one(g, &rows[i], e);
		if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
			rc = gofn_sq_err(g, e, "commit");
		if (rc < 0)
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	}
	gofn_sq_unlock(g);
	return rc;
}

static int sq_inv_get(gofn_store *g, const char *tenant, const char *id, gofn_inv_row *r,
		      gofn_err *e)
{
	gofn_sq_lock(g);
	sqlite3_stmt *st = gofn_sq_prep(
	    g, "SELECT " INV_COLS ", outcome FROM invocations WHERE tenant = ? AND id = ?", e);
	int rc = -1;
	if (st) {
		sqlite3_bind_text(st, 1, tenant, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, id, -1, SQLITE_TRANSIENT);
		int step = sqlite3_step(st);
		if (step == SQLITE_ROW) {
			size_t n;
			take_row(st, r);
			rc = take_bytes(st, 19, (uint8_t **)&r->outcome, &n, 1) < 0
				 ? gofn_errf(e, GOFN_ENOMEM, "invocation: out of memory")
				 : 0;
		} else {
			rc = step == SQLITE_DONE ? 1 : gofn_sq_err(g, e, "get invocation");
		}
		gofn_sq_done(g, st);
	}
	gofn_sq_unlock(g);
	return rc;
}

/* Collects the rows of st (INV_COLS) into a malloc'd array; ends st. */
static int collect(gofn_store *g, sqlite3_stmt *st, gofn_inv_row **rows, size_t *n, gofn_err *e)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		gofn_inv_row *more = realloc(*rows, (*n + 1) * sizeof *more);
		if (!more) {
			gofn_sq_done(g, st);
			return gofn_errf(e, GOFN_ENOMEM, "invocations: out of memory");
		}
		*rows = more;
		memset(&more[*n], 0, sizeof *more);
		take_row(st, &more[(*n)++]);
	}
	gofn_sq_done(g, st);
	return rc == SQLITE_DONE ? 0 : gofn_sq_err(g, e, "list invocations");
}

static int sq_inv_list(gofn_store *g, const gofn_inv_filter *f, gofn_inv_row **rows, size_t *n,
		       gofn_err *e)
{
	int by_state = f->status && (!strcmp(f->status, "queued") || !strcmp(f->status, "running"));

	gofn_sq_lock(g);
	sqlite3_stmt *st = gofn_sq_prep(g,
					"SELECT " INV_COLS " FROM invocations WHERE tenant = ?1"
					" AND (?2 IS NULL OR function = ?2)"
					" AND (?3 IS NULL OR state = ?3)"
					" AND (?4 IS NULL OR (state = 'done' AND status = ?4))"
					" ORDER BY seq DESC LIMIT ?5",
					e);
	int rc = -1;
	if (st) {
		sqlite3_bind_text(st, 1, f->tenant, -1, SQLITE_TRANSIENT);
		if (f->function)
			sqlite3_bind_text(st, 2, f->function, -1, SQLITE_TRANSIENT);
		if (f->status)
			sqlite3_bind_text(st, by_state ? 3 : 4, f->status, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 5, f->limit);
		rc = collect(g, st, rows, n, e);
	}
	gofn_sq_unlock(g);
	return rc;
}

static int sq_inv_ready(gofn_store *g, int64_t now_ms, char (**tenants)[64], size_t *n, gofn_err *e)
{
	gofn_sq_lock(g);
	sqlite3_stmt *st =
	    gofn_sq_prep(g,
			 "SELECT DISTINCT tenant FROM invocations WHERE " QUEUE_ROWS
			 " AND (state = 'queued' OR (state = 'running' AND lease_until < ?1))",
			 e);
	int rc = -1;
	if (st) {
		sqlite3_bind_int64(st, 1, now_ms);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			char(*more)[64] = realloc(*tenants, (*n + 1) * sizeof *more);
			if (!more)
				break;
			*tenants = more;
			text(more[(*n)++], 64, st, 0);
		}
		gofn_sq_done(g, st);
		rc = rc == SQLITE_DONE ? 0 : gofn_sq_err(g, e, "ready invocations");
	}
	gofn_sq_unlock(g);
	return rc;
}

static int sq_inv_claim(gofn_store *g, const char *tenant, const char *owner, int64_t now_ms,
			int64_t lease_ms, gofn_inv_row *r, gofn_err *e)
{
	gofn_sq_lock(g);
	sqlite3_stmt *st = gofn_sq_prep(
	    g,
	    "UPDATE invocations SET state = 'running', owner = ?2, lease_until = ?3 + ?4,"
	    " attempt = attempt + 1, started = ?3"
	    " WHERE seq = (SELECT seq FROM invocations WHERE tenant = ?1 AND " QUEUE_ROWS
	    "  AND (state = 'queued' OR (state = 'running' AND lease_until < ?3 AND owner <> ?2))"
	    "  ORDER BY seq LIMIT 1)"
	    " RETURNING " INV_COLS ", input",
	    e);
	int rc = -1;
	if (st) {
		sqlite3_bind_text(st, 1, tenant, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, owner, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 3, now_ms);
		sqlite3_bind_int64(st, 4, lease_ms);
		int step = sqlite3_step(st);
		if (step == SQLITE_ROW) {
			take_row(st, r);
			rc = take_bytes(st, 19, &r->input, &r->input_len, 0) < 0
				 ? gofn_errf(e, GOFN_ENOMEM, "claim: out of memory")
				 : 0;
			/* The change happened at the first step; stepping to
			 * the end finishes the statement (and commits it). */
			while (step == SQLITE_ROW)
				step = sqlite3_step(st);
			if (step != SQLITE_DONE && rc == 0) {
				rc = gofn_sq_err(g, e, "claim invocation");
				gofn_inv_row_clear(r);
			}
		} else {
			rc = step == SQLITE_DONE ? 1 : gofn_sq_err(g, e, "claim invocation");
		}
		gofn_sq_done(g, st);
	}
	gofn_sq_unlock(g);
	return rc;
}

static int sq_inv_heartbeat(gofn_store *g, const char *owner, int64_t until, gofn_err *e)
{
	gofn_sq_lock(g);
	sqlite3_stmt *st =
	    gofn_sq_prep(g,
			 "UPDATE invocations SET lease_until = ?2"
			 " WHERE owner = ?1 AND " QUEUE_ROWS " AND state = 'running'",
			 e);
	int rc = -1;
	if (st) {
		sqlite3_bind_text(st, 1, owner, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 2, until);
		rc = step_change(g, st, e, "heartbeat") < 0 ? -1 : 0;
	}
	gofn_sq_unlock(g);
	return rc;
}

static int sq_inv_finish(gofn_store *g, const gofn_inv_row *r, gofn_err *e)
{
	gofn_sq_lock(g);
	sqlite3_stmt *st =
	    gofn_sq_prep(g,
			 "UPDATE invocations SET state = 'done', status = ?4, exit_code = ?5,"
			 " duration_us = ?6, error = ?7, outcome = ?8, finished = ?9,"
			 " input = NULL, lease_until = 0"
			 " WHERE id = ?1 AND owner = ?2 AND attempt = ?3 AND state = 'running'",
			 e);
	int rc = -1;
	if (st) {
		sqlite3_bind_text(st, 1, r->id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, r->owner, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 3, r->attempt);
		sqlite3_bind_text(st, 4, r->status, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 5, r->exit_code);
		sqlite3_bind_int64(st, 6, r->duration_us);
		sqlite3_bind_text(st, 7, r->error, -1, SQLITE_TRANSIENT);
		if (r->outcome)
			sqlite3_bind_text(st, 8, r->outcome, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 9, r->finished_ms);
		rc = step_change(g, st, e, "finish invocation");
	}
	gofn_sq_unlock(g);
	return rc;
}

static int sq_inv_requeue(gofn_store *g, const char *id, const char *owner, int attempt,
			  gofn_err *e)
{
	gofn_sq_lock(g);
	sqlite3_stmt *st = gofn_sq_prep(g,
					"UPDATE invocations SET state = 'queued', owner = '',"
					" lease_until = 0, attempt = attempt - 1"
					" WHERE id = ?1 AND owner = ?2 AND attempt = ?3"
					" AND state = 'running'",
					e);
	int rc = -1;
	if (st) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, owner, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 3, attempt);
		rc = step_change(g, st, e, "requeue invocation");
	}
	gofn_sq_unlock(g);
	return rc;
}

static int sq_inv_expire(gofn_store *g, int64_t older_than_ms, int64_t keep, gofn_err *e)
{
	gofn_sq_lock(g);
	sqlite3_stmt *st = gofn_sq_prep(
	    g,
	    "DELETE FROM invocations WHERE state = 'done' AND (finished < ?1 OR seq IN"
	    " (SELECT seq FROM (SELECT seq, row_number() OVER (PARTITION BY tenant, mode"
	    "  ORDER BY seq DESC) AS n FROM invocations WHERE state = 'done') WHERE n > ?2))",
	    e);
	int rc = -1;
	if (st) {
		sqlite3_bind_int64(st, 1, older_than_ms);
		sqlite3_bind_int64(st, 2, keep);
		rc = step_change(g, st, e, "expire invocations") < 0 ? -1 : 0;
	}
	gofn_sq_unlock(g);
	return rc;
}

static int sq_inv_recover(gofn_store *g, gofn_err *e)
{
	gofn_sq_lock(g);
	sqlite3_stmt *st = gofn_sq_prep(
	    g, "UPDATE invocations SET lease_until = 0 WHERE " QUEUE_ROWS " AND state = 'running'",
	    e);
	int rc = st ? (step_change(g, st, e, "recover invocations") < 0 ? -1 : 0) : -1;
	gofn_sq_unlock(g);
	return rc;
}

static int sq_inv_counts(gofn_store *g, int64_t *queued, int64_t *running, gofn_err *e)
{
	gofn_sq_lock(g);
	sqlite3_stmt *st = gofn_sq_prep(g,
					"SELECT state, count(*) FROM invocations"
					" WHERE " QUEUE_ROWS " GROUP BY state",
					e);
	int rc = -1;
	if (st) {
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *state = (const char *)sqlite3_column_text(st, 0);
			int64_t *into = state && !strcmp(state, "queued") ? queued : running;
			*into = sqlite3_column_int64(st, 1);
		}
		gofn_sq_done(g, st);
		rc = rc == SQLITE_DONE ? 0 : gofn_sq_err(g, e, "count invocations");
	}
	gofn_sq_unlock(g);
	return rc;
}

const gofn_inv_ops gofn_sqlite_inv_ops = {
    .schema = sq_inv_schema,
    .add = sq_inv_add,
    .record = sq_inv_record,
    .get = sq_inv_get,
    .list = sq_inv_list,
    .ready = sq_inv_ready,
    .claim = sq_inv_claim,
    .heartbeat = sq_inv_heartbeat,
    .finish = sq_inv_finish,
    .requeue = sq_inv_requeue,
    .expire = sq_inv_expire,
    .recover = sq_inv_recover,
    .counts = sq_inv_counts,
};
