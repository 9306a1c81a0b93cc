/* How a worker waits for its next request (loader/host/cli/worker_wait.h):
 * in C when the last request came within GOFN_WORKER_HOT_MS of the reply
 * or the worker is trimmed, otherwise Go's wait (in its netpoller) up to
 * the idle trim. A socketpair stands for the control socket. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/clock.h"
#include "loader/host/cli/worker_trim.h"
#include "loader/host/cli/worker_wait.h"

typedef struct pair {
	int worker, server;
} pair;

static int setup(void **state)
{
	static pair p;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	p = (pair){sv[0], sv[1]};
	*state = &p;
	return 0;
}

static int teardown(void **state)
{
	pair *p = *state;
	close(p->worker);
	if (p->server >= 0)
		close(p->server);
	return 0;
}

/* A wait whose reply went out ago_ms milliseconds ago (negative: it goes
 * out later, i.e. the request came at once whatever the machine's load). */
static gofn_worker_wait wait_since(const pair *p, int64_t ago_ms)
{
	gofn_worker_wait ww = {.fd = p->worker};
	gofn_worker_wait_idle_from_now(&ww);
	ww.since_us -= ago_ms * 1000;
	return ww;
}

static void request(const pair *p)
{
	assert_int_equal(write(p->server, "x", 1), 1);
}

static void test_nothing_to_read_is_gos_wait_up_to_the_trim(void **state)
{
	const pair *p = *state;
	gofn_worker_wait ww = wait_since(p, 0);
	int ms = -1;

	assert_int_equal(gofn_worker_wait_ready(&ww, 0, &ms), 0);
	assert_true(ms > 0 && ms <= GOFN_WORKER_TRIM_DELAY_MS);
	/* idle for 400 ms already: Go waits what is left of the delay */
	ww = wait_since(p, 400);
	assert_int_equal(gofn_worker_wait_ready(&ww, 0, &ms), 0);
	assert_true(ms <= GOFN_WORKER_TRIM_DELAY_MS - 400);
	/* past the delay: no wait, trim now */
	ww = wait_since(p, 10 * GOFN_WORKER_TRIM_DELAY_MS);
	assert_int_equal(gofn_worker_wait_ready(&ww, 0, &ms), 0);
	assert_int_equal(ms, 0);
}

static void test_a_request_soon_after_the_reply_makes_it_hot(void **state)
{
	const pair *p = *state;
	char b;
	int ms;

	request(p);
	gofn_worker_wait ww = wait_since(p, -60 * 1000);
	assert_int_equal(gofn_worker_wait_ready(&ww, 0, &ms), 1);
	assert_true(ww.hot);
	assert_int_equal(read(p->worker, &b, 1), 1);
	/* a late one: not hot, and a wait past its hot window is Go's again */
	request(p);
	ww = wait_since(p, 20 * GOFN_WORKER_HOT_MS);
	assert_int_equal(gofn_worker_wait_ready(&ww, 0, &ms), 1);
	assert_false(ww.hot);
	assert_int_equal(read(p->worker, &b, 1), 1);
	ww.hot = 1;
	assert_int_equal(gofn_worker_wait_ready(&ww, 0, &ms), 0);
	assert_false(ww.hot);
}

static void test_a_hot_worker_waits_in_c(void **state)
{
	const pair *p = *state;
	gofn_worker_wait ww = wait_since(p, 0);
	int ms = -1;

	ww.hot = 1;
	/* nothing comes: it waited here until its hot window (counted from
	 * the reply) was over, then hands over to Go */
	assert_int_equal(gofn_worker_wait_ready(&ww, 0, &ms), 0);
	assert_true(gofn_mono_us() - ww.since_us >= (GOFN_WORKER_HOT_MS - 1) * 1000);
	assert_false(ww.hot);
	assert_true(ms > 0);
}

