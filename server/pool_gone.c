#include "server/pool_gone.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define STOP_KEY 0 /* the eventfd's; waiters' ids start at 1 */

/* Marks the waiter of key gone and wakes its tenant's callers; a key whose
 * waiter already left names nobody. */
static void mark_gone(struct gofn_pool *p, uint64_t key)
{
	for (gofn_waiter *w = p->waiters; w; w = w->next)
		if (w->id == key) {
			w->gone = 1;
			pthread_cond_broadcast(&w->t->cv);
			return;
		}
}

static void *watch(void *arg)
{
	struct gofn_pool *p = arg;
	struct epoll_event ev[32];

	for (;;) {
		int n = epoll_wait(p->gone_ep, ev, 32, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return NULL;
		pthread_mutex_lock(&p->mu);
		int stop = 0;
		for (int i = 0; i < n; i++) {
			if (ev[i].data.u64 == STOP_KEY)
				stop = 1;
			else
				mark_gone(p, ev[i].data.u64);
		}
		pthread_mutex_unlock(&p->mu);
		if (stop)
			return NULL;
	}
}

void gofn_gone_start(struct gofn_pool *p)
{
	sigset_t all, old;

	p->gone_ep = epoll_create1(EPOLL_CLOEXEC);
	p->gone_stop = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = STOP_KEY};
	if (p->gone_ep < 0 || p->gone_stop < 0 ||
	    epoll_ctl(p->gone_ep, EPOLL_CTL_ADD, p->gone_stop, &ev) < 0)
		goto off;
	sigfillset(&all); /* gofnd's signals are main's */
	pthread_sigmask(SIG_BLOCK, &all, &old);
	p->have_gone_thread = pthread_create(&p->gone_thread, NULL, watch, p) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (p->have_gone_thread)
		return;
off:
	if (p->gone_ep >= 0)
		close(p->gone_ep);
	if (p->gone_stop >= 0)
		close(p->gone_stop);
	p->gone_ep = p->gone_stop = -1;
}

void gofn_gone_stop(struct gofn_pool *p)
{
	if (p->have_gone_thread) {
		uint64_t one = 1;
		while (write(p->gone_stop, &one, sizeof one) < 0 && errno == EINTR)
			;
		pthread_join(p->gone_thread, NULL);
		p->have_gone_thread = 0;
	}
	if (p->gone_ep >= 0)
		close(p->gone_ep);
	if (p->gone_stop >= 0)
		close(p->gone_stop);
	p->gone_ep = p->gone_stop = -1;
}

void gofn_gone_watch(struct gofn_pool *p, gofn_waiter *w, tenant_pool *t, int fd)
{
	w->fd = -1;
	if (fd < 0 || p->gone_ep < 0)
		return;
	w->id = ++p->waiter_seq;
	w->t = t;
	w->gone = 0;
	/* One-shot: a closed connection stays readable, and the waiter leaves
	 * once it is told. */
	struct epoll_event ev = {.events = EPOLLRDHUP | EPOLLONESHOT, .data.u64 = w->id};
	if (epoll_ctl(p->gone_ep, EPOLL_CTL_ADD, fd, &ev) < 0)
		return; /* not watched: it waits until its deadline, as before */
	w->fd = fd;
	w->next = p->waiters;
	if (w->next)
		w->next->pprev = &w->next;
	w->pprev = &p->waiters;
	p->waiters = w;
}

void gofn_gone_unwatch(struct gofn_pool *p, gofn_waiter *w)
{
	if (w->fd < 0)
		return;
	epoll_ctl(p->gone_ep, EPOLL_CTL_DEL, w->fd, NULL);
	*w->pprev = w->next;
	if (w->next)
		w->next->pprev = w->pprev;
	w->fd = -1;
}
