/* The reactor thread and the calls it carries (server/reactor.h). A call
 * is owned by one thread at a time: the one that starts it or hands it a
 * worker until its INVOKE is out (or armed for EPOLLOUT), then the reactor
 * until it ends, then whoever runs done. The list of calls (queued and in
 * flight) is only for the timer. */
#include "server/reactor.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "api/proto.h"
#include "common/clock.h"
#include "server/log.h"

enum { ST_NEW, ST_QUEUED, ST_FLIGHT, ST_GONE };

/* A queued call's client is watched once it has waited this long, as the
 * blocking path's (server/pool.c GOFN_GONE_AFTER_MS). */
#define GONE_AFTER_MS 50

typedef struct reactor {
	int ep, wake;
	pthread_mutex_t mu; /* the list */
	gofn_evcall *head;
	_Atomic int64_t next_scan_ms;
} reactor;

static reactor R = {.ep = -1, .wake = -1, .mu = PTHREAD_MUTEX_INITIALIZER};
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int started;

static void *run(void *arg);

static void init(void)
{
	pthread_t th;
	pthread_attr_t a;

	R.ep = epoll_create1(EPOLL_CLOEXEC);
	R.wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (R.ep < 0 || R.wake < 0)
		return;
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
	if (epoll_ctl(R.ep, EPOLL_CTL_ADD, R.wake, &ev) < 0)
		return;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	/* the reactor never takes a signal meant for the process */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	started = pthread_create(&th, &a, run, NULL) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&a);
}

static void wake_reactor(void)
{
	uint64_t one = 1;
	ssize_t r = write(R.wake, &one, sizeof one);
	(void)r; /* a full counter wakes it as well */
}

/* The timer's next look at c: sooner than the reactor planned wakes it. */
static void want_scan(int64_t at_ms)
{
	int64_t cur = atomic_load(&R.next_scan_ms);
	while (at_ms < cur)
		if (atomic_compare_exchange_weak(&R.next_scan_ms, &cur, at_ms)) {
			wake_reactor();
			return;
		}
}

static void list_add(gofn_evcall *c)
{
	c->prev = NULL;
	c->next = R.head;
	if (R.head)
		R.head->prev = c;
	R.head = c;
}

static void list_del(gofn_evcall *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else if (R.head == c)
		R.head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->prev = c->next = NULL;
}

/* c leaves the timer's list (once). */
static void forget(gofn_evcall *c)
{
	pthread_mutex_lock(&R.mu);
	if (c->state != ST_GONE) {
		list_del(c);
		c->state = ST_GONE;
	}
	pthread_mutex_unlock(&R.mu);
}

typedef struct job {
	void (*fn)(void *);
	void *arg;
} job;

static void *job_main(void *arg)
{
	job j = *(job *)arg;

	free(arg);
	j.fn(j.arg);
	return NULL;
}

/* A thread of its own per job until server/http.h's offload pool is
 * there: deaths and cold starts are rare next to warm calls. */
int gofn_evcall_offload(void (*fn)(void *arg), void *arg)
{
	job *j = malloc(sizeof *j);
	pthread_t th;
	pthread_attr_t a;

	if (!j)
		return -1;
	*j = (job){fn, arg};
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	int rc = pthread_create(&th, &a, job_main, j);
	pthread_attr_destroy(&a);
	if (rc != 0) {
		free(j);
		return -1;
	}
	return 0;
}

static void finish(gofn_evcall *c, enum gofn_exec x)
{
	c->x = x;
	c->done(c);
}

/* The worker back to the pool (which may hand it to a queued call, whose
 * INVOKE this thread then sends) and the call answered. */
static void release_and_finish(gofn_evcall *c)
{
	gofn_worker *w = c->w;

	c->w = NULL;
	gofn_exec_note_first_result(c->s, w);
	gofn_pool_release(c->s->pool, c->tenant, w);
	finish(c, GOFN_EXEC_OK);
}

static void release_job(void *arg)
{
	release_and_finish(arg); /* a dead worker's reap */
}

/* A call that ended without a reply: today's death path, off the reactor. */
static void death_job(void *arg)
{
	gofn_evcall *c = arg;

	gofn_worker_call_failed(c->w, &c->s->cfg, c->end, &c->cw, 0, &c->o);
	if (c->o.duration_us == 0)
		c->o.duration_us = gofn_mono_us() - c->t0_us;
	release_and_finish(c);
}

/* The blocking path (server/exec.h) for a call the evented one cannot
 * make: a cold start, or its worker found gone as the INVOKE went out
 * (c->w: gofn_exec_invoke replaces it). */
