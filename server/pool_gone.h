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
 * The epoll_ctl calls run outside gofn_pool.mu (at c=64 nearly every call
 * waits, and two system calls under the pool's one mutex held up every
 * acquire and release); the list of watched callers, under it. */
#ifndef GOFN_SERVER_POOL_GONE_H
#define GOFN_SERVER_POOL_GONE_H

#include <stdint.h>

#include "server/pool_internal.h"
#include "server/pool_wait.h"

#define GOFN_GONE_AFTER_MS 0 /* a caller is watched from the start of its wait */

/* The watch thread (and its epoll); without one, calls are not watched. */
void gofn_gone_start(struct gofn_pool *p);
void gofn_gone_stop(struct gofn_pool *p);
int gofn_gone_on(const struct gofn_pool *p);

/* Under the mutex: w, a caller about to wait, joins the watched list (an
 * event for it marks it gone from now on), and leaves it. */
void gofn_gone_watch(struct gofn_pool *p, gofn_waiter *w);
void gofn_gone_forget(struct gofn_pool *p, gofn_waiter *w);

/* Outside the mutex: adds w's client connection fd to the epoll (1), or
 * not (0: it then waits until its deadline, as before the watch); and
 * takes it out again. A connection already closed is seen at once. */
int gofn_gone_add(struct gofn_pool *p, const gofn_waiter *w, int fd);
void gofn_gone_del(struct gofn_pool *p, int fd);

#endif
