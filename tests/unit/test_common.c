/* The small shared pieces in common/: clock, FNV-1a, growable buffer and
 * the EINTR-restarting system calls. */
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/hash.h"
#include "common/io.h"

static void test_clock_moves_forward(void **state)
{
	(void)state;
	int64_t a = gofn_mono_us();
	usleep(2000);
	int64_t b = gofn_mono_us();
	assert_true(b - a >= 2000);
	assert_true(gofn_now_ms() >= b / 1000);
}

static void test_fnv1a_vectors(void **state)
{
	(void)state;
	/* the published FNV-1a 64 test vectors */
	assert_true(gofn_fnv1a(GOFN_FNV1A_INIT, "", 0) == 0xcbf29ce484222325ull);
	assert_true(gofn_fnv1a(GOFN_FNV1A_INIT, "a", 1) == 0xaf63dc4c8601ec8cull);
	assert_true(gofn_fnv1a(GOFN_FNV1A_INIT, "foobar", 6) == 0x85944171f73967e8ull);
	/* continuing equals hashing the concatenation */
	assert_true(gofn_fnv1a(gofn_fnv1a(GOFN_FNV1A_INIT, "foo", 3), "bar", 3) ==
		    0x85944171f73967e8ull);
}

static void test_buf_grows_and_takes(void **state)
{
	gofn_buf b = {0};

	(void)state;
	for (int i = 0; i < 1000; i++)
		gofn_buf_printf(&b, "%d,", i);
	gofn_buf_add(&b, "x", 1);
	assert_false(b.oom);
	assert_int_equal(b.n, strlen(b.p));
	assert_int_equal(strncmp(b.p, "0,1,2,", 6), 0);
	assert_int_equal(b.p[b.n - 1], 'x');
	char *s = gofn_buf_take(&b);
	assert_null(b.p);
	assert_int_equal(s[strlen(s) - 1], 'x');
	free(s);
	s = gofn_buf_take(&b); /* nothing added: an empty string, not NULL */
	assert_string_equal(s, "");
	free(s);
	b.oom = 1; /* once out of memory, the result is NULL, whatever follows */
	gofn_buf_str(&b, "lost");
	assert_null(gofn_buf_take(&b));
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* A handler without SA_RESTART interrupts the wait: gofn_poll still waits
 * its whole timeout, where poll() returned EINTR (issue 12, fuzz/http). */
static void test_poll_survives_signals(void **state)
{
	struct sigaction sa = {.sa_handler = on_alarm};
	struct itimerval it = {.it_interval = {0, 5000}, .it_value = {0, 5000}};
	int p[2];

	(void)state;
	sigaction(SIGALRM, &sa, NULL);
	assert_int_equal(pipe(p), 0);
	setitimer(ITIMER_REAL, &it, NULL);
	struct pollfd pf = {.fd = p[0], .events = POLLIN};
	int64_t t0 = gofn_now_ms();
	assert_int_equal(gofn_poll(&pf, 1, 100), 0);
	assert_true(gofn_now_ms() - t0 >= 100);
	/* reads and writes restart too */
	assert_int_equal(gofn_write_all(p[1], "hi", 2), 0);
	char buf[2];
	assert_int_equal(gofn_read_full(p[0], buf, 2), 2);
	it = (struct itimerval){0};
	setitimer(ITIMER_REAL, &it, NULL);
	close(p[0]);
	close(p[1]);
}

static void test_connect_reports_refusal(void **state)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t n = sizeof a;
	int l = socket(AF_INET, SOCK_STREAM, 0), s;

	(void)state;
	/* a port that was just free: bind, learn it, close */
	assert_int_equal(bind(l, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(getsockname(l, (struct sockaddr *)&a, &n), 0);
	assert_int_equal(listen(l, 1), 0);
	s = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(gofn_connect(s, (struct sockaddr *)&a, sizeof a), 0);
	close(s);
	close(l);
	s = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(gofn_connect(s, (struct sockaddr *)&a, sizeof a), -1);
	assert_int_equal(errno, ECONNREFUSED);
	close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_clock_moves_forward),
	    cmocka_unit_test(test_fnv1a_vectors),
	    cmocka_unit_test(test_buf_grows_and_takes),
	    cmocka_unit_test(test_poll_survives_signals),
	    cmocka_unit_test(test_connect_reports_refusal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
