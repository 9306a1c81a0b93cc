/* The pool's global worker budget (server/pool_budget.c) with stand-in
 * workers: each is a real child process that exits when its control socket
 * closes, so "alive" is what the kernel says, not what the pool counts.
 * Checks: the budget bounds the processes and evicts the least recently
 * used idle one; a busy worker is never evicted; callers of many tenants
 * with a budget of 1 all get through; a tenant waiting for room is served
 * before another tenant's later callers; cold starts beyond --max-starting
 * wait (warm calls do not); a waiting caller whose client hangs up leaves
 * the queue with nothing started for it; an evicting call does not wait
 * for its victim's destroy, and the victims waiting for the reaper are
 * bounded. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "server/pool.h"

#define LONG_DEADLINE_MS 120000 /* a bound for a hang, not a timing claim */

static gofn_worker *fake_worker(const char *function)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) { /* a worker idles until its control socket closes */
		char c;
		/* and holds nothing else of the test's (a lingering socket) */
		if (dup2(sv[1], 3) < 0 || close_range(4, ~0u, 0) < 0)
			_exit(1);
		while (read(3, &c, 1) != 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(sv[1]);
	gofn_worker *w = calloc(1, sizeof *w);
	assert_non_null(w);
	w->pid = pid;
	w->ctrl = sv[0];
	w->sp.proc.pidfd = -1;
	w->out_fd = w->err_fd = -1; /* destroy closes them: 0 would be someone's fd */
	snprintf(w->function, sizeof w->function, "%s", function);
	return w;
}

/* A process that can still run: it exists, is no zombie, is not exiting
 * (PF_EXITING in /proc/PID/stat's flags) and has no SIGKILL pending. The
 * budget bounds these: an evicted worker is killed before its place is
 * taken and waited for later, on the pool's reaper thread (server/pool.c,
 * doom). Its pending signals are read first: a process killed since is
 * exiting by the time its flags are read. */
static int alive(pid_t pid)
{
	char path[64], line[512];
	unsigned long long pend, killed = 0;
	unsigned flags = 0;
	char state = 0;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "SigPnd: %llx", &pend) == 1 ||
		    sscanf(line, "ShdPnd: %llx", &pend) == 1)
			killed |= pend & (1ull << (SIGKILL - 1));
	fclose(f);
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	char *end = fgets(line, sizeof line, f) ? strrchr(line, ')') : NULL;
	fclose(f);
	if (!end || sscanf(end + 1, " %c %*d %*d %*d %*d %*d %u", &state, &flags) != 2)
		return 0;
	return !killed && state != 'Z' && state != 'X' && !(flags & 0x4 /* PF_EXITING */);
}

/* Waited for (by the pool): no such process any more. */
static int reaped(pid_t pid)
{
	return kill(pid, 0) < 0 && errno == ESRCH;
}

static void config(gofn_config *c, int max_workers)
{
	gofn_config_defaults(c);
	c->max_workers = max_workers;
	c->workers_per_tenant = 4;
	c->idle_ms = 3600000;	/* the reaper must not take idle workers here */
	c->max_starting = 1000; /* not what most tests look at */
}

static int64_t deadline(void)
{
	return gofn_now_ms() + LONG_DEADLINE_MS;
}

/* One call of tenant for function: a warm worker or a new one, released
 * idle at once. Returns its pid. */
static pid_t call(gofn_pool *p, const char *tenant, const char *function)
{
	gofn_worker *w = NULL;
	enum gofn_acquire a = gofn_pool_acquire(p, tenant, function, deadline(), &w);

	assert_true(a == GOFN_GOT_WORKER || a == GOFN_GOT_SLOT);
	if (a == GOFN_GOT_SLOT) {
		w = fake_worker(function);
		gofn_pool_started(p);
	}
	pid_t pid = w->pid;
	gofn_pool_release(p, tenant, w);
	return pid;
}

