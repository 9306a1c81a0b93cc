/* Getting a worker that holds a stored function: warm from the pool, or
 * spawned and loaded from DATA/objects now. */
#ifndef GOFN_SERVER_EXEC_H
#define GOFN_SERVER_EXEC_H

#include "server/server.h"
#include "server/worker.h"

enum gofn_exec {
	GOFN_EXEC_OK,
	GOFN_EXEC_QUEUE_FULL,
	GOFN_EXEC_QUEUE_TIMEOUT,
	GOFN_EXEC_SHUTDOWN,
	GOFN_EXEC_FAILED,      /* could not start or load: o->error says why */
	GOFN_EXEC_CLIENT_GONE, /* the client closed its connection while the call waited */
};

enum gofn_exec gofn_exec_worker(gofn_server *s, const char *tenant, const gofn_function *f,
				int64_t deadline_ms, gofn_worker **w, gofn_outcome *o);
/* The same for a call whose client is on connection client_fd: it leaves
 * the queue when that closes (gofn_pool_acquire_for). */
enum gofn_exec gofn_exec_worker_for(gofn_server *s, const char *tenant, const gofn_function *f,
				    int64_t deadline_ms, int client_fd, gofn_worker **w,
				    gofn_outcome *o);
/* Makes the call on *w (gofn_exec_worker*'s). A worker found gone as the
 * INVOKE went out (it died while idle: o->undelivered) is replaced in its
 * slot by a fresh one, which makes the call. If none can start, *w is
 * NULL, the slot is released, and o says why (status killed): the caller
 * then has no worker to release. */
void gofn_exec_invoke(gofn_server *s, const char *tenant, const gofn_function *f, gofn_worker **w,
		      const char *sym, const uint8_t *in, size_t inlen, int64_t timeout_ms,
		      unsigned prof_kinds, int prof_hz, gofn_outcome *o);
/* The error of a result other than GOFN_EXEC_OK (o: its outcome). -1. */
int gofn_exec_refusal(enum gofn_exec x, const gofn_outcome *o, gofn_err *e);

/* Spawns a worker for a pool slot, the one for go_version's release
 * (server/runtimes.h), running as tenant's host uid; counts it. */
int gofn_exec_spawn(gofn_server *s, const char *tenant, const char *go_version, gofn_worker **w,
		    gofn_err *e);

#endif