static void blocking_job(void *arg)
{
	gofn_evcall *c = arg;
	gofn_worker *w = c->w;
	enum gofn_exec x = GOFN_EXEC_OK;

	c->w = NULL;
	gofn_outcome_clear(&c->o);
	if (!w)
		x = gofn_exec_worker_for(c->s, c->tenant, c->f, c->queue_deadline_ms, c->client_fd,
					 &w, &c->o);
	if (x == GOFN_EXEC_OK) {
		gofn_exec_invoke(c->s, c->tenant, c->f, &w, c->sym, c->in, c->inlen, c->timeout_ms,
				 0, 0, &c->o);
		if (!w)
			x = GOFN_EXEC_FAILED;
	}
	if (w) {
		c->w = w;
		release_and_finish(c);
		return;
	}
	finish(c, x);
}

static void offload(gofn_evcall *c, void (*job)(void *))
{
	if (gofn_evcall_offload(job, c) < 0)
		job(c); /* no thread to be had: here, late rather than never */
}

static void dies(gofn_evcall *c, enum gofn_call_end how)
{
	forget(c);
	gofn_fbuf_free(&c->req);
	gofn_frame_free(&c->reply); /* a partial reply */
	c->sending = 0;
	if (c->w->ev_added) {
		epoll_ctl(R.ep, EPOLL_CTL_DEL, c->w->ctrl, NULL);
		c->w->ev_added = 0;
	}
	c->end = how;
	offload(c, death_job);
}

/* Arms the reactor for c's worker: EPOLLOUT while the INVOKE is partly
 * sent, then EPOLLIN for its reply. One-shot: the registration stays with
 * the worker, disarmed between calls. */
static int arm(gofn_evcall *c, int out)
{
	struct epoll_event ev = {.events = EPOLLONESHOT | EPOLLRDHUP | (out ? EPOLLOUT : EPOLLIN),
				 .data.ptr = c};
	int op = c->w->ev_added ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;

	if (epoll_ctl(R.ep, op, c->w->ctrl, &ev) < 0)
		return -1;
	c->w->ev_added = 1;
	return 0;
}

/* Sends what is left of the INVOKE without blocking. 1: all out, 0: the
 * socket is full, -1: the worker is gone (c->end). */
