/* The watch over idle pooled workers (server/pool.c runs a tick every
 * GOFN_IDLE_TICK_MS over each one). An idle worker has no call to serve, so
 * any CPU it burns is taken from other tenants (goroutines left spinning
 * after a call returned), any memory it grows is unpaid, and a dead one is
 * a zombie holding a pool slot. */
#ifndef GOFN_SERVER_POOL_IDLE_H
#define GOFN_SERVER_POOL_IDLE_H

#include <jansson.h>
#include <stdint.h>

#include "server/config.h"
#include "server/worker.h"

#define GOFN_IDLE_TICK_MS 250

typedef struct gofn_idle_finding {
	const char *event; /* the log event naming what was found */
	json_int_t value;  /* CPU ms or RSS bytes, 0 for a lost worker */
} gofn_idle_finding;

/* 1 if w should leave the pool now: it exited (or speaks out of turn), it
 * used more than cfg.idle_cpu_ms of CPU since it went idle, or, without a
 * cgroup, its RSS passed the worker memory limit; f says which. w may be a
 * copy read outside the pool's mutex, so nothing is logged here: the pool
 * logs (gofn_idle_note) once it has taken the worker out. This full check
 * costs a poll() and a CPU clock read: the watch below runs it only on a
 * worker something happened to. */
int gofn_idle_misbehaves(const gofn_config *c, const gofn_worker *w, gofn_idle_finding *f);
void gofn_idle_note(const char *tenant, const gofn_worker *w, const gofn_idle_finding *f);

/* The same findings at a cost that follows events, not idle workers
 * (server/pool_idle.c): each worker's control socket and pidfd are watched
 * with epoll (readable: it spoke or exited) and its CPU with a POSIX CPU
 * timer that fires once it has used cfg.idle_cpu_ms since its baseline, so
 * a tick checks a worker fully only the first time it sees it, and then
 * when one of those fired; a worker that cannot be watched so is checked
 * fully on every tick, as before. Made and used by one thread (the timers
 * signal that thread alone). */
typedef struct gofn_idle_watch gofn_idle_watch;

gofn_idle_watch *gofn_idle_watch_new(void);
void gofn_idle_watch_free(gofn_idle_watch *iw);
/* A tick: collects what fired since the last one. */
void gofn_idle_watch_begin(gofn_idle_watch *iw);
/* gofn_idle_misbehaves for w (a copy of an idle worker) within a tick. */
int gofn_idle_watch_check(gofn_idle_watch *iw, const gofn_config *c, const gofn_worker *w,
			  gofn_idle_finding *f);
/* Ends a tick: forgets the workers not seen idle for a while. */
void gofn_idle_watch_end(gofn_idle_watch *iw);
/* Full checks (gofn_idle_misbehaves) made so far: what the watch cost. */
uint64_t gofn_idle_watch_full_checks(const gofn_idle_watch *iw);

#endif