static void budget_bounds_and_evicts_lru(void **state)
{
	gofn_config c;
	gofn_pool_stats ps;
	pid_t pids[5], seen[10];
	const char *names[5] = {"t0", "t1", "t2", "t3", "t4"};
	(void)state;
	config(&c, 2);
	gofn_pool *p = gofn_pool_new(&c);
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < 5; i++) {
			pids[i] = seen[round * 5 + i] = call(p, names[i], "f");
			gofn_pool_stats_get(p, &ps);
			assert_true(ps.workers <= 2);
			int n = 0; /* processes, whatever the pool counts */
			for (int j = 0; j <= round * 5 + i; j++)
				n += alive(seen[j]);
			assert_true(n <= 2);
		}
	gofn_pool_stats_get(p, &ps);
	assert_int_equal(ps.workers, 2);
	assert_int_equal(ps.max_workers, 2);
	/* 10 calls, each to a tenant whose worker was the least recently used: 8 evictions */
	assert_int_equal(ps.evictions, 8);
	assert_int_equal(ps.idle, 2);
	/* The two most recent (t3, t4) are the warm ones left; t4 answers warm. */
	assert_true(alive(pids[3]) && alive(pids[4]));
	assert_int_equal(call(p, "t4", "f"), pids[4]);
	gofn_pool_stats_get(p, &ps);
	assert_int_equal(ps.evictions, 8);
	gofn_pool_free(p, 1000);
	assert_false(alive(pids[3]) || alive(pids[4]));
}

static void busy_worker_never_evicted(void **state)
{
	gofn_config c;
	gofn_pool_stats ps;
	gofn_worker *busy = NULL, *w = NULL;
	(void)state;
	config(&c, 2);
	gofn_pool *p = gofn_pool_new(&c);
	assert_int_equal(gofn_pool_acquire(p, "a", "f", deadline(), &busy), GOFN_GOT_SLOT);
	busy = fake_worker("f");
	pid_t idle_b = call(p, "b", "f");
	/* c needs room: b's idle worker goes, a's busy one stays. */
	assert_int_equal(gofn_pool_acquire(p, "c", "f", deadline(), &w), GOFN_GOT_SLOT);
	assert_false(alive(idle_b));
	assert_true(alive(busy->pid));
	w = fake_worker("f");
	/* Both busy: d waits and gets nothing, a's and c's workers live on. */
	gofn_worker *none = NULL;
	assert_int_equal(gofn_pool_acquire(p, "d", "f", gofn_now_ms() + 50, &none),
			 GOFN_QUEUE_TIMEOUT);
	assert_null(none);
	assert_true(alive(busy->pid) && alive(w->pid));
	gofn_pool_stats_get(p, &ps);
	assert_int_equal(ps.workers, 2);
	assert_int_equal(ps.evictions, 1);
	gofn_pool_release(p, "a", busy);
	gofn_pool_release(p, "c", w);
	gofn_pool_free(p, 1000);
}

/* A caller whose tenant's only worker is busy waits a moment for it
 * (GOFN_SPAWN_WAIT_MS), then gets a slot of its own: never stuck behind a
 * long call while the tenant is under its --workers limit. */
static void busy_tenant_gets_a_second_worker(void **state)
{
	gofn_config c;
	gofn_worker *first = NULL, *second = NULL;
	(void)state;
	config(&c, 4);
	gofn_pool *p = gofn_pool_new(&c);
	assert_int_equal(gofn_pool_acquire(p, "a", "f", deadline(), &first), GOFN_GOT_SLOT);
	first = fake_worker("f");
	assert_int_equal(gofn_pool_acquire(p, "a", "f", deadline(), &second), GOFN_GOT_SLOT);
	second = fake_worker("f");
	gofn_pool_release(p, "a", first);
	gofn_pool_release(p, "a", second);
	gofn_pool_free(p, 1000);
}

/* The idle watch (run on copies, outside the pool's mutex) still takes an
 * idle worker that died out of the pool, and frees its place in the budget. */
static void dead_idle_worker_reaped(void **state)
{
	gofn_config c;
	gofn_pool_stats ps;
	gofn_worker *w = NULL;
	(void)state;
	config(&c, 1);
	gofn_pool *p = gofn_pool_new(&c);
	assert_int_equal(gofn_pool_acquire(p, "a", "f", deadline(), &w), GOFN_GOT_SLOT);
	w = fake_worker("f");
	pid_t pid = w->pid;
	gofn_pool_release(p, "a", w);
	kill(pid, SIGKILL);
	int64_t give_up = deadline();
	do {
		sched_yield();
		gofn_pool_stats_get(p, &ps);
	} while (ps.workers && gofn_now_ms() < give_up);
	assert_int_equal(ps.workers, 0);
	assert_int_equal(ps.evictions, 0);
	/* its place is free: b gets a slot without evicting anyone */
	assert_int_equal(gofn_pool_acquire(p, "b", "f", deadline(), &w), GOFN_GOT_SLOT);
	gofn_pool_release_slot(p, "b");
	gofn_pool_free(p, 1000);
}

