/* The idle watch by events (server/pool_idle.h). Checking every idle
 * worker on every tick cost a poll() and a CPU clock read
 * (thread_group_cputime) per worker, 4 times a second: 5,200 checks a
 * second for 1,300 workers (docs/benchmarks.md, "1,000 tenants held
 * (seventh session)"). Here the kernel says which worker to look at:
 *   - its control socket and pidfd sit in one epoll set, level-triggered
 *     for input, so a tick's epoll_wait lists the workers that have
 *     something to read now (one that spoke or exited; a busy one whose
 *     reply gofnd has not read yet);
 *   - a POSIX CPU timer on its process clock (clock_getcpuclockid; Linux
 *     lets any process arm one on another's, as it lets it read it),
 *     absolute at its idle baseline + cfg.idle_cpu_ms + 1 ms, signals this
 *     thread (SIGEV_THREAD_ID, read from a signalfd) once it could be over
 *     the limit. Baselines only grow (each request ends with a new one),
 *     so a timer armed for an earlier idle period fires early, never late:
 *     the check then re-arms it for the current one. A worker fires at
 *     most once per cfg.idle_cpu_ms of CPU it uses, busy or idle.
 * A worker seen for the first time, or one that fired, gets the full check
 * (gofn_idle_misbehaves), which confirms what fired for the copy the tick
 * holds. One without a cgroup (RSS grows without an event) or that cannot
 * be watched so is checked fully on every tick. */
#include "server/pool_idle.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "sandbox/sandbox.h"

#define BUCKETS 1024
/* Forgotten when not seen idle for this many ticks (gone, or busy that
 * long); swept every FORGET_EVERY ticks. A forgotten live worker is
 * watched again when next seen: its descriptors are still in the set
 * (EEXIST), its timer is made anew. */
#define FORGET_TICKS 40
#define FORGET_EVERY 16

typedef struct watched {
	pid_t pid;
	int64_t spawned_us; /* with pid: which worker (pids are reused) */
	uint64_t seen;	    /* the tick it was last seen idle */
	int fired;	    /* its descriptors or its timer fired: check it fully */
	int plain;	    /* not watched by events: checked fully on every tick */
	int has_timer;
	timer_t timer;
	struct watched *next;
} watched;

struct gofn_idle_watch {
	int ep, sfd, signo;
	pid_t tid; /* the thread the timers signal */
	uint64_t tick, full;
	size_t n;
	watched *b[BUCKETS];
	struct epoll_event *ev;
	size_t evcap;
};

gofn_idle_watch *gofn_idle_watch_new(void)
{
	gofn_idle_watch *iw = calloc(1, sizeof *iw);
	sigset_t set;

	if (!iw)
		return NULL;
	/* Nothing else in gofnd uses a realtime signal (glibc keeps its two
	 * below SIGRTMIN), and only this thread is sent this one. */
	iw->signo = SIGRTMIN + 6;
	iw->tid = gettid();
	iw->ep = epoll_create1(EPOLL_CLOEXEC);
	iw->sfd = -1;
	sigemptyset(&set);
	sigaddset(&set, iw->signo);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) == 0)
		iw->sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return iw;
}

static watched **bucket_of(gofn_idle_watch *iw, pid_t pid)
{
	return &iw->b[(unsigned)pid % BUCKETS];
}

static watched *find(gofn_idle_watch *iw, pid_t pid)
{
	for (watched *e = *bucket_of(iw, pid); e; e = e->next)
		if (e->pid == pid)
			return e;
	return NULL;
}

/* Its descriptors stay in the epoll set: they may be closed and their
 * numbers another worker's by now, and a closed file leaves the set by
 * itself. */
static void forget(gofn_idle_watch *iw, watched *e)
{
	for (watched **pp = bucket_of(iw, e->pid); *pp; pp = &(*pp)->next)
		if (*pp == e) {
			*pp = e->next;
			break;
		}
	if (e->has_timer)
		timer_delete(e->timer);
	free(e);
	iw->n--;
}

/* The ms value of the CPU clock at which w is over the idle limit. */
static int arm(watched *e, const gofn_config *c, const gofn_worker *w)
{
	uint64_t at = w->idle_cpu_ms + (uint64_t)c->idle_cpu_ms + 1;
	struct itimerspec its = {
	    .it_value = {.tv_sec = (time_t)(at / 1000), .tv_nsec = (long)(at % 1000) * 1000000L}};

	return timer_settime(e->timer, TIMER_ABSTIME, &its, NULL);
}

