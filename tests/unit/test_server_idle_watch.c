/* The idle watch by events (server/pool_idle_watch.c) on a real process
 * standing in for an idle worker: a child holding the other end of its
 * control socket that, told through a pipe, writes to it, exits, or burns
 * CPU. What each test asserts: a quiet worker costs no full check after its
 * first look, however many ticks pass; each misbehaviour is still found
 * (speaking, exiting, CPU while idle), by the event it raises; a CPU timer
 * armed for an earlier idle period fires early, not late. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/clock.h"
#include "sandbox/sandbox.h"
#include "server/callwatch.h"
#include "server/config.h"
#include "server/pool_idle.h"

typedef struct fake {
	gofn_worker w;
	int cmd;  /* commands to the child */
	int peer; /* the child's end of ctrl (kept to write from the test too) */
} fake;

static uint64_t cpu_ms_of(pid_t pid)
{
	gofn_cpuclock c = gofn_cpuclock_of(pid);
	return gofn_cpuclock_ms(&c);
}

/* The child: 'w' writes a byte to ctrl, 'x' exits, 'B' burns 80 ms of CPU
 * and waits again, 'b' burns until killed. */
static void child(int cmd, int peer)
{
	char c;
	struct timespec t0, t;

	while (read(cmd, &c, 1) == 1) {
		if (c == 'w' && write(peer, "!", 1) != 1)
			_exit(3);
		if (c == 'x')
			_exit(0);
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
		for (t = t0;
		     c == 'b' ||
		     (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 < 80;)
			clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	}
	_exit(0);
}

static void fake_start(fake *f, unsigned layers)
{
	int sv[2], pp[2];

	memset(f, 0, sizeof *f);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(pipe2(pp, O_CLOEXEC), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(sv[0]);
		close(pp[1]);
		child(pp[0], sv[1]);
	}
	close(pp[0]);
	f->cmd = pp[1];
	f->peer = sv[1];
	f->w.pid = pid;
	f->w.ctrl = sv[0];
	f->w.sp.proc.pid = pid;
	f->w.sp.proc.pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	assert_true(f->w.sp.proc.pidfd >= 0);
	f->w.sp.proc.layers = layers;
	f->w.spawned_us = gofn_mono_us();
	f->w.cpu = gofn_cpuclock_of(pid);
	assert_true(f->w.cpu.ok);
	f->w.idle_cpu_ms = gofn_cpuclock_ms(&f->w.cpu);
	f->w.idle_seq = 1;
}

static void fake_stop(fake *f)
{
	kill(f->w.pid, SIGKILL);
	waitpid(f->w.pid, NULL, 0);
	close(f->w.ctrl);
	close(f->peer);
	close(f->cmd);
	close(f->w.sp.proc.pidfd);
}

static void say(fake *f, char c)
{
	assert_int_equal(write(f->cmd, &c, 1), 1);
}

/* One tick over the one worker: its finding's event, or NULL. */
static const char *tick(gofn_idle_watch *iw, const gofn_config *c, const gofn_worker *w)
{
	gofn_idle_finding why;
	int bad;

	gofn_idle_watch_begin(iw);
	bad = gofn_idle_watch_check(iw, c, w, &why);
	gofn_idle_watch_end(iw);
	return bad ? why.event : NULL;
}

static void wait_readable(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int r;

	while ((r = poll(&p, 1, -1)) < 0 && errno == EINTR)
		;
	assert_int_equal(r, 1);
}

/* A short nap between looks at a condition with no descriptor to wait on
 * (a process's CPU clock), never the assertion itself. */
static void nap(void)
{
	struct timespec ts = {0, 5 * 1000 * 1000};
	nanosleep(&ts, NULL);
}

static gofn_config cfg;

static int setup(void **state)
{
	(void)state;
	gofn_config_defaults(&cfg);
	cfg.idle_cpu_ms = 50;
	return 0;
}

/* A quiet worker: one full check (its first look), then none for 100 ticks;
 * one without a cgroup (its RSS is only seen by reading it) every tick. */
static void quiet_worker_costs_one_look(void **state)
{
	fake f, plain;
	gofn_idle_watch *iw = gofn_idle_watch_new();

	(void)state;
	assert_non_null(iw);
	fake_start(&f, GOFN_LAYER_CGROUP);
	for (int i = 0; i < 100; i++)
		assert_null(tick(iw, &cfg, &f.w));
	assert_int_equal(gofn_idle_watch_full_checks(iw), 1);
	fake_start(&plain, 0);
	for (int i = 0; i < 10; i++)
		assert_null(tick(iw, &cfg, &plain.w));
	assert_int_equal(gofn_idle_watch_full_checks(iw), 11);
	gofn_idle_watch_free(iw);
	fake_stop(&f);
	fake_stop(&plain);
}

/* Speaking out of turn, and exiting, are found on the next tick. */
static void speaking_or_exiting_is_found(void **state)
{
	fake f, g;
	gofn_idle_watch *iw = gofn_idle_watch_new();

	(void)state;
	fake_start(&f, GOFN_LAYER_CGROUP);
	fake_start(&g, GOFN_LAYER_CGROUP);
	assert_null(tick(iw, &cfg, &f.w));
	assert_null(tick(iw, &cfg, &g.w));
	say(&f, 'w');
	wait_readable(f.w.ctrl);
	assert_string_equal(tick(iw, &cfg, &f.w), "worker_lost");
	say(&g, 'x');
	wait_readable(g.w.sp.proc.pidfd);
	assert_string_equal(tick(iw, &cfg, &g.w), "worker_lost");
	assert_int_equal(gofn_idle_watch_full_checks(iw), 4);
	gofn_idle_watch_free(iw);
	fake_stop(&f);
	fake_stop(&g);
}

/* Loops ticks (napping) until w is found or has burnt 5 s of CPU. */
static const char *tick_until_found(gofn_idle_watch *iw, fake *f)
{
	const char *ev = NULL;
	uint64_t end = f->w.idle_cpu_ms + 5000;

	while (!(ev = tick(iw, &cfg, &f->w)) && cpu_ms_of(f->w.pid) < end)
		nap();
	return ev;
}

/* CPU while idle is found by its timer. Its timer, armed for the first
 * idle period, fires during a "call" (the child burns 80 ms while the test
 * shows it to no tick); the next idle period (a new baseline) gets one full
 * check that finds nothing and re-arms; a burn after that is found. */
static void cpu_while_idle_is_found(void **state)
{
	fake f;
	gofn_idle_watch *iw = gofn_idle_watch_new();
	gofn_idle_finding why;

	(void)state;
	fake_start(&f, GOFN_LAYER_CGROUP);
	assert_null(tick(iw, &cfg, &f.w));
	say(&f, 'B');
	while (cpu_ms_of(f.w.pid) < f.w.idle_cpu_ms + 80) {
		gofn_idle_watch_begin(iw); /* ticks pass; it is not idle */
		gofn_idle_watch_end(iw);
		nap();
	}
	f.w.idle_cpu_ms = cpu_ms_of(f.w.pid); /* its call ended */
	f.w.idle_seq++;
	/* The timer's signal may come a scheduler tick after the CPU passed. */
	while (gofn_idle_watch_full_checks(iw) < 2 && cpu_ms_of(f.w.pid) < f.w.idle_cpu_ms + 5000) {
		gofn_idle_watch_begin(iw);
		assert_false(gofn_idle_watch_check(iw, &cfg, &f.w, &why));
		gofn_idle_watch_end(iw);
		nap();
	}
	assert_int_equal(gofn_idle_watch_full_checks(iw), 2);
	for (int i = 0; i < 20; i++)
		assert_null(tick(iw, &cfg, &f.w));
	assert_int_equal(gofn_idle_watch_full_checks(iw), 2);
	say(&f, 'b');
	assert_string_equal(tick_until_found(iw, &f), "idle_worker_used_cpu");
	assert_true(gofn_idle_watch_full_checks(iw) <= 4);
	gofn_idle_watch_free(iw);
	fake_stop(&f);
}

/* A pid seen again for another worker (pids are reused) is a first look. */
static void reused_pid_is_a_new_worker(void **state)
{
	fake f;
	gofn_idle_watch *iw = gofn_idle_watch_new();

	(void)state;
	fake_start(&f, GOFN_LAYER_CGROUP);
	assert_null(tick(iw, &cfg, &f.w));
	assert_null(tick(iw, &cfg, &f.w));
	f.w.spawned_us++;
	assert_null(tick(iw, &cfg, &f.w));
	assert_int_equal(gofn_idle_watch_full_checks(iw), 2);
	gofn_idle_watch_free(iw);
	fake_stop(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(quiet_worker_costs_one_look, setup),
	    cmocka_unit_test_setup(speaking_or_exiting_is_found, setup),
	    cmocka_unit_test_setup(cpu_while_idle_is_found, setup),
	    cmocka_unit_test_setup(reused_pid_is_a_new_worker, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
