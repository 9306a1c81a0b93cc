/* The callers waiting in gofn_pool_acquire, one queue per tenant in
 * arrival order, each with a wake object of its own. A worker released
 * while one of them waits for its function is handed to the first such
 * caller directly (gofn_wait_hand): the releaser does the caller's
 * bookkeeping under gofn_pool.mu and wakes it after unlocking, and the
 * caller returns with the worker without taking the mutex again. With one
 * condition variable per tenant, signalled under the mutex, each of 64
 * connection threads waiting for 4 workers woke only to block on the mutex
 * the releaser still held: about 3.5 futex calls and 3.9 context switches
 * per request at c=64 (docs/benchmarks.md, "Warm path at c=64").
 *
 * The wake object is a semaphore on the caller's stack. A waker commits to
 * a post under the mutex (`posted`); a caller leaves acquire only after it
 * has consumed every post committed to it, so no post ever lands on a
 * stack frame that is gone, whatever ended the wait (a hand-off, a
 * timeout, its client leaving, shutdown). glibc's sem_post touches nothing
 * of the semaphore after the increment that sem_wait consumes (glibc bug
 * 12674), so the last post may still be in its futex wake when the caller
 * returns. Every function here runs under gofn_pool.mu, except where said. */
#ifndef GOFN_SERVER_POOL_WAIT_H
#define GOFN_SERVER_POOL_WAIT_H

#include <semaphore.h>
#include <stdatomic.h>
#include <stdint.h>

#include "server/pool_internal.h"

enum gofn_wait_state {
	GOFN_WAIT_ASLEEP, /* nothing for it yet */
	GOFN_WAIT_WOKEN,  /* something changed: it looks again under the mutex */
	GOFN_WAIT_HANDED, /* `handed` is its worker; it has left every list */
};

/* One waiting caller, on its stack. */
typedef struct gofn_waiter {
	tenant_pool *t;
	const char *function;
	struct gofn_waiter *qprev, *qnext; /* t's queue; in_queue while on it */
	int in_queue;
	int budget;	     /* on the budget queue (gofn_budget_join) */
	_Atomic int state;   /* enum gofn_wait_state; read without the mutex once posted */
	gofn_worker *handed; /* GOFN_WAIT_HANDED: the worker, with budget bookkeeping done */
	sem_t sem;
	int posted;   /* posts committed to sem, under the mutex */
	int consumed; /* posts the caller took; the caller's own */
	/* The client-gone watch (server/pool_gone.h). */
	uint64_t id;			     /* the epoll event's key: never a pointer */
	int gone;			     /* its client left; set by the watch thread */
	int watched;			     /* on the pool's list of watched callers */
	struct gofn_waiter *gnext, **gpprev; /* that list */
} gofn_waiter;

void gofn_wait_init(gofn_waiter *w, tenant_pool *t, const char *function);
/* Not under the mutex, once w is on no list: consumes the posts still due
 * (a hand-off's comes after the releaser unlocked), then frees the
 * semaphore. */
void gofn_wait_fini(gofn_waiter *w);
/* Under the mutex, before w sleeps again: consumes the wakes posted to it
 * meanwhile (posted under the mutex, so none of these blocks). */
void gofn_wait_settle(gofn_waiter *w);

/* w joins the back of its tenant's queue (counted in t->waiting), or
 * leaves it. */
void gofn_wait_enqueue(gofn_waiter *w);
void gofn_wait_dequeue(gofn_waiter *w);

/* Not under the mutex: sleeps until a post or until_ms. Returns 1 when a
 * post was consumed, 0 at until_ms. */
int gofn_wait_sleep(gofn_waiter *w, int64_t until_ms);

/* Wakes w to look again (once per sleep; nothing if it is awake). */
void gofn_wait_wake(gofn_waiter *w);
/* Wakes the first sleeping caller of t (every one: gofn_wait_wake_all). */
void gofn_wait_wake_one(tenant_pool *t);

/* The first caller of t waiting for function whose client is still there,
 * or NULL. */
gofn_waiter *gofn_wait_first_for(tenant_pool *t, const char *function);
/* Hands worker to w: w leaves t's queue, the budget queue and the
 * client-gone list, and is woken. Returns 1 when the caller of this must
 * post w->sem after unlocking the mutex (w was asleep; a woken w finds the
 * worker when it takes the mutex). */
int gofn_wait_hand(struct gofn_pool *p, gofn_waiter *w, gofn_worker *worker);

#endif
