/* bench-bare-relay -e THREADS: the relay floor without a thread blocked
 * per request (docs/benchmarks.md, "The relay floor, event-driven (eighth
 * session)"): is the seventh session's floor the process per tenant or
 * the blocking thread per connection (a sleep in poll for the request, on
 * the pool's condition variable and in recv for the reply)?
 *
 * MHD's epoll in a pool of THREADS threads (bench_http.c). Once a
 * request's body is in, its handler suspends the connection and hands the
 * frame to an echo process of its tenant with a non-blocking send: to an
 * idle one; to a new one while the tenant has fewer than WORKERS; else
 * queued behind the others on the echo with the fewest frames in flight,
 * up to DEPTH (an echo answers in order); else to the tenant's queue. One
 * reactor thread waits in epoll on every echo's socket, takes the replies
 * (several to a recv when frames were queued), gives each to the oldest
 * call in flight on that echo (the call number checked), sends the
 * tenant's queued frames to the echo that has room again, and resumes the
 * connections, whose handlers then queue the responses. */
#include "bench/bare_relay.h"
#include "bench/bare_relay_frame.h"
#include "bench/bench_http.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

enum { CALL_BODY, CALL_OUT, CALL_DONE, CALL_FAILED };

typedef struct ev_call {
	struct MHD_Connection *c;
	struct ev_call *next; /* in an echo's calls in flight or a tenant's queue */
	uint64_t call;
	int state, too_big;
	size_t len;		  /* of the body, then of the reply's payload */
	uint8_t frame[RELAY_MAX]; /* the frame (header + body), then the reply's payload */
} ev_call;

typedef struct ev_echo {
	int fd;
	unsigned tenant, inflight;
	ev_call *head, *tail;	  /* in flight, oldest first (the tenant's mu) */
	relay_reader rd;	  /* the reactor's only */
	struct ev_echo *all_next; /* every echo ever started, freed at the end */
} ev_echo;

typedef struct ev_tenant {
	pthread_mutex_t mu;
	ev_echo *echo[MAX_WORKERS];
	unsigned n;
	ev_call *wait_head, *wait_tail; /* frames no echo had room for */
	uint64_t calls, queued, waited; /* sent, of which behind another; queued here */
} ev_tenant;

typedef struct ev_relay {
	relay *r;
	unsigned depth;
	ev_tenant *t;
	int ep, stop_fd;
	unsigned suspended; /* atomic: connections suspended */
	int draining;	    /* atomic: drain waits for suspended to reach 0 */
	pthread_mutex_t mu; /* guards all and the drain's wait */
	pthread_cond_t none_suspended;
	ev_echo *all;
} ev_relay;

/* Appends k to the list *head..*tail. */
static void ev_append(ev_call **head, ev_call **tail, ev_call *k)
{
	k->next = NULL;
	if (*tail)
		(*tail)->next = k;
	else
		*head = k;
	*tail = k;
}

/* Resumes k's connection (its handler runs next, in an MHD thread; k is
 * not to be touched after this). */
static void ev_resume(ev_relay *ev, ev_call *k)
{
	MHD_resume_connection(k->c);
	if (__atomic_sub_fetch(&ev->suspended, 1, __ATOMIC_ACQ_REL) == 0 &&
	    __atomic_load_n(&ev->draining, __ATOMIC_ACQUIRE)) {
		pthread_mutex_lock(&ev->mu);
		pthread_cond_broadcast(&ev->none_suspended);
		pthread_mutex_unlock(&ev->mu);
	}
}

/* Puts k in flight on e and sends its frame (the tenant's mu held, so the
 * calls in flight are in the stream's order). A failed send shuts the
 * socket: the reactor then sees its end and fails every call on it, k's
 * included. */
static void ev_send(ev_echo *e, ev_call *k)
{
	ev_append(&e->head, &e->tail, k);
	e->inflight++;
	if (relay_send_all(e->fd, k->frame, RELAY_HEAD + k->len, MSG_DONTWAIT) < 0)
		shutdown(e->fd, SHUT_RDWR);
}

/* A new echo process for tenant t, watched by the reactor (tenant's mu held). */
static ev_echo *ev_new_echo(ev_relay *ev, unsigned t)
{
	ev_tenant *tn = &ev->t[t];
	ev_echo *e = calloc(1, sizeof *e);
	struct epoll_event ee = {.events = EPOLLIN, .data.ptr = e};

	if (!e)
		return NULL;
	e->tenant = t;
	e->fd = relay_spawn_echo(ev->r, t);
	if (e->fd < 0 || epoll_ctl(ev->ep, EPOLL_CTL_ADD, e->fd, &ee) < 0) {
		if (e->fd >= 0)
			shutdown(e->fd, SHUT_RDWR); /* closed with the others at the end */
		free(e);
		return NULL;
	}
	pthread_mutex_lock(&ev->mu);
	e->all_next = ev->all, ev->all = e;
	pthread_mutex_unlock(&ev->mu);
	tn->echo[tn->n++] = e;
	return e;
}

/* Sends k's frame to an echo of tenant t or queues it: 0, or -1 when the
 * tenant has no echo and none could start. */