/* A loopback TCP connection whose close blocks until *peer is read: it
 * lingers with far more unsent than the peer's small buffer could ever
 * take in (a receiver under memory pressure collapses its queue and takes
 * a few more KiB: with both buffers small, the close sometimes finished
 * on its own). As a worker's stderr it makes the worker's destroy
 * (gofn_worker_destroy) wait for the test, as a victim slow to exit makes
 * it wait for the kernel. */
static int lingering(int *peer)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof a;
	int small = 4096, large = 1 << 20;
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(l >= 0);
	assert_int_equal(setsockopt(l, SOL_SOCKET, SO_RCVBUF, &small, sizeof small), 0);
	assert_int_equal(bind(l, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(l, 1), 0);
	assert_int_equal(getsockname(l, (struct sockaddr *)&a, &alen), 0);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(s >= 0);
	assert_int_equal(setsockopt(s, SOL_SOCKET, SO_SNDBUF, &large, sizeof large), 0);
	assert_int_equal(connect(s, (struct sockaddr *)&a, sizeof a), 0);
	*peer = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	assert_true(*peer >= 0);
	close(l);
	char buf[4096] = {0};
	assert_int_equal(fcntl(s, F_SETFL, O_NONBLOCK), 0);
	while (write(s, buf, sizeof buf) > 0)
		;
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(fcntl(s, F_SETFL, 0), 0);
	struct linger lg = {.l_onoff = 1, .l_linger = LONG_DEADLINE_MS / 1000};
	assert_int_equal(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg), 0);
	return s;
}

/* Reads fd to its end: the lingering close on the other side can finish. */
static void drain(int fd)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
		;
	assert_int_equal(n, 0);
	close(fd);
}

/* Tenant's idle worker whose destroy blocks until *peer is drained. No
 * fork may follow until then (fake_worker): a child's copy of the socket
 * would make the pool's close not the last one, and so not block. */
static pid_t idle_lingering_worker(gofn_pool *p, const char *tenant, int *peer)
{
	gofn_worker *w = NULL;

	assert_int_equal(gofn_pool_acquire(p, tenant, "f", deadline(), &w), GOFN_GOT_SLOT);
	w = fake_worker("f");
	w->err_fd = lingering(peer);
	gofn_pool_started(p);
	pid_t pid = w->pid;
	gofn_pool_release(p, tenant, w);
	return pid;
}

static void wait_reaped(gofn_pool *p)
{
	gofn_pool_stats ps;
	int64_t give_up = deadline();

	do {
		sched_yield();
		gofn_pool_stats_get(p, &ps);
	} while (ps.reaping && gofn_now_ms() < give_up);
	assert_int_equal(ps.reaping, 0);
}

/* The call that evicts a worker does not wait for its destroy (the exit,
 * the cgroup's removal: the reaper's): it returns while that destroy
 * cannot finish, and the victim is killed by then, so the live processes
 * stay within the budget. Without the reaper this acquire would block in
 * the victim's close for the linger's 120 s and find nothing reaping. */
static void eviction_does_not_wait_for_the_victim(void **state)
{
	gofn_config c;
	gofn_pool_stats ps;
	gofn_worker *w = NULL;
	int peer;
	(void)state;
	config(&c, 1);
	gofn_pool *p = gofn_pool_new(&c);
	/* b's worker, forked before the lingering socket exists: a copy of it
	 * in a child would make the pool's close not the last one */
	gofn_worker *next = fake_worker("f");
	pid_t victim = idle_lingering_worker(p, "a", &peer);
	assert_int_equal(gofn_pool_acquire(p, "b", "f", deadline(), &w), GOFN_GOT_SLOT);
	gofn_pool_stats_get(p, &ps);
	assert_int_equal(ps.reaping, 1); /* its destroy is still waiting for peer */
	assert_int_equal(ps.evictions, 1);
	assert_int_equal(ps.workers, 1);
	assert_false(alive(victim)); /* killed before its place was taken */
	w = next;
	gofn_pool_started(p);
	assert_true(alive(w->pid));
	drain(peer);
	wait_reaped(p);
	assert_true(reaped(victim));
	gofn_pool_release(p, "b", w);
	gofn_pool_free(p, 1000);
}

