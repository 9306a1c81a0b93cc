/* What store_sqlite.c lends the files that add tables to the SQLite store
 * (store_sqlite_invocations.c): its connection, its statement cache and
 * its error mapping. Callers hold gofn_sq_lock for a whole call. */
#ifndef GOFN_SERVER_STORE_SQLITE_INTERNAL_H
#define GOFN_SERVER_STORE_SQLITE_INTERNAL_H

#include <sqlite3.h>

#include "server/store_impl.h"

sqlite3 *gofn_sq_db(gofn_store *g);
void gofn_sq_lock(gofn_store *g);
void gofn_sq_unlock(gofn_store *g);
/* The cached prepared statement for sql (a string literal: the cache is
 * keyed by its address), or NULL with e set. End it with gofn_sq_done. */
sqlite3_stmt *gofn_sq_prep(gofn_store *g, const char *sql, gofn_err *e);
void gofn_sq_done(gofn_store *g, sqlite3_stmt *st);
/* e from the connection's last error (busy: GOFN_EUNAVAIL, full:
 * GOFN_ENOSPACE); returns -1. */
int gofn_sq_err(gofn_store *g, gofn_err *e, const char *what);

#endif
