/* A warm call without a thread blocked for it (issue 16, docs/benchmarks.md
 * "The relay floor, event-driven"). gofn_evcall_start takes a warm idle
 * worker of the tenant without waiting and sends the INVOKE non-blocking,
 * or, with every worker of the tenant busy at its limit, queues the call in
 * the pool (gofn_pool_try): the thread that releases a worker sends it.
 * One reactor thread, in epoll_wait over the control sockets of the workers
 * with a call in flight, reads each RESULT into the call's own buffer
 * (partial frames kept, bounded as worker.c bounds them), decodes it with
 * worker.c's rules, releases the worker and calls done. Deadlines, the
 * per-call CPU/RSS watch (server/callwatch.h), the queue's timeout and a
 * queued call's client hanging up come from its timer. Everything that
 * blocks (a death: kill, reap, output; a cold start; a worker found dead
 * as its INVOKE went out) runs on gofn_offload_run's threads, never on
 * the reactor. */
#ifndef GOFN_SERVER_REACTOR_H
#define GOFN_SERVER_REACTOR_H

#include <stddef.h>
#include <stdint.h>

#include "api/frame.h"
#include "server/exec.h"
#include "server/pool.h"
#include "server/server.h"
#include "server/worker.h"

typedef struct gofn_evcall gofn_evcall;
struct gofn_evcall {
	/* The caller's, set before gofn_evcall_start and kept until done. */
	gofn_server *s;
	const char *tenant;
	const gofn_function *f;
	const char *sym;
	const uint8_t *in;
	size_t inlen;
	int64_t timeout_ms;
	int client_fd;		      /* -1: none to watch while queued */
	void (*done)(gofn_evcall *c); /* once, from any thread; must not block */
	/* The answer: x, and with GOFN_EXEC_OK the outcome in o (its worker
	 * already released). */
	enum gofn_exec x;
	gofn_outcome o;
	/* The reactor's. */
	gofn_evwait wait;
	int64_t queue_deadline_ms, queued_ms, deadline_ms, t0_us;
	gofn_worker *w;
	gofn_fbuf req;
	size_t sent;
	int sending; /* the INVOKE is partly out: the reactor sends the rest */
	uint8_t head[GOFN_FRAME_HDR + 4096];
	size_t have, max;
	gofn_frame reply;
	gofn_callwatch cw;
	enum gofn_call_end end;
	int state;
	gofn_evcall *prev, *next;
};

/* 1: started, done will be called; 0: not for this path (a cold start,
 * another tenant's turn for the budget): nothing was taken, the caller
 * makes the call the blocking way; -1: refused now, c->x says why. */
int gofn_evcall_start(gofn_evcall *c);

/* Blocking work off the reactor and off MHD's threads (server/http.h's
 * gofn_offload_run once it exists). */
int gofn_evcall_offload(void (*fn)(void *arg), void *arg);

#endif