/* Victims waiting for the reaper are bounded (--max-starting of them, one
 * here): past that the evicting caller destroys its own, so its victim is
 * waited for when the acquire returns. */
static void reaping_is_bounded(void **state)
{
	gofn_config c;
	gofn_pool_stats ps;
	gofn_worker *w = NULL;
	int peer;
	(void)state;
	config(&c, 1);
	c.max_starting = 1;
	gofn_pool *p = gofn_pool_new(&c);
	gofn_worker *bw = fake_worker("f"); /* forked before the lingering socket */
	pid_t stuck = idle_lingering_worker(p, "a", &peer);
	/* a's worker goes to the reaper, stuck */
	assert_int_equal(gofn_pool_acquire(p, "b", "f", deadline(), &w), GOFN_GOT_SLOT);
	gofn_pool_started(p);
	pid_t second = bw->pid;
	gofn_pool_release(p, "b", bw);
	assert_int_equal(gofn_pool_acquire(p, "c", "f", deadline(), &w), GOFN_GOT_SLOT);
	assert_true(reaped(second));
	gofn_pool_stats_get(p, &ps);
	assert_int_equal(ps.reaping, 1);
	assert_int_equal(ps.evictions, 2);
	assert_false(alive(stuck));
	gofn_pool_started(p);
	gofn_pool_release_slot(p, "c");
	drain(peer);
	wait_reaped(p);
	assert_true(reaped(stuck));
	gofn_pool_free(p, 1000);
}

typedef struct caller {
	gofn_pool *p;
	char tenant[16];
	int calls;
	int ok;
	int order; /* when its (last) call got its worker, across all callers */
	pthread_t th;
} caller;

static int order_seq;
static int max_seen;
static pthread_mutex_t seq_mu = PTHREAD_MUTEX_INITIALIZER;

static void *run_caller(void *arg)
{
	caller *cl = arg;
	gofn_pool_stats ps;

	for (int i = 0; i < cl->calls; i++) {
		gofn_worker *w = NULL;
		enum gofn_acquire a = gofn_pool_acquire(cl->p, cl->tenant, "f", deadline(), &w);
		if (a != GOFN_GOT_WORKER && a != GOFN_GOT_SLOT)
			continue;
		if (a == GOFN_GOT_SLOT) {
			w = fake_worker("f");
			gofn_pool_started(cl->p);
		}
		gofn_pool_stats_get(cl->p, &ps);
		pthread_mutex_lock(&seq_mu);
		cl->order = order_seq++;
		if (ps.workers > max_seen)
			max_seen = (int)ps.workers;
		pthread_mutex_unlock(&seq_mu);
		sched_yield(); /* let the others queue behind this one */
		gofn_pool_release(cl->p, cl->tenant, w);
		cl->ok++;
	}
	return NULL;
}

static void start(caller *cl, gofn_pool *p, const char *tenant, int calls)
{
	memset(cl, 0, sizeof *cl);
	cl->p = p;
	cl->calls = calls;
	snprintf(cl->tenant, sizeof cl->tenant, "%s", tenant);
	assert_int_equal(pthread_create(&cl->th, NULL, run_caller, cl), 0);
}

static void budget_of_one_no_deadlock(void **state)
{
	gofn_config c;
	gofn_pool_stats ps;
	enum { NT = 6, PER = 3, CALLS = 4 };
	caller cl[NT * PER];
	(void)state;
	config(&c, 1);
	c.queue_per_tenant = PER;
	gofn_pool *p = gofn_pool_new(&c);
	max_seen = 0;
	for (int i = 0; i < NT * PER; i++) {
		char name[16];
		snprintf(name, sizeof name, "t%d", i % NT);
		start(&cl[i], p, name, CALLS);
	}
	for (int i = 0; i < NT * PER; i++) {
		pthread_join(cl[i].th, NULL);
		assert_int_equal(cl[i].ok, CALLS);
	}
	assert_int_equal(max_seen, 1);
	gofn_pool_stats_get(p, &ps);
	assert_int_equal(ps.workers, 1);
	assert_int_equal(ps.queued, 0);
	gofn_pool_free(p, 1000);
}