static void test_trimmed_waits_in_c_and_the_end_is_ready(void **state)
{
	pair *p = *state;
	gofn_worker_wait ww = wait_since(p, 10 * GOFN_WORKER_TRIM_DELAY_MS);
	char b;
	int ms;

	gofn_worker_wait_trim(&ww);
	assert_true(ww.trimmed);
	request(p);
	assert_int_equal(gofn_worker_wait_ready(&ww, 0, &ms), 1);
	assert_false(ww.trimmed);
	assert_int_equal(read(p->worker, &b, 1), 1);
	/* the server closed: ready (the receive says it is over), even trimmed */
	gofn_worker_wait_trim(&ww);
	close(p->server);
	p->server = -1;
	assert_int_equal(gofn_worker_wait_ready(&ww, 0, &ms), 1);
}

/* A raw step (loader/host/cli/cli.h) never waits here: a hot or trimmed
 * worker's wait is left to the cgo step (-1, nothing changed); a cold
 * one looks without waiting, as the cgo step does. */
static void test_a_raw_look_never_waits(void **state)
{
	const pair *p = *state;
	gofn_worker_wait ww = wait_since(p, 0);
	char b;
	int ms = -1;

	ww.hot = 1;
	assert_int_equal(gofn_worker_wait_ready(&ww, 1, &ms), -1);
	assert_true(ww.hot);
	assert_int_equal(ms, -1);
	request(p); /* even with a request there: the cgo step takes it */
	assert_int_equal(gofn_worker_wait_ready(&ww, 1, &ms), -1);
	ww.hot = 0;
	gofn_worker_wait_trim(&ww);
	assert_int_equal(gofn_worker_wait_ready(&ww, 1, &ms), -1);
	assert_true(ww.trimmed);
	/* cold: the request is taken, and nothing there is Go's wait */
	ww = wait_since(p, 20 * GOFN_WORKER_HOT_MS);
	assert_int_equal(gofn_worker_wait_ready(&ww, 1, &ms), 1);
	assert_int_equal(read(p->worker, &b, 1), 1);
	assert_int_equal(gofn_worker_wait_ready(&ww, 1, &ms), 0);
	assert_true(ms > 0 && ms <= GOFN_WORKER_TRIM_DELAY_MS);
}

/* Readable now (poll, no wait): what Go's netpoller would be told. */
static int readable(int fd)
{
	struct pollfd pf = {.fd = fd, .events = POLLIN};
	return poll(&pf, 1, 0) == 1 && (pf.revents & POLLIN);
}

/* Go waits on an epoll instance watching the control socket for input
 * only: readable when a request is there, and no wake-up when gofnd reads
 * a reply (which frees the worker's send buffer: an EPOLLOUT event that,
 * on the socket itself, woke the netpoller's thread once per call). */
static void test_go_waits_for_input_only(void **state)
{
	const pair *p = *state;
	gofn_worker_wait ww = {.fd = p->worker};
	int ep = gofn_worker_wait_input_fd(&ww);
	struct epoll_event ev;
	char c;

	assert_int_not_equal(ep, p->worker);
	assert_false(readable(ep));
	/* A reply out and read by the peer: the socket became writable again,
	 * the wait descriptor says nothing. */
	assert_int_equal(write(p->worker, "r", 1), 1);
	assert_int_equal(read(p->server, &c, 1), 1);
	assert_false(readable(ep));
	assert_int_equal(epoll_wait(ep, &ev, 1, 0), 0);
	/* A request: readable, and stays so until C reads it. */
	request(p);
	assert_true(readable(ep));
	assert_true(readable(ep));
	assert_int_equal(read(p->worker, &c, 1), 1);
	assert_false(readable(ep));
	/* gofnd gone: readable (C's next read sees the end). */
	close(p->server);
	((pair *)p)->server = -1;
	assert_true(readable(ep));
	close(ep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_nothing_to_read_is_gos_wait_up_to_the_trim, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_a_request_soon_after_the_reply_makes_it_hot, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_a_hot_worker_waits_in_c, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_a_raw_look_never_waits, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_go_waits_for_input_only, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_trimmed_waits_in_c_and_the_end_is_ready, setup,
					    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