static int ev_dispatch(ev_relay *ev, unsigned t, ev_call *k)
{
	ev_tenant *tn = &ev->t[t];
	ev_echo *best = NULL;

	pthread_mutex_lock(&tn->mu);
	for (unsigned i = 0; i < tn->n; i++)
		if (!best || tn->echo[i]->inflight < best->inflight)
			best = tn->echo[i];
	if ((!best || best->inflight) && tn->n < ev->r->maxw) {
		ev_echo *e = ev_new_echo(ev, t);
		best = e ? e : best;
	}
	if (!best) {
		pthread_mutex_unlock(&tn->mu);
		return -1;
	}
	tn->calls++;
	if (best->inflight < ev->depth) {
		tn->queued += best->inflight > 0;
		ev_send(best, k);
	} else {
		tn->waited++;
		ev_append(&tn->wait_head, &tn->wait_tail, k);
	}
	pthread_mutex_unlock(&tn->mu);
	return 0;
}

/* The request's frame is out: suspend, then send (a reply may come and
 * resume the connection before this returns, never before the suspend). */
static enum MHD_Result ev_start(ev_relay *ev, ev_call *k)
{
	static const char big[] = "body too large\n";
	uint32_t len = (uint32_t)k->len;

	if (k->too_big)
		return bench_http_reply(k->c, 413u,
					MHD_create_response_from_buffer(sizeof big - 1, (void *)big,
									MHD_RESPMEM_PERSISTENT));
	k->call = __atomic_add_fetch(&ev->r->next_call, 1, __ATOMIC_RELAXED);
	memcpy(k->frame, &len, 4);
	memcpy(k->frame + 4, &k->call, 8);
	k->state = CALL_OUT;
	__atomic_add_fetch(&ev->suspended, 1, __ATOMIC_ACQ_REL);
	MHD_suspend_connection(k->c);
	if (ev_dispatch(ev, relay_tenant_of(ev->r, k->c), k) < 0) {
		k->state = CALL_FAILED;
		ev_resume(ev, k);
	}
	return MHD_YES;
}

static enum MHD_Result ev_access(void *cls, struct MHD_Connection *c, const char *url,
				 const char *method, const char *version, const char *data,
				 size_t *data_size, void **con_cls)
{
	ev_call *k = *con_cls;
	(void)url, (void)method, (void)version;

	if (!k) {
		k = malloc(sizeof *k);
		if (!k)
			return MHD_NO;
		k->c = c, k->next = NULL, k->state = CALL_BODY, k->too_big = 0, k->len = 0;
		*con_cls = k;
		return MHD_YES;
	}
	if (*data_size) {
		if (k->len + *data_size > RELAY_MAX - RELAY_HEAD)
			k->too_big = 1;
		else
			memcpy(k->frame + RELAY_HEAD + k->len, data, *data_size),
			    k->len += *data_size;
		*data_size = 0;
		return MHD_YES;
	}
	switch (k->state) {
	case CALL_BODY:
		return ev_start(cls, k);
	case CALL_DONE:
		return bench_http_reply(
		    c, MHD_HTTP_OK,
		    MHD_create_response_from_buffer(k->len, k->frame, MHD_RESPMEM_MUST_COPY));
	case CALL_OUT:
		return MHD_YES; /* not resumed yet: nothing to do */
	default:
		return MHD_NO; /* MHD closes the connection: wrk counts an error */
	}
}

static void ev_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)cls, (void)c, (void)toe;
	free(*con_cls);
	*con_cls = NULL;
}

/* Appends k to the list at *tail with state s. */
static void ev_collect(ev_call ***tail, ev_call *k, int s)
{
	k->state = s;
	k->next = NULL;
	**tail = k;
	*tail = &k->next;
}

/* e broke (its end of the stream, an error, a reply out of order): its
 * calls fail, it leaves the tenant, and so do the tenant's queued calls
 * if no echo is left (tenant's mu held). */
static void ev_drop(ev_relay *ev, ev_tenant *tn, ev_echo *e, ev_call ***tail)
{
	ev_call *k, *next;

	epoll_ctl(ev->ep, EPOLL_CTL_DEL, e->fd, NULL);
	shutdown(e->fd, SHUT_RDWR);
	for (k = e->head; k; k = next)
		next = k->next, ev_collect(tail, k, CALL_FAILED);
	e->head = e->tail = NULL, e->inflight = 0;
	for (unsigned i = 0; i < tn->n; i++)
		if (tn->echo[i] == e)
			tn->echo[i] = tn->echo[--tn->n];
	if (tn->n)
		return;
	for (k = tn->wait_head; k; k = next)
		next = k->next, ev_collect(tail, k, CALL_FAILED);
	tn->wait_head = tn->wait_tail = NULL;
}