static void wait_waiting(gofn_pool *p, const char *tenant, int n)
{
	while (gofn_pool_waiting(p, tenant) < n)
		sched_yield();
}

static void waiting_tenant_served_in_turn(void **state)
{
	gofn_config c;
	gofn_worker *x = NULL;
	caller a[3], b;
	(void)state;
	config(&c, 1);
	gofn_pool *p = gofn_pool_new(&c);
	order_seq = 0;
	/* x holds the only worker; a's three callers queue, then b's one. */
	assert_int_equal(gofn_pool_acquire(p, "x", "f", deadline(), &x), GOFN_GOT_SLOT);
	x = fake_worker("f");
	for (int i = 0; i < 3; i++)
		start(&a[i], p, "a", 1);
	wait_waiting(p, "a", 3);
	start(&b, p, "b", 1);
	wait_waiting(p, "b", 1);
	gofn_pool_release(p, "x", x);
	for (int i = 0; i < 3; i++)
		pthread_join(a[i].th, NULL);
	pthread_join(b.th, NULL);
	/* a was first in the queue, then b's turn came before a's second call,
	 * although a's warm worker was idle right there. */
	assert_int_equal(b.ok, 1);
	assert_int_equal(b.order, 1);
	for (int i = 0; i < 3; i++)
		assert_int_equal(a[i].ok, 1);
	gofn_pool_free(p, 1000);
}

/* Waits until every worker idle now has been idle --warm-idle-ms: the
 * policy below is defined by that age, so the test lets it pass. */
static void let_idle_age(const gofn_config *c)
{
	int64_t until = gofn_now_ms() + c->warm_idle_ms;
	struct timespec ts = {0, 10 * 1000 * 1000};

	while (gofn_now_ms() < until)
		nanosleep(&ts, NULL);
}

/* A tenant's spare idle worker (it holds another) goes before another
 * tenant's last one, even when that one is older; once the spare tenant is
 * down to one worker, plain LRU again. */
static void spare_evicted_before_last(void **state)
{
	gofn_config c;
	gofn_pool_stats ps;
	gofn_worker *a1 = NULL, *a2 = NULL, *w = NULL;
	(void)state;
	config(&c, 3);
	c.warm_idle_ms = 50;
	gofn_pool *p = gofn_pool_new(&c);
	pid_t b = call(p, "b", "f"); /* b's only worker, the oldest idle one */
	assert_int_equal(gofn_pool_acquire(p, "a", "f", deadline(), &a1), GOFN_GOT_SLOT);
	a1 = fake_worker("f");
	assert_int_equal(gofn_pool_acquire(p, "a", "f", deadline(), &a2), GOFN_GOT_SLOT);
	a2 = fake_worker("f");
	pid_t a1pid = a1->pid, a2pid = a2->pid;
	gofn_pool_release(p, "a", a1);
	gofn_pool_release(p, "a", a2);
	let_idle_age(&c);
	/* c needs room: a's older spare goes, b's last worker stays. */
	assert_int_equal(gofn_pool_acquire(p, "c", "f", deadline(), &w), GOFN_GOT_SLOT);
	assert_false(alive(a1pid));
	assert_true(alive(b) && alive(a2pid));
	assert_int_equal(gofn_pool_workers(p, "a"), 1);
	/* a2 went idle as a spare but is a's last now: d evicts by age, b first. */
	assert_int_equal(gofn_pool_acquire(p, "d", "f", deadline(), &w), GOFN_GOT_SLOT);
	gofn_pool_release_slot(p, "c");
	gofn_pool_release_slot(p, "d");
	assert_false(alive(b));
	assert_true(alive(a2pid));
	gofn_pool_stats_get(p, &ps);
	assert_int_equal(ps.evictions, 2);
	assert_int_equal(ps.idle, 1);
	gofn_pool_free(p, 1000);
}

