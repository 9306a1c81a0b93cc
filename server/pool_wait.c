#include "server/pool_wait.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "server/pool_budget.h"
#include "server/pool_gone.h"

void gofn_wait_init(gofn_waiter *w, tenant_pool *t, const char *function)
{
	memset(w, 0, sizeof *w);
	w->t = t;
	w->function = function;
	atomic_init(&w->state, GOFN_WAIT_ASLEEP);
	sem_init(&w->sem, 0, 0);
}

static void take_post(gofn_waiter *w)
{
	while (sem_wait(&w->sem) < 0 && errno == EINTR)
		;
	w->consumed++;
}

void gofn_wait_settle(gofn_waiter *w)
{
	while (w->consumed < w->posted)
		take_post(w);
}

void gofn_wait_fini(gofn_waiter *w)
{
	gofn_wait_settle(w);
	sem_destroy(&w->sem);
}

void gofn_wait_enqueue(gofn_waiter *w)
{
	tenant_pool *t = w->t;

	w->qnext = NULL;
	w->qprev = t->wq_tail;
	if (t->wq_tail)
		t->wq_tail->qnext = w;
	else
		t->wq_head = w;
	t->wq_tail = w;
	w->in_queue = 1;
	t->waiting++;
}

void gofn_wait_dequeue(gofn_waiter *w)
{
	tenant_pool *t = w->t;

	if (!w->in_queue)
		return;
	if (w->qprev)
		w->qprev->qnext = w->qnext;
	else
		t->wq_head = w->qnext;
	if (w->qnext)
		w->qnext->qprev = w->qprev;
	else
		t->wq_tail = w->qprev;
	w->qprev = w->qnext = NULL;
	w->in_queue = 0;
	t->waiting--;
}

int gofn_wait_sleep(gofn_waiter *w, int64_t until_ms)
{
	struct timespec ts = {.tv_sec = until_ms / 1000, .tv_nsec = (until_ms % 1000) * 1000000};

	for (;;) {
		if (sem_clockwait(&w->sem, CLOCK_MONOTONIC, &ts) == 0) {
			w->consumed++;
			return 1;
		}
		if (errno != EINTR)
			return 0; /* ETIMEDOUT */
	}
}

void gofn_wait_wake(gofn_waiter *w)
{
	if (atomic_load_explicit(&w->state, memory_order_relaxed) != GOFN_WAIT_ASLEEP)
		return;
	atomic_store_explicit(&w->state, GOFN_WAIT_WOKEN, memory_order_release);
	w->posted++;
	sem_post(&w->sem); /* under the mutex: w cannot leave before it takes it */
}

void gofn_wait_wake_one(tenant_pool *t)
{
	for (gofn_waiter *w = t->wq_head; w; w = w->qnext)
		if (atomic_load_explicit(&w->state, memory_order_relaxed) == GOFN_WAIT_ASLEEP) {
			gofn_wait_wake(w);
			return;
		}
}

void gofn_wait_wake_all(tenant_pool *t)
{
	for (gofn_waiter *w = t->wq_head; w; w = w->qnext)
		gofn_wait_wake(w);
}

gofn_waiter *gofn_wait_first_for(tenant_pool *t, const char *function)
{
	for (gofn_waiter *w = t->wq_head; w; w = w->qnext)
		if (!w->gone && strcmp(w->function, function) == 0)
			return w;
	return NULL;
}

int gofn_wait_hand(struct gofn_pool *p, gofn_waiter *w, gofn_worker *worker)
{
	int asleep = atomic_load_explicit(&w->state, memory_order_relaxed) == GOFN_WAIT_ASLEEP;

	gofn_wait_dequeue(w);
	gofn_gone_forget(p, w);
	if (w->budget) {
		w->budget = 0;
		gofn_budget_leave(p, w->t);
	}
	w->handed = worker;
	if (asleep)
		w->posted++;
	/* Last: once w sees this it may return without the mutex. */
	atomic_store_explicit(&w->state, GOFN_WAIT_HANDED, memory_order_release);
	return asleep;
}