static watched *watch(gofn_idle_watch *iw, const gofn_worker *w)
{
	watched *e = calloc(1, sizeof *e);
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (uint64_t)w->pid};
	const int fds[2] = {w->ctrl, w->sp.proc.pidfd};

	if (!e)
		return NULL;
	e->pid = w->pid;
	e->spawned_us = w->spawned_us;
	e->plain =
	    iw->ep < 0 || iw->sfd < 0 || !w->cpu.ok || !(w->sp.proc.layers & GOFN_LAYER_CGROUP);
	for (int i = 0; i < 2 && !e->plain; i++)
		if (fds[i] < 0 ||
		    (epoll_ctl(iw->ep, EPOLL_CTL_ADD, fds[i], &ev) < 0 && errno != EEXIST))
			e->plain = 1;
	if (!e->plain) {
		struct sigevent se = {.sigev_notify = SIGEV_THREAD_ID,
				      .sigev_signo = iw->signo,
				      .sigev_value.sival_int = (int)w->pid};
		se._sigev_un._tid = iw->tid; /* sigev_notify_thread_id, which glibc 2.36 lacks */
		/* EAGAIN past RLIMIT_SIGPENDING (each timer holds a queued signal) */
		e->has_timer = timer_create(w->cpu.id, &se, &e->timer) == 0;
		e->plain = !e->has_timer;
	}
	e->next = *bucket_of(iw, w->pid);
	*bucket_of(iw, w->pid) = e;
	iw->n++;
	return e;
}

static void mark(gofn_idle_watch *iw, pid_t pid)
{
	watched *e = find(iw, pid);

	if (e)
		e->fired = 1;
}

void gofn_idle_watch_begin(gofn_idle_watch *iw)
{
	struct signalfd_siginfo si[16];
	ssize_t r;
	int k;

	if (!iw)
		return;
	iw->tick++;
	if (iw->ep >= 0 && iw->n) {
		size_t want = 2 * iw->n + 16; /* every registered descriptor at once */
		if (want > iw->evcap) {
			struct epoll_event *nev = realloc(iw->ev, want * sizeof *nev);
			if (nev) {
				iw->ev = nev;
				iw->evcap = want;
			}
		}
		do
			k = iw->evcap ? epoll_wait(iw->ep, iw->ev, (int)iw->evcap, 0) : 0;
		while (k < 0 && errno == EINTR);
		for (int i = 0; i < k; i++)
			mark(iw, (pid_t)iw->ev[i].data.u64);
	}
	while (iw->sfd >= 0 && (r = read(iw->sfd, si, sizeof si)) > 0)
		for (size_t i = 0; i < (size_t)r / sizeof si[0]; i++)
			mark(iw, (pid_t)si[i].ssi_int);
}

int gofn_idle_watch_check(gofn_idle_watch *iw, const gofn_config *c, const gofn_worker *w,
			  gofn_idle_finding *f)
{
	watched *e;
	int bad;

	*f = (gofn_idle_finding){0};
	if (!iw || w->pid <= 0)
		return gofn_idle_misbehaves(c, w, f);
	e = find(iw, w->pid);
	if (e && e->spawned_us != w->spawned_us) {
		forget(iw, e); /* a reused pid */
		e = NULL;
	}
	if (!e) {
		e = watch(iw, w);
		if (!e)
			return gofn_idle_misbehaves(c, w, f);
		e->fired = 1; /* its first look */
	}
	e->seen = iw->tick;
	if (!e->plain && !e->fired)
		return 0;
	iw->full++;
	bad = gofn_idle_misbehaves(c, w, f);
	/* A finding the pool does not act on (the worker was taken meanwhile)
	 * is looked at again on the next tick the worker is idle. */
	e->fired = bad;
	if (!bad && e->has_timer && arm(e, c, w) < 0) {
		timer_delete(e->timer);
		e->has_timer = 0;
		e->plain = 1;
	}
	return bad;
}

void gofn_idle_watch_end(gofn_idle_watch *iw)
{
	if (!iw || iw->tick % FORGET_EVERY)
		return;
	for (size_t i = 0; i < BUCKETS; i++)
		for (watched *e = iw->b[i], *next; e; e = next) {
			next = e->next;
			if (iw->tick - e->seen > FORGET_TICKS)
				forget(iw, e);
		}
}

uint64_t gofn_idle_watch_full_checks(const gofn_idle_watch *iw)
{
	return iw ? iw->full : 0;
}

void gofn_idle_watch_free(gofn_idle_watch *iw)
{
	if (!iw)
		return;
	for (size_t i = 0; i < BUCKETS; i++)
		while (iw->b[i])
			forget(iw, iw->b[i]);
	if (iw->ep >= 0)
		close(iw->ep);
	if (iw->sfd >= 0)
		close(iw->sfd);
	free(iw->ev);
	free(iw);
}