/* --warm-workers: beyond the soft budget, workers idle --warm-idle-ms are
 * stopped, least recently used first, down to the soft budget; the most
 * recent stays warm and nothing counts as an eviction. */
static void warm_budget_shrinks_idle_pool(void **state)
{
	gofn_config c;
	gofn_pool_stats ps;
	pid_t pids[3];
	const char *names[3] = {"t0", "t1", "t2"};
	(void)state;
	config(&c, 4);
	c.warm_workers = 1;
	c.warm_idle_ms = 1;
	gofn_pool *p = gofn_pool_new(&c);
	for (int i = 0; i < 3; i++)
		pids[i] = call(p, names[i], "f");
	/* The reaper counts them out, then kills them outside the mutex. */
	int64_t give_up = deadline();
	do {
		sched_yield();
		gofn_pool_stats_get(p, &ps);
	} while ((ps.workers > 1 || alive(pids[0]) || alive(pids[1])) && gofn_now_ms() < give_up);
	assert_int_equal(ps.workers, 1);
	assert_int_equal(ps.evictions, 0);
	assert_false(alive(pids[0]) || alive(pids[1]));
	assert_int_equal(call(p, "t2", "f"), pids[2]);
	gofn_pool_free(p, 1000);
}

/* A caller in its own thread, for the client-gone and start-limit tests. */
typedef struct waiter_call {
	gofn_pool *p;
	const char *tenant;
	int fd; /* its client's connection, -1: none */
	int64_t deadline;
	enum gofn_acquire got;
	gofn_worker *w;
	pthread_t th;
} waiter_call;

static void *run_waiter(void *arg)
{
	waiter_call *wc = arg;

	wc->got = gofn_pool_acquire_for(wc->p, wc->tenant, "f", wc->deadline, wc->fd, &wc->w);
	return NULL;
}

static void start_waiter(waiter_call *wc, gofn_pool *p, const char *tenant, int fd)
{
	*wc = (waiter_call){.p = p, .tenant = tenant, .fd = fd, .deadline = deadline()};
	assert_int_equal(pthread_create(&wc->th, NULL, run_waiter, wc), 0);
	wait_waiting(p, tenant, 1);
}

/* A caller queued for the budget whose client closes its connection leaves
 * the queue soon (GOFN_GONE_AFTER_MS): answered GOFN_CLIENT_GONE long before its deadline,
 * counted, no slot taken for it (the budget's one worker is still the busy
 * one's); a caller whose client stays gets the room when it comes. One
 * whose connection closed before it came is not queued either. */
static void client_gone_leaves_queue(void **state)
{
	gofn_config c;
	gofn_pool_stats ps;
	gofn_worker *busy = NULL, *w = NULL;
	waiter_call gone, stays;
	int cs[2], ks[2];
	(void)state;
	config(&c, 1);
	gofn_pool *p = gofn_pool_new(&c);
	assert_int_equal(gofn_pool_acquire(p, "x", "f", deadline(), &busy), GOFN_GOT_SLOT);
	busy = fake_worker("f");
	gofn_pool_started(p);
	/* After the fork: a stand-in worker holding the client's end would keep it open. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, cs), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ks), 0);
	start_waiter(&gone, p, "a", cs[0]);
	start_waiter(&stays, p, "b", ks[0]);
	close(cs[1]); /* a's client gives up */
	pthread_join(gone.th, NULL);
	assert_int_equal(gone.got, GOFN_CLIENT_GONE);
	assert_null(gone.w);
	gofn_pool_stats_get(p, &ps);
	assert_int_equal(ps.abandoned, 1);
	assert_int_equal(ps.workers, 1);
	assert_int_equal(ps.queued, 1); /* b's */
	assert_int_equal(gofn_pool_workers(p, "a"), 0);
	/* x's worker goes idle: b, whose client is still there, takes its place. */
	gofn_pool_release(p, "x", busy);
	pthread_join(stays.th, NULL);
	assert_int_equal(stays.got, GOFN_GOT_SLOT);
	gofn_pool_started(p);
	/* a's connection is closed already: it would wait (b holds the budget's
	 * worker), so it leaves once it is watched (GOFN_GONE_AFTER_MS), long
	 * before its deadline. */
	assert_int_equal(gofn_pool_acquire_for(p, "a", "f", deadline(), cs[0], &w),
			 GOFN_CLIENT_GONE);
	gofn_pool_stats_get(p, &ps);
	assert_int_equal(ps.abandoned, 2);
	assert_int_equal(ps.workers, 1);
	gofn_pool_release_slot(p, "b");
	close(cs[0]);
	close(ks[0]);
	close(ks[1]);
	gofn_pool_free(p, 1000);
}

