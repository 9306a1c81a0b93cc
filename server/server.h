/* gofnd's process-wide state and its lifecycle.
 *
 * HTTP: libmicrohttpd with a thread per connection (MHD_USE_THREAD_PER_CONNECTION
 * | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL), because an invocation
 * blocks its handler for as long as tenant code runs; --max-connections
 * bounds the threads. Handlers run in that thread: auth -> route -> store /
 * pool -> one JSON reply. Shutdown (SIGTERM): refuse new requests with 503,
 * stop accepting, let running ones finish within the grace period, then
 * kill the workers and exit 0. */
#ifndef GOFN_SERVER_SERVER_H
#define GOFN_SERVER_SERVER_H

#include <stdatomic.h>

#include "common/clock.h"
#include "common/err.h"
#include "server/config.h"
#include "server/metrics.h"
#include "server/pool.h"
#include "server/store.h"

struct MHD_Daemon;

typedef struct gofn_server {
	gofn_config cfg;
	gofn_store *store;
	gofn_pool *pool;
	gofn_metrics *metrics;
	struct gofn_profiles *profiles; /* server/profiles.h */
	struct gofn_async *async;	/* server/async.h */
	struct gofn_prepared *prepared; /* server/prepared.h; NULL: off */
	char admin_sha256[GOFN_SHA256_HEX];
	int confined;		/* workers spawned through the sandbox */
	unsigned layers;	/* GOFN_LAYER_* the probe worker got */
	char sandbox_note[512]; /* why workers are unconfined, if they are */
	struct MHD_Daemon *mhd;
	struct gofn_guard *guard; /* request deadlines (server/http_guard.h) */
	int bound_port;
	atomic_int shutting_down;
	atomic_int active;	/* requests inside a handler */
	atomic_size_t inflight; /* body bytes buffered now (cfg.max_inflight) */
} gofn_server;

/* Opens the data dir, store and admin token, then listens. */
int gofn_server_start(gofn_server *s, gofn_err *e);
/* Graceful stop: 503 for new requests, drain, kill workers. */
void gofn_server_stop(gofn_server *s);

#endif
