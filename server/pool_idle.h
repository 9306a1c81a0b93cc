/* The watch over idle pooled workers (server/pool.c calls it every
 * GOFN_IDLE_TICK_MS for each one). An idle worker has no call to serve, so
 * any CPU it burns is taken from other tenants (goroutines left spinning
 * after a call returned), any memory it grows is unpaid, and a dead one is
 * a zombie holding a pool slot. */
#ifndef GOFN_SERVER_POOL_IDLE_H
#define GOFN_SERVER_POOL_IDLE_H

#include <jansson.h>

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
 * logs (gofn_idle_note) once it has taken the worker out. */
int gofn_idle_misbehaves(const gofn_config *c, const gofn_worker *w, gofn_idle_finding *f);
void gofn_idle_note(const char *tenant, const gofn_worker *w, const gofn_idle_finding *f);

#endif
