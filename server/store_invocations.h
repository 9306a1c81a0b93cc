/* Invocation rows (issue 18): the durable queue of asynchronous
 * invocations and the record of recent synchronous ones, in table
 * `invocations` of the same store (SQLite: DATA/gofn.db, PostgreSQL: the
 * shared database), behind the backends' ops table (store_impl.h: .inv).
 *
 * A row's life: an async invocation is added `queued` (with its input) and
 * committed durably before the client hears 202; a replica claims it
 * (`running`, owner = that replica, attempt + 1, lease_until = now + the
 * lease) and keeps the lease alive while it runs; `done` with the outcome
 * JSON when it ends. A row whose lease expired while `running` (its gofnd
 * died) is claimable again: at-least-once. A synchronous invocation is
 * added already `done`, with its outcome but not its output.
 *
 * Times are milliseconds since the epoch (CLOCK_REALTIME): replicas compare
 * leases written by each other, so their clocks must agree to well within
 * a lease. */
#ifndef GOFN_SERVER_STORE_INVOCATIONS_H
#define GOFN_SERVER_STORE_INVOCATIONS_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "server/config.h"

typedef struct gofn_store gofn_store;

typedef struct gofn_inv_row {
	char id[40];
	char tenant[64];
	char function[40];
	char symbol[1088];
	char mode[8];	 /* "async" or "sync" */
	char state[12];	 /* "queued", "running", "done" */
	char status[24]; /* done: the outcome's status (ok, error, …, failed) */
	char owner[40];	 /* running: the replica holding the lease */
	int attempt;	 /* how many times it was started */
	int exit_code;
	int64_t timeout_ms;
	unsigned profile_kinds;
	int profile_hz;
	int64_t created_ms, started_ms, finished_ms, lease_until_ms;
	int64_t duration_us;
	char error[1024];
	uint8_t *input; /* async, until done: the request body (malloc'd) */
	size_t input_len;
	char *outcome; /* done async: the JSON a synchronous call returns (malloc'd) */
} gofn_inv_row;

/* Frees input and outcome. */
void gofn_inv_row_clear(gofn_inv_row *r);
void gofn_inv_rows_free(gofn_inv_row *rows, size_t n);

typedef struct gofn_inv_filter {
	const char *tenant;
	const char *function; /* NULL: any */
	const char *status;   /* NULL: any; queued, running, or a final status */
	int64_t limit;
} gofn_inv_filter;

/* What the backends implement (store_sqlite_invocations.c,
 * store_pg_invocations.c). Return conventions as below. */
typedef struct gofn_inv_ops {
	int (*schema)(gofn_store *s, gofn_err *e);
	int (*add)(gofn_store *s, const gofn_inv_row *r, int64_t queue_limit, gofn_err *e);
	int (*record)(gofn_store *s, const gofn_inv_row *rows, size_t n, gofn_err *e);
	int (*get)(gofn_store *s, const char *tenant, const char *id, gofn_inv_row *r, gofn_err *e);
	int (*list)(gofn_store *s, const gofn_inv_filter *f, gofn_inv_row **rows, size_t *n,
		    gofn_err *e);
	int (*ready)(gofn_store *s, int64_t now_ms, char (**tenants)[64], size_t *n, gofn_err *e);
	int (*claim)(gofn_store *s, const char *tenant, const char *owner, int64_t now_ms,
		     int64_t lease_ms, gofn_inv_row *r, gofn_err *e);
	int (*heartbeat)(gofn_store *s, const char *owner, int64_t lease_until_ms, gofn_err *e);
	int (*finish)(gofn_store *s, const gofn_inv_row *r, gofn_err *e);
	int (*requeue)(gofn_store *s, const char *id, const char *owner, int attempt, gofn_err *e);
	int (*expire)(gofn_store *s, int64_t older_than_ms, int64_t keep, gofn_err *e);
	int (*recover)(gofn_store *s, gofn_err *e);
	int (*counts)(gofn_store *s, int64_t *queued, int64_t *running, gofn_err *e);
} gofn_inv_ops;

/* Opens a store handle of its own for invocation rows (its own SQLite
 * connection or PostgreSQL session, so a runner's fsync or a claim never
 * waits behind a request's query) and makes sure the table exists.
 * relaxed: for the record of synchronous invocations, where losing the
 * newest rows to a power cut is acceptable (SQLite synchronous=NORMAL;
 * PostgreSQL commits those batches with synchronous_commit off). */
int gofn_store_inv_open(const gofn_config *cfg, const char *sqlite_path, int relaxed,
			gofn_store **out, gofn_err *e);

/* Creates the table on an open handle if it is missing (what
 * gofn_store_inv_open does after opening). */
int gofn_store_inv_setup(gofn_store *s, gofn_err *e);
/* Adds a queued async row (r->input) unless the tenant already has
 * queue_limit rows queued or running: 0, 1 if the id exists, 2 if full. */
int gofn_store_inv_add(gofn_store *s, const gofn_inv_row *r, int64_t queue_limit, gofn_err *e);
/* Adds finished synchronous rows in one transaction (rows of a tenant
 * deleted meanwhile are skipped). */
int gofn_store_inv_record(gofn_store *s, const gofn_inv_row *rows, size_t n, gofn_err *e);
/* 0 with *r (free with gofn_inv_row_clear), 1 if the tenant has no such row. */
int gofn_store_inv_get(gofn_store *s, const char *tenant, const char *id, gofn_inv_row *r,
		       gofn_err *e);
/* The tenant's rows newest first, without input or outcome. */
int gofn_store_inv_list(gofn_store *s, const gofn_inv_filter *f, gofn_inv_row **rows, size_t *n,
			gofn_err *e);
/* Tenants with a claimable row (queued, or running with an expired lease). */
int gofn_store_inv_ready(gofn_store *s, int64_t now_ms, char (**tenants)[64], size_t *n,
			 gofn_err *e);
/* Claims the tenant's oldest claimable row for owner (rows another
 * claimer holds locked are skipped, and so are owner's own rows whose
 * lease lapsed: owner is still running those, only late renewing them):
 * 0 with *r (input included), 1 if none. */
int gofn_store_inv_claim(gofn_store *s, const char *tenant, const char *owner, int64_t now_ms,
			 int64_t lease_ms, gofn_inv_row *r, gofn_err *e);
/* Extends the lease of every row owner is running. */
int gofn_store_inv_heartbeat(gofn_store *s, const char *owner, int64_t lease_until_ms, gofn_err *e);
/* Marks r (id, owner, attempt) done with its status, exit_code,
 * duration_us, error, outcome, finished_ms: 0, or 1 if the claim was lost
 * (the lease expired and another claimer took the row). */
int gofn_store_inv_finish(gofn_store *s, const gofn_inv_row *r, gofn_err *e);
/* Gives a claimed row back unrun (attempt restored): 0, or 1 if not ours. */
int gofn_store_inv_requeue(gofn_store *s, const char *id, const char *owner, int attempt,
			   gofn_err *e);
/* Deletes done rows finished before older_than_ms, and past the newest
 * `keep` per tenant and mode. */
int gofn_store_inv_expire(gofn_store *s, int64_t older_than_ms, int64_t keep, gofn_err *e);
/* Expires every running row's lease (one gofnd per SQLite data dir: at its
 * start, whatever was running belonged to a process that is gone). */
int gofn_store_inv_recover(gofn_store *s, gofn_err *e);
/* Rows queued and running, all tenants. */
int gofn_store_inv_counts(gofn_store *s, int64_t *queued, int64_t *running, gofn_err *e);

#endif
