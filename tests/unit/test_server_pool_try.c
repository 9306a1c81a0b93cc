/* The pool's evented side (gofn_pool_try, server/reactor.h) with stand-in
 * workers: a warm idle worker is taken without waiting; with every worker
 * of the tenant busy at its limit the call queues, and a released worker
 * is handed to the queue's head in turn (by the releasing thread, the
 * worker still busy); a full queue refuses; a cancelled call leaves the
 * queue; a call for another function, a worker that died, and shutdown
 * each tell the queued call to go (the blocking path, or refused). */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
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
		close(sv[0]);
		while (read(sv[1], &c, 1) != 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(sv[1]);
	gofn_worker *w = calloc(1, sizeof *w);
	assert_non_null(w);
	w->pid = pid;
	w->ctrl = sv[0];
	w->sp.proc.pidfd = -1;
	w->out_fd = w->err_fd = -1;
	snprintf(w->function, sizeof w->function, "%s", function);
	return w;
}

/* A queued call's answer, as the pool gave it. */
typedef struct waiter {
	gofn_evwait wt;
	int calls;
	gofn_worker *w;
	enum gofn_acquire why;
} waiter;

static void answered(gofn_evwait *wt, gofn_worker *w, enum gofn_acquire why)
{
	waiter *x = (waiter *)wt;

	x->calls++;
	x->w = w;
	x->why = why;
}

static void waiter_init(waiter *x, const char *function)
{
	memset(x, 0, sizeof *x);
	x->wt.fn = answered;
	snprintf(x->wt.function, sizeof x->wt.function, "%s", function);
}

static gofn_pool *pool(gofn_config *c, int per_tenant, int queue)
{
	gofn_config_defaults(c);
	c->workers_per_tenant = per_tenant;
	c->queue_per_tenant = queue;
	c->idle_ms = 3600000; /* the reaper must not take idle workers here */
	c->max_starting = 1000;
	return gofn_pool_new(c);
}

/* A new worker of tenant for function, busy (as a cold start leaves it). */
static gofn_worker *busy_new(gofn_pool *p, const char *tenant, const char *function)
{
	gofn_worker *w = NULL;

	assert_int_equal(
	    gofn_pool_acquire(p, tenant, function, gofn_now_ms() + LONG_DEADLINE_MS, &w),
	    GOFN_GOT_SLOT);
	w = fake_worker(function);
	gofn_pool_started(p);
	return w;
}

static void warm_taken_else_blocking_path(void **state)
{
	gofn_config c;
	gofn_worker *w = NULL;
	waiter x;
	(void)state;
	gofn_pool *p = pool(&c, 2, 8);
	waiter_init(&x, "f");
	/* nothing warm, room for a cold start: the blocking path's */
	assert_int_equal(gofn_pool_try(p, "a", &x.wt, &w), GOFN_GOT_SLOT);
	assert_null(w);
	gofn_worker *b = busy_new(p, "a", "f");
	/* one busy, room for another: still a cold start (or the spawn wait) */
	assert_int_equal(gofn_pool_try(p, "a", &x.wt, &w), GOFN_GOT_SLOT);
	gofn_pool_release(p, "a", b);
	assert_int_equal(gofn_pool_try(p, "a", &x.wt, &w), GOFN_GOT_WORKER);
	assert_ptr_equal(w, b);
	gofn_pool_release(p, "a", w);
	assert_int_equal(x.calls, 0);
	gofn_pool_free(p, 1000);
}

