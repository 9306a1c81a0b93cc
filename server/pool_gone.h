/* Callers queued in the pool whose client gives up. A client that timed
 * out closes its connection and, like wrk, often sends the call again on a
 * new one; a queue that kept the first call would start a worker for
 * nobody, and under a storm of cold starts gofnd went on starting workers
 * for calls whose clients had long gone (docs/benchmarks.md, "1,000
 * tenants: cold-start storms"). One thread watches the connections of the
 * callers that wait (epoll, EPOLLRDHUP: the peer closed or shut down its
 * sending side) and ends their wait. An HTTP/1.1 client does not half-close
 * while it waits for an answer; one that does is taken as gone, as a proxy
 * would (nginx answers such a client 499 and drops the upstream request).
 * gofn_gone_watch and gofn_gone_unwatch run under gofn_pool.mu. */
#ifndef GOFN_SERVER_POOL_GONE_H
#define GOFN_SERVER_POOL_GONE_H

#include <stdint.h>

#include "server/pool_internal.h"

/* One waiting caller, on its stack. */
typedef struct gofn_waiter {
	uint64_t id; /* the epoll event's key: never a pointer a late event could follow */
	int fd;	     /* its client's connection, -1: not watched */
	int gone;    /* set by the watch thread */
	tenant_pool *t;
	struct gofn_waiter *next, **pprev;
} gofn_waiter;

/* The watch thread (and its epoll); without one, calls are not watched. */
void gofn_gone_start(struct gofn_pool *p);
void gofn_gone_stop(struct gofn_pool *p);

/* Watches fd for w, a caller of t about to wait; nothing when fd < 0 or the
 * watch is off. A connection already closed is seen at once. */
void gofn_gone_watch(struct gofn_pool *p, gofn_waiter *w, tenant_pool *t, int fd);
/* w leaves: no event names it from now on. */
void gofn_gone_unwatch(struct gofn_pool *p, gofn_waiter *w);

#endif
