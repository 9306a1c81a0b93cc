/* Asynchronous invocations (issue 18): POST /invoke/{symbol}?async=1 is
 * answered 202 once its row is durably in the store's queue
 * (server/store_invocations.h); threads of gofnd run it later.
 *
 * - A dispatcher finds tenants with claimable rows and claims one row at a
 *   time for a free runner, for a tenant below its async share of workers
 *   (--async-workers, default --workers - 1, at least 1) and only while no
 *   synchronous call of that tenant waits for a worker: sync has priority,
 *   and async never holds all of a tenant's workers when it has several.
 * - --async-runners runner threads each run one claimed invocation through
 *   the same worker pool as synchronous calls (gofn_exec_worker) and store
 *   the outcome JSON. A worker that crashes is that invocation's outcome
 *   (status exit, killed, …), never a retry.
 * - A heartbeat renews this gofnd's claims every lease/3. When gofnd dies
 *   (kill -9, power loss), its claims lapse after --async-lease-ms and the
 *   rows run again, with attempt + 1: at least once. With SQLite (one gofnd
 *   per data dir) a starting gofnd lapses every claim at once.
 * - The record of synchronous calls is written in batches by a recorder
 *   thread, off the request path; a call reserves its record before it
 *   runs, so an id in a reply is never dropped (gofn_async_reserve).
 * - Finished rows older than --result-ttl, or past the newest
 *   --result-keep per tenant (async and sync separately), are deleted. */
#ifndef GOFN_SERVER_ASYNC_H
#define GOFN_SERVER_ASYNC_H

#include "server/server.h"
#include "server/store_invocations.h"
#include "server/worker.h"

typedef struct gofn_async gofn_async;

/* Opens its store handles, lapses stale SQLite claims, starts the threads. */
int gofn_async_start(gofn_server *s, const char *sqlite_path, gofn_async **out, gofn_err *e);
/* Stops taking work, waits (grace) for running invocations, writes the
 * last records; what is still queued stays queued in the store. */
void gofn_async_stop(gofn_async *a, int64_t grace_ms);

/* Queues r (id and created_ms are filled in): 0 once durable, 2 if the
 * tenant's queue is full, -1 on error. */
int gofn_async_submit(gofn_async *a, gofn_inv_row *r, gofn_err *e);
/* Reserves the record of a synchronous call before it runs: 0, or -1
 * (GOFN_EAGAIN) when the recorder still holds MAX_PENDING_RECORDS at
 * deadline_ms (gofn_now_ms clock): its store is behind, and the call must
 * not run, since its id could not be kept. Every 0 is followed by exactly
 * one gofn_async_note_sync (the call ran) or gofn_async_unreserve. */
int gofn_async_reserve(gofn_async *a, int64_t deadline_ms, gofn_err *e);
void gofn_async_unreserve(gofn_async *a);
/* Records a finished synchronous invocation (its outcome, not its output)
 * in the slot it reserved; the recorder writes it within 200 ms, retrying
 * a store that fails. */
void gofn_async_note_sync(gofn_async *a, const char *inv, const char *tenant, uint64_t epoch,
			  const char *function, const char *symbol, int64_t timeout_ms,
			  const gofn_outcome *o);
/* A deleted tenant's name can be given to a new tenant at once, while
 * calls of the old one still run and their records wait in memory: those
 * must never become the new tenant's. A request reads the count of
 * deletions before its token names its tenant (server/http.c) and hands
 * it to gofn_async_note_sync; gofn_tenant_remove calls
 * gofn_async_forget_tenant once the tenant is deleted from the store,
 * which drops its waiting records, waits for a batch holding some to be
 * written, and refuses the record of any call that read an older count
 * (for the longest timeout and a minute). A tenant re-created under the
 * name within that deletion may lose a record of a call that raced it:
 * lost, never shown to the wrong tenant. */
uint64_t gofn_async_epoch(gofn_async *a);
void gofn_async_forget_tenant(gofn_async *a, const char *tenant);
/* The records of synchronous calls the recorder still holds in memory,
 * waiting or being written, for GET /invocations (h_invocations.c) to
 * answer an id at once, not ~200 ms after its reply: each is copied under
 * the recorder's lock, as the store will return it once written (mode
 * sync, state done, attempt 1). Only the tenant's own rows match. Read
 * these before the store: a row leaves memory only after its batch is
 * committed, so an id is always in one or the other (or briefly both).
 * gofn_async_held_get: 1 with *r (nothing to free), 0 if not held. */
int gofn_async_held_get(gofn_async *a, const char *tenant, const char *id, gofn_inv_row *r);
/* The tenant's held records matching f (function, status), newest first,
 * at most f->limit (free with gofn_inv_rows_free). They will be written
 * after every row the store holds now, so a list, newest first by
 * insertion like the store's, puts them first. */
int gofn_async_held_list(gofn_async *a, const gofn_inv_filter *f, gofn_inv_row **rows, size_t *n,
			 gofn_err *e);
/* Records held now: reserved, waiting, being written (tests wait on 0). */
size_t gofn_async_records_held(gofn_async *a);
/* The handle the /invocations routes read. */
gofn_store *gofn_async_store(gofn_async *a);

/* Milliseconds since the epoch (rows are compared across replicas). */
int64_t gofn_wall_ms(void);

#endif