static void queued_calls_handed_workers_in_turn(void **state)
{
	gofn_config c;
	gofn_worker *w = NULL;
	gofn_pool_stats ps;
	waiter x[3];
	(void)state;
	gofn_pool *p = pool(&c, 2, 3);
	gofn_worker *b0 = busy_new(p, "a", "f"), *b1 = busy_new(p, "a", "f");
	for (int i = 0; i < 3; i++) {
		waiter_init(&x[i], "f");
		assert_int_equal(gofn_pool_try(p, "a", &x[i].wt, &w), GOFN_QUEUED);
	}
	waiter full;
	waiter_init(&full, "f");
	assert_int_equal(gofn_pool_try(p, "a", &full.wt, &w), GOFN_QUEUE_FULL);
	assert_int_equal(gofn_pool_waiting(p, "a"), 3);
	gofn_pool_stats_get(p, &ps);
	assert_int_equal(ps.queued, 3);
	/* the blocking path sees the queue full too */
	assert_int_equal(gofn_pool_acquire(p, "a", "f", gofn_now_ms() + LONG_DEADLINE_MS, &w),
			 GOFN_QUEUE_FULL);
	gofn_pool_release(p, "a", b1);
	assert_int_equal(x[0].calls, 1);
	assert_ptr_equal(x[0].w, b1);
	assert_int_equal(x[0].why, GOFN_GOT_WORKER);
	assert_int_equal(x[1].calls + x[2].calls, 0);
	gofn_pool_release(p, "a", b0);
	assert_ptr_equal(x[1].w, b0);
	/* handed, not idle: both still busy */
	gofn_pool_stats_get(p, &ps);
	assert_int_equal(ps.idle, 0);
	assert_int_equal(ps.workers, 2);
	gofn_pool_release(p, "a", x[0].w);
	assert_ptr_equal(x[2].w, b1);
	gofn_pool_release(p, "a", x[1].w);
	gofn_pool_release(p, "a", x[2].w);
	gofn_pool_stats_get(p, &ps);
	assert_int_equal(ps.idle, 2);
	assert_int_equal(ps.queued, 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(x[i].calls, 1);
	assert_int_equal(full.calls, 0);
	gofn_pool_free(p, 1000);
}

static void cancelled_call_leaves_queue(void **state)
{
	gofn_config c;
	gofn_worker *w = NULL;
	gofn_pool_stats ps;
	waiter x;
	(void)state;
	gofn_pool *p = pool(&c, 1, 4);
	gofn_worker *b = busy_new(p, "a", "f");
	waiter_init(&x, "f");
	assert_int_equal(gofn_pool_try(p, "a", &x.wt, &w), GOFN_QUEUED);
	assert_int_equal(gofn_pool_cancel(p, &x.wt, GOFN_CLIENT_GONE), 1);
	assert_int_equal(gofn_pool_cancel(p, &x.wt, GOFN_CLIENT_GONE), 0);
	gofn_pool_stats_get(p, &ps);
	assert_int_equal(ps.queued, 0);
	assert_int_equal(ps.abandoned, 1);
	gofn_pool_release(p, "a", b);
	assert_int_equal(x.calls, 0);
	gofn_pool_stats_get(p, &ps);
	assert_int_equal(ps.idle, 1);
	/* a call handed its worker can no longer be cancelled */
	b = busy_new(p, "b", "f");
	waiter_init(&x, "f");
	assert_int_equal(gofn_pool_try(p, "b", &x.wt, &w), GOFN_QUEUED);
	gofn_pool_release(p, "b", b);
	assert_int_equal(x.calls, 1);
	assert_int_equal(gofn_pool_cancel(p, &x.wt, GOFN_QUEUE_TIMEOUT), 0);
	gofn_pool_release(p, "b", x.w);
	gofn_pool_free(p, 1000);
}

static void other_function_death_and_shutdown_send_it_away(void **state)
{
	gofn_config c;
	gofn_worker *w = NULL;
	gofn_pool_stats ps;
	waiter g, f, s;
	(void)state;
	gofn_pool *p = pool(&c, 1, 4);
	gofn_worker *b = busy_new(p, "a", "f");
	waiter_init(&g, "g");
	assert_int_equal(gofn_pool_try(p, "a", &g.wt, &w), GOFN_QUEUED);
	/* f's worker comes back: g's call needs a cold start, the blocking path's */
	gofn_pool_release(p, "a", b);
	assert_int_equal(g.calls, 1);
	assert_null(g.w);
	assert_int_equal(g.why, GOFN_GOT_SLOT);
	gofn_pool_stats_get(p, &ps);
	assert_int_equal(ps.idle, 1);
	/* a worker that died: its slot is free, the queued call goes to start one */
	waiter_init(&f, "f");
	assert_int_equal(gofn_pool_try(p, "a", &f.wt, &w), GOFN_GOT_WORKER);
	assert_int_equal(gofn_pool_try(p, "a", &f.wt, &b), GOFN_QUEUED);
	w->dead = 1;
	gofn_pool_release(p, "a", w);
	assert_int_equal(f.calls, 1);
	assert_null(f.w);
	assert_int_equal(f.why, GOFN_GOT_SLOT);
	/* shutdown refuses the queued */
	b = busy_new(p, "a", "f");
	waiter_init(&s, "f");
	assert_int_equal(gofn_pool_try(p, "a", &s.wt, &w), GOFN_QUEUED);
	gofn_pool_close(p);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.why, GOFN_SHUTTING_DOWN);
	assert_int_equal(gofn_pool_try(p, "a", &s.wt, &w), GOFN_SHUTTING_DOWN);
	gofn_pool_release(p, "a", b);
	gofn_pool_free(p, 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(warm_taken_else_blocking_path),
	    cmocka_unit_test(queued_calls_handed_workers_in_turn),
	    cmocka_unit_test(cancelled_call_leaves_queue),
	    cmocka_unit_test(other_function_death_and_shutdown_send_it_away),
	};
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
