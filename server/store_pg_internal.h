/* What store_pg.c lends the files that add tables to the PostgreSQL store
 * (store_pg_invocations.c): its session under its mutex (re-opened when
 * the server dropped it) and its statement runners. Callers hold
 * gofn_pg_lock for a whole call. */
#ifndef GOFN_SERVER_STORE_PG_INTERNAL_H
#define GOFN_SERVER_STORE_PG_INTERNAL_H

#include <libpq-fe.h>

#include "server/store_impl.h"

PGconn *gofn_pg_conn(gofn_store *g);
void gofn_pg_lock(gofn_store *g);
void gofn_pg_unlock(gofn_store *g);
/* sql with n text parameters: the result, or NULL with e set (database
 * down: GOFN_EUNAVAIL) and *state the SQLSTATE when state is given. */
PGresult *gofn_pg_run(gofn_store *g, gofn_err *e, const char *what, const char *sql, int n,
		      const char *const *params, char state[6]);
/* A statement without rows: 0, 1 when it changed nothing or hit a unique
 * constraint, -1 on error. */
int gofn_pg_change(gofn_store *g, gofn_err *e, const char *what, const char *sql, int n,
		   const char *const *params);
/* Ends a failed transaction. */
void gofn_pg_rollback(gofn_store *g);

#endif