/* --max-starting 1: while one cold start is in progress another tenant's
 * call waits (until its deadline: GOFN_QUEUE_TIMEOUT), a warm call is served
 * at once, and the end of the start lets the next one begin. */
static void cold_starts_limited(void **state)
{
	gofn_config c;
	gofn_pool_stats ps;
	gofn_worker *w = NULL, *none = NULL;
	waiter_call next;
	(void)state;
	config(&c, 16);
	c.max_starting = 1;
	gofn_pool *p = gofn_pool_new(&c);
	pid_t warm = call(p, "warm", "f");
	assert_int_equal(gofn_pool_acquire(p, "a", "f", deadline(), &w), GOFN_GOT_SLOT);
	gofn_pool_stats_get(p, &ps);
	assert_int_equal(ps.starting, 1);
	assert_int_equal(ps.max_starting, 1);
	/* The budget has room, the start limit has none. */
	assert_int_equal(gofn_pool_acquire(p, "b", "f", gofn_now_ms() + 50, &none),
			 GOFN_QUEUE_TIMEOUT);
	assert_null(none);
	start_waiter(&next, p, "c", -1);
	assert_int_equal(call(p, "warm", "f"), warm); /* not held up by c's wait */
	gofn_pool_stats_get(p, &ps);
	assert_int_equal(ps.starting, 1);
	assert_int_equal(ps.queued, 1);
	assert_int_equal(ps.workers, 2); /* warm's and a's: none for b or c yet */
	w = fake_worker("f");
	gofn_pool_started(p); /* a's start is over: c's begins */
	pthread_join(next.th, NULL);
	assert_int_equal(next.got, GOFN_GOT_SLOT);
	gofn_pool_stats_get(p, &ps);
	assert_int_equal(ps.starting, 1);
	gofn_pool_started(p);
	gofn_pool_release(p, "a", w);
	gofn_pool_release_slot(p, "c");
	gofn_pool_free(p, 1000);
}

/* An extra worker (its tenant's workers are all busy) is a latency
 * optimisation for one tenant: with the budget full it takes another
 * tenant's spare idle worker, never another's last warm one while that is
 * younger than --warm-idle-ms; with no spare it waits for its own tenant's
 * workers (GOFN_EXTRA_TAKES_LAST_MS at most, 2 s). (A first worker still
 * evicts the least recently used, last or not: budget_bounds_and_evicts_lru.)
 * Before, the extra evicted the least recently used whatever it was (b). */