static int send_more(gofn_evcall *c)
{
	while (c->sent < c->req.len) {
		ssize_t n = send(c->w->ctrl, c->req.data + c->sent, c->req.len - c->sent,
				 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n > 0) {
			c->sent += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		c->end = GOFN_CALL_CLOSED;
		return -1;
	}
	return 1;
}

/* c has its worker: the INVOKE goes out from this thread, then the reactor
 * owns c. */
static void begin(gofn_evcall *c, gofn_worker *w)
{
	const gofn_config *cfg = &c->s->cfg;

	c->w = w;
	c->t0_us = gofn_mono_us();
	c->deadline_ms = gofn_now_ms() + c->timeout_ms;
	c->max = gofn_result_frame_max(cfg->max_result, cfg->max_output, 0);
	if (gofn_worker_invoke_frame(w, cfg, c->sym, c->in, c->inlen, c->timeout_ms, 0, 0, &c->req,
				     &c->o) < 0) {
		forget(c);
		release_and_finish(c);
		return;
	}
	gofn_callwatch_start(&c->cw, cfg, w->pid, &w->cpu, w->sp.proc.layers,
			     w->cpu_marked ? &w->idle_cpu_ms : NULL);
	int rc = send_more(c);
	if (rc < 0 && c->sent == 0) {
		/* gone before the first byte: died while idle */
		gofn_fbuf_free(&c->req);
		forget(c);
		offload(c, blocking_job);
		return;
	}
	if (rc > 0)
		gofn_fbuf_free(&c->req); /* the input's copy: not kept for the call */
	c->sending = rc == 0;
	int64_t deadline = c->deadline_ms; /* c may be gone once armed */
	pthread_mutex_lock(&R.mu);
	if (c->state == ST_NEW)
		list_add(c);
	c->state = ST_FLIGHT;
	int armed = rc >= 0 && arm(c, rc == 0) == 0;
	if (!armed) { /* not the reactor's: off the timer's list now */
		list_del(c);
		c->state = ST_GONE;
	}
	pthread_mutex_unlock(&R.mu);
	if (!armed) {
		dies(c, GOFN_CALL_CLOSED);
		return;
	}
	want_scan(deadline);
}

/* The pool's answer to a queued call (gofn_evwait.fn), on the releasing
 * thread. */
static void handed(gofn_evwait *wt, gofn_worker *w, enum gofn_acquire why)
{
	gofn_evcall *c = (gofn_evcall *)((char *)wt - offsetof(gofn_evcall, wait));

	if (w) {
		begin(c, w);
		return;
	}
	forget(c);
	if (why == GOFN_SHUTTING_DOWN)
		finish(c, GOFN_EXEC_SHUTDOWN);
	else
		offload(c, blocking_job);
}

int gofn_evcall_start(gofn_evcall *c)
{
	gofn_worker *w = NULL;

	pthread_once(&once, init);
	if (!started)
		return 0;
	c->state = ST_NEW;
	c->w = NULL;
	c->have = 0;
	c->sent = 0;
	memset(&c->reply, 0, sizeof c->reply);
	c->reply.fds[0] = c->reply.fds[1] = -1;
	c->queue_deadline_ms = gofn_now_ms() + c->timeout_ms;
	c->queued_ms = gofn_now_ms();
	c->wait.fn = handed;
	snprintf(c->wait.function, sizeof c->wait.function, "%s", c->f->id);
	/* On the list before the pool may hand it a worker, so that the
	 * timer sees a queued call; its state says what the timer may do. */
	pthread_mutex_lock(&R.mu);
	list_add(c);
	c->state = ST_QUEUED;
	pthread_mutex_unlock(&R.mu);
	enum gofn_acquire a = gofn_pool_try(c->s->pool, c->tenant, &c->wait, &w);
	switch (a) {
	case GOFN_QUEUED:
		want_scan(c->queued_ms + GONE_AFTER_MS);
		return 1;
	case GOFN_GOT_WORKER:
		begin(c, w);
		return 1;
	default:
		break;
	}
	forget(c);
	if (a == GOFN_GOT_SLOT)
		return 0;
	c->x = a == GOFN_QUEUE_FULL ? GOFN_EXEC_QUEUE_FULL : GOFN_EXEC_SHUTDOWN;
	return -1;
}

/* A whole reply: worker.c's rules and decoding; then the worker goes back. */
static void replied(gofn_evcall *c)
{
	gofn_worker *w = c->w;

	forget(c);
	gofn_worker_reply_rules(w, &c->reply);
	w->defer_reap = 1; /* a protocol error kills it; its reap is not ours */
	gofn_worker_take_result(w, &c->s->cfg, &c->reply, &c->o);
	w->defer_reap = 0;
	gofn_frame_free(&c->reply);
	if (c->o.duration_us == 0)
		c->o.duration_us = gofn_mono_us() - c->t0_us;
	if (w->dead)
		offload(c, release_job);
	else
		release_and_finish(c);
}

static void protocol_error(gofn_evcall *c, const char *why)
{
	snprintf(c->o.error, sizeof c->o.error, "worker protocol error: %s", why);
	gofn_frame_free(&c->reply);
	dies(c, GOFN_CALL_BAD);
}

/* Reads what the worker sent. 1: the reply is whole, 0: more to come,
 * -1: the call died (handled). Bounded as api/frame_io.c reads: the
 * header checked against max before anything is allocated, the payload
 * exactly its length; bytes past the frame in the first read are `extra`. */
static int read_reply(gofn_evcall *c)
{
	for (;;) {
		uint8_t *dst;
		size_t room;
		if (!c->reply.payload) {
			dst = c->head + c->have;
			room = sizeof c->head - c->have;
		} else {
			size_t done = c->have - GOFN_FRAME_HDR;
			dst = c->reply.payload + done;
			room = c->reply.len - done;
		}
		/* a plain recv: descriptors a worker sends are dropped by the kernel */
		ssize_t n = recv(c->w->ctrl, dst, room, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n < 0 && errno != ECONNRESET) {
			protocol_error(c, strerror(errno));
			return -1;
		}
		if (n <= 0) {
			if (c->have)
				protocol_error(c, "truncated frame");
			else {
				gofn_frame_free(&c->reply);
				dies(c, GOFN_CALL_CLOSED);
			}
			return -1;
		}
		c->have += (size_t)n;
		if (c->reply.payload) {
			if (c->have - GOFN_FRAME_HDR == c->reply.len)
				return 1;
			continue;
		}
		if (c->have < GOFN_FRAME_HDR)
			continue;
		gofn_err e = {0};
		if (gofn_frame_header(c->head, c->max, &c->reply.type, &c->reply.len, &e) < 0) {
			protocol_error(c, e.msg);
			return -1;
		}
		size_t done = c->have - GOFN_FRAME_HDR;
		c->reply.payload = malloc(c->reply.len ? c->reply.len : 1);
		if (!c->reply.payload) {
			protocol_error(c, "out of memory");
			return -1;
		}
		if (done > c->reply.len) {
			c->reply.extra = 1;
			done = c->reply.len;
		}
		memcpy(c->reply.payload, c->head + GOFN_FRAME_HDR, done);
		c->have = GOFN_FRAME_HDR + done;
		if (done == c->reply.len)
			return 1;
	}
}

static void on_event(gofn_evcall *c, uint32_t events)
{
	if (c->sending) {
		int rc = send_more(c);
		if (rc < 0) {
			dies(c, GOFN_CALL_CLOSED);
			return;
		}
		if (rc == 0) {
			if (arm(c, 1) < 0)
				dies(c, GOFN_CALL_CLOSED);
			return;
		}
		c->sending = 0;
		gofn_fbuf_free(&c->req);
		if (!(events & (EPOLLIN | EPOLLHUP | EPOLLRDHUP | EPOLLERR))) {
			if (arm(c, 0) < 0)
				dies(c, GOFN_CALL_CLOSED);
			return;
		}
	}
	int rc = read_reply(c);
	if (rc > 0)
		replied(c);
	else if (rc == 0 && arm(c, 0) < 0)
		dies(c, GOFN_CALL_CLOSED);
}

/* The timer: deadlines, the call watch, queued calls' timeouts and
 * clients. Returns when it wants to look again. A call in flight ends
 * only on this thread, so the ones collected stay valid; a queued one is
 * taken out of the pool's queue under R.mu (the pool never calls back
 * under its own mutex, so the order R.mu -> pool is the only one), or it
 * is being handed a worker and is left alone. */
static int64_t scan(int64_t now)
{
	enum { MAXACT = 256 };
	gofn_evcall *act[MAXACT], *out[MAXACT];
	enum gofn_call_end how[MAXACT];
	enum gofn_exec why[MAXACT];
	int nact = 0, nout = 0;
	int64_t next = now + GOFN_CALLWATCH_CHECK_MS;

	pthread_mutex_lock(&R.mu);
	for (gofn_evcall *c = R.head; c && nact < MAXACT && nout < MAXACT; c = c->next) {
		if (c->state == ST_FLIGHT) {
			if (now >= c->deadline_ms)
				how[nact] = GOFN_CALL_TIMEOUT, act[nact++] = c;
			else if (gofn_callwatch_over(&c->cw))
				how[nact] = GOFN_CALL_OVER, act[nact++] = c;
			else if (c->deadline_ms < next)
				next = c->deadline_ms;
			continue;
		}
		if (c->state != ST_QUEUED)
			continue;
		enum gofn_exec x = GOFN_EXEC_OK;
		if (now >= c->queue_deadline_ms) {
			x = GOFN_EXEC_QUEUE_TIMEOUT;
		} else if (c->client_fd >= 0 && now >= c->queued_ms + GONE_AFTER_MS) {
			struct pollfd pf = {.fd = c->client_fd, .events = POLLRDHUP};
			if (poll(&pf, 1, 0) > 0 && (pf.revents & (POLLRDHUP | POLLHUP | POLLERR)))
				x = GOFN_EXEC_CLIENT_GONE;
		} else if (c->client_fd >= 0 && c->queued_ms + GONE_AFTER_MS < next) {
			next = c->queued_ms + GONE_AFTER_MS;
		}
		if (c->queue_deadline_ms < next)
			next = c->queue_deadline_ms;
		if (x == GOFN_EXEC_OK ||
		    !gofn_pool_cancel(c->s->pool, &c->wait,
				      x == GOFN_EXEC_CLIENT_GONE ? GOFN_CLIENT_GONE
								 : GOFN_QUEUE_TIMEOUT))
			continue;
		why[nout] = x;
		out[nout++] = c;
	}
	for (int i = 0; i < nout; i++) {
		list_del(out[i]);
		out[i]->state = ST_GONE;
	}
	pthread_mutex_unlock(&R.mu);
	for (int i = 0; i < nout; i++)
		finish(out[i], why[i]);
	for (int i = 0; i < nact; i++)
		dies(act[i], how[i]);
	return nact == MAXACT || nout == MAXACT ? now + 1 : next;
}

static void *run(void *arg)
{
	struct epoll_event ev[64];

	(void)arg;
	atomic_store(&R.next_scan_ms, gofn_now_ms() + GOFN_CALLWATCH_CHECK_MS);
	for (;;) {
		int64_t now = gofn_now_ms();
		int64_t at = atomic_load(&R.next_scan_ms);
		int wait = at <= now ? 0 : (int)(at - now);
		int n = epoll_wait(R.ep, ev, 64, wait);
		for (int i = 0; i < n; i++) {
			if (!ev[i].data.ptr) {
				uint64_t v;
				ssize_t r = read(R.wake, &v, sizeof v);
				(void)r;
				continue;
			}
			on_event(ev[i].data.ptr, ev[i].events);
		}
		now = gofn_now_ms();
		if (now >= atomic_load(&R.next_scan_ms)) {
			atomic_store(&R.next_scan_ms, now + GOFN_CALLWATCH_CHECK_MS);
			int64_t next = scan(now);
			want_scan(next);
		}
	}
	return NULL;
}
