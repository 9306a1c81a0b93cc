/* The watch over idle pooled workers (server/pool.c calls it every
 * GOFN_IDLE_TICK_MS for each one). An idle worker has no call to serve, so
 * any CPU it burns is taken from other tenants (goroutines left spinning
 * after a call returned), any memory it grows is unpaid, and a dead one is
 * a zombie holding a pool slot. */
#ifndef GOFN_SERVER_POOL_IDLE_H
#define GOFN_SERVER_POOL_IDLE_H

#include "server/config.h"
#include "server/worker.h"

#define GOFN_IDLE_TICK_MS 250

/* 1 if w should leave the pool now: it exited (or speaks out of turn), it
 * used more than cfg.idle_cpu_ms of CPU since it went idle, or, without a
 * cgroup, its RSS passed the worker memory limit. Logs which. */
int gofn_idle_misbehaves(const gofn_config *c, const char *tenant, gofn_worker *w);

#endif