static void extra_worker_spares_last_workers(void **state)
{
	gofn_config c;
	gofn_pool_stats ps;
	gofn_worker *a1 = NULL, *a2 = NULL, *c1 = NULL, *c2 = NULL, *none = NULL;
	(void)state;
	config(&c, 4);
	gofn_pool *p = gofn_pool_new(&c);
	pid_t b = call(p, "b", "f"); /* b's only worker, the oldest idle one */
	assert_int_equal(gofn_pool_acquire(p, "a", "f", deadline(), &a1), GOFN_GOT_SLOT);
	a1 = fake_worker("f");
	gofn_pool_started(p);
	assert_int_equal(gofn_pool_acquire(p, "a", "f", deadline(), &a2), GOFN_GOT_SLOT);
	a2 = fake_worker("f");
	gofn_pool_started(p);
	pid_t a2pid = a2->pid;
	gofn_pool_release(p, "a", a2); /* a's spare: a1 is still busy */
	assert_int_equal(gofn_pool_acquire(p, "c", "f", deadline(), &c1), GOFN_GOT_SLOT);
	c1 = fake_worker("f");
	gofn_pool_started(p);
	/* The budget is full; c wants an extra: a's spare goes, b's last stays. */
	assert_int_equal(gofn_pool_acquire(p, "c", "f", deadline(), &c2), GOFN_GOT_SLOT);
	c2 = fake_worker("f");
	gofn_pool_started(p);
	assert_false(alive(a2pid));
	assert_true(alive(b));
	/* No spare left: a third worker for c waits rather than take b's. */
	assert_int_equal(gofn_pool_acquire(p, "c", "f", gofn_now_ms() + 300, &none),
			 GOFN_QUEUE_TIMEOUT);
	assert_null(none);
	assert_true(alive(b));
	gofn_pool_stats_get(p, &ps);
	assert_int_equal(ps.evictions, 1);
	/* It is served by c's own worker when one comes back. */
	waiter_call third;
	start_waiter(&third, p, "c", -1);
	pid_t c1pid = c1->pid;
	gofn_pool_release(p, "c", c1);
	pthread_join(third.th, NULL);
	assert_int_equal(third.got, GOFN_GOT_WORKER);
	assert_int_equal(third.w->pid, c1pid);
	assert_true(alive(b));
	/* A call that waits GOFN_EXTRA_TAKES_LAST_MS for c's workers takes the
	 * least recently used, b's (a bound for a long call, not a timing
	 * claim: the deadline is far). */
	assert_int_equal(gofn_pool_acquire(p, "c", "f", deadline(), &none), GOFN_GOT_SLOT);
	gofn_pool_started(p);
	assert_false(alive(b));
	gofn_pool_release_slot(p, "c");
	gofn_pool_stats_get(p, &ps);
	assert_int_equal(ps.evictions, 2);
	gofn_pool_release(p, "c", third.w);
	gofn_pool_release(p, "c", c2);
	gofn_pool_release(p, "a", a1);
	gofn_pool_free(p, 1000);
}

/* The wait before an extra worker is one recent cold start: a worker's
 * first result after LOAD and INIT (three exchanges, one INVOKE) counts.
 * Before, only a worker whose first exchange was its call counted, that
 * is none, and the wait stayed at its 25 ms floor whatever the load. */
static void spawn_wait_follows_cold_starts(void **state)
{
	gofn_config c;
	gofn_pool_stats ps;
	gofn_worker *w = NULL;
	(void)state;
	config(&c, 4);
	gofn_pool *p = gofn_pool_new(&c);
	gofn_pool_stats_get(p, &ps);
	assert_int_equal(ps.spawn_wait_ms, 25);
	assert_int_equal(gofn_pool_acquire(p, "a", "f", deadline(), &w), GOFN_GOT_SLOT);
	w = fake_worker("f");
	gofn_pool_started(p);
	w->invocations = 3; /* LOAD, INIT, INVOKE */
	w->calls = 1;
	w->first_result_us = 300 * 1000;
	gofn_pool_release(p, "a", w);
	gofn_pool_stats_get(p, &ps);
	assert_int_equal(ps.spawn_wait_ms, 300);
	/* Its next call is no cold start. */
	assert_int_equal(gofn_pool_acquire(p, "a", "f", deadline(), &w), GOFN_GOT_WORKER);
	w->invocations = 4;
	w->calls = 2;
	gofn_pool_release(p, "a", w);
	gofn_pool_stats_get(p, &ps);
	assert_int_equal(ps.spawn_wait_ms, 300);
	gofn_pool_free(p, 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(budget_bounds_and_evicts_lru),
	    cmocka_unit_test(busy_worker_never_evicted),
	    cmocka_unit_test(busy_tenant_gets_a_second_worker),
	    cmocka_unit_test(dead_idle_worker_reaped),
	    cmocka_unit_test(eviction_does_not_wait_for_the_victim),
	    cmocka_unit_test(reaping_is_bounded),
	    cmocka_unit_test(budget_of_one_no_deadlock),
	    cmocka_unit_test(waiting_tenant_served_in_turn),
	    cmocka_unit_test(spare_evicted_before_last),
	    cmocka_unit_test(warm_budget_shrinks_idle_pool),
	    cmocka_unit_test(client_gone_leaves_queue),
	    cmocka_unit_test(cold_starts_limited),
	    cmocka_unit_test(extra_worker_spares_last_workers),
	    cmocka_unit_test(spawn_wait_follows_cold_starts),
	};
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