/* The reactor's work for an echo whose socket is readable. */
static void ev_readable(ev_relay *ev, ev_echo *e)
{
	ev_tenant *tn = &ev->t[e->tenant];
	ev_call *done = NULL, **tail = &done, *k, *next;
	ssize_t got = relay_reader_fill(e->fd, &e->rd, MSG_DONTWAIT);
	int broken = got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK);

	pthread_mutex_lock(&tn->mu);
	for (;;) {
		const uint8_t *f;
		uint64_t call;
		ssize_t len = relay_reader_frame(&e->rd, &f, &call);
		if (len == -1)
			break;
		k = e->head;
		if (len < 0 || !k || k->call != call) {
			broken = 1;
			break;
		}
		e->head = k->next;
		if (!e->head)
			e->tail = NULL;
		e->inflight--;
		memcpy(k->frame, f + RELAY_HEAD, (size_t)len);
		k->len = (size_t)len;
		ev_collect(&tail, k, CALL_DONE);
	}
	if (broken) {
		ev_drop(ev, tn, e, &tail);
	} else {
		while (e->inflight < ev->depth && (k = tn->wait_head)) {
			tn->wait_head = k->next;
			if (!tn->wait_head)
				tn->wait_tail = NULL;
			ev_send(e, k);
		}
	}
	pthread_mutex_unlock(&tn->mu);
	for (k = done; k; k = next) {
		next = k->next;
		ev_resume(ev, k);
	}
}

static void *ev_reactor(void *arg)
{
	ev_relay *ev = arg;
	struct epoll_event evs[64];

	for (;;) {
		int n = epoll_wait(ev->ep, evs, 64, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return NULL;
		for (int i = 0; i < n; i++) {
			if (!evs[i].data.ptr)
				return NULL; /* the stop eventfd */
			ev_readable(ev, evs[i].data.ptr);
		}
	}
}

/* After the stop signal (no new connections): until no call is out. An
 * echo that has not answered within DRAIN_S has its socket shut: the
 * reactor then fails its calls, and the queued ones with the last echo. */
#define DRAIN_S 2
static void ev_drain(void *arg)
{
	ev_relay *ev = arg;
	struct timespec until;
	int rc = 0;

	__atomic_store_n(&ev->draining, 1, __ATOMIC_RELEASE);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += DRAIN_S;
	pthread_mutex_lock(&ev->mu);
	while (__atomic_load_n(&ev->suspended, __ATOMIC_ACQUIRE) && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&ev->none_suspended, &ev->mu, &until);
	for (ev_echo *e = ev->all; e && rc == ETIMEDOUT; e = e->all_next)
		shutdown(e->fd, SHUT_RDWR);
	while (__atomic_load_n(&ev->suspended, __ATOMIC_ACQUIRE))
		pthread_cond_wait(&ev->none_suspended, &ev->mu);
	pthread_mutex_unlock(&ev->mu);
}

/* At the end, on stderr: how the calls went (bare_relay_test.sh reads it). */
static void ev_stats(const ev_relay *ev)
{
	uint64_t calls = 0, queued = 0, waited = 0;

	for (unsigned i = 0; i < ev->r->ntenants; i++)
		calls += ev->t[i].calls, queued += ev->t[i].queued, waited += ev->t[i].waited;
	fprintf(stderr,
		"bench-bare-relay: %llu calls, %llu queued behind another on an echo, "
		"%llu waited for room\n",
		(unsigned long long)calls, (unsigned long long)queued, (unsigned long long)waited);
}

int relay_ev_serve(relay *r, unsigned threads, unsigned depth)
{
	static ev_relay ev = {.mu = PTHREAD_MUTEX_INITIALIZER,
			      .none_suspended = PTHREAD_COND_INITIALIZER};
	struct epoll_event stop = {.events = EPOLLIN, .data.ptr = NULL};
	bench_http_ev hev = {threads, ev_access, &ev, ev_completed, ev_drain, &ev};
	sigset_t set;
	pthread_t reactor;
	int rc;

	ev.r = r, ev.depth = depth;
	ev.t = calloc(r->ntenants, sizeof *ev.t);
	ev.ep = epoll_create1(EPOLL_CLOEXEC);
	ev.stop_fd = eventfd(0, EFD_CLOEXEC);
	if (!ev.t || ev.ep < 0 || ev.stop_fd < 0 ||
	    epoll_ctl(ev.ep, EPOLL_CTL_ADD, ev.stop_fd, &stop) < 0) {
		fprintf(stderr, "bench-bare-relay: cannot set up the reactor: %s\n",
			strerror(errno));
		return 1;
	}
	for (unsigned i = 0; i < r->ntenants; i++)
		pthread_mutex_init(&ev.t[i].mu, NULL);
	/* The stop signals are main's (bench_http.c sigwaits for them). */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (pthread_create(&reactor, NULL, ev_reactor, &ev)) {
		fprintf(stderr, "bench-bare-relay: cannot start the reactor\n");
		return 1;
	}
	rc = bench_http_serve_ev("bench-bare-relay", &hev);
	if (eventfd_write(ev.stop_fd, 1) == 0)
		pthread_join(reactor, NULL);
	ev_stats(&ev);
	for (ev_echo *e = ev.all, *next; e; e = next)
		next = e->all_next, free(e);
	close(ev.ep);
	close(ev.stop_fd);
	free(ev.t);
	return rc;
}
