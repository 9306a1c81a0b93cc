/* loader/check_thread.h: the parse's deferred checks on a helper thread
 * give what goobj_parse gives, a good object passes and a bad one fails
 * with goobj_parse's own error, however often the result is asked for;
 * work handed to the thread after the checks runs there, once. */
#include "tests/unit/test_goobj_util.h"

#include "loader/check_thread.h"

#include <errno.h>
#include <pthread.h>
#include <linux/futex.h>
#include <signal.h>
#include <seccomp.h>
#include <sys/wait.h>
#include <unistd.h>

static goobj_archive *parse_deferred(blob b)
{
	goobj_archive *a = NULL;
	gofn_err e = {0};
	if (goobj_parse_deferred("t.o", b.p, b.len, &a, &e) < 0)
		fail_msg("deferred parse failed: %s", e.msg);
	return a;
}

static void good_object_passes(void **state)
{
	blob b = load_testdata("hello.o");
	goobj_archive *a[2] = {parse_deferred(b), parse_deferred(b)};
	gofn_check_job j;
	gofn_err e = {0};

	(void)state;
	assert_int_equal(a[0]->objs[0].checks_pending, 1);
	gofn_check_start(&j, a, 2);
	assert_int_equal(gofn_check_finish(&j, &e), 0);
	assert_int_equal(gofn_check_finish(&j, &e), 0);
	assert_int_equal(a[0]->objs[0].checks_pending, 0);
	assert_int_equal(a[1]->objs[0].checks_pending, 0);
	gofn_check_release(&j);
	goobj_free(a[0]);
	goobj_free(a[1]);
	free(b.p);
}

/* A relocation with an unknown type passes the deferred parse and fails
 * its check with the message goobj_parse gives, in the second archive. */
static void bad_reloc_fails_like_parse(void **state)
{
	blob good = load_testdata("hello.o"), bad = load_testdata("hello.o");
	uint8_t *r = blk_at(bad, GOREL_BLK_RELOC);
	gofn_err want = {0}, e = {0};
	goobj_archive *x = NULL;
	gofn_check_job j;

	(void)state;
	r[5] = 0xee; /* type 0x7eee: not a RelocType */
	r[6] = 0x7e;
	assert_int_equal(goobj_parse("t.o", bad.p, bad.len, &x, &want), -1);
	assert_non_null(strstr(want.msg, "unknown type"));
	goobj_archive *a[2] = {parse_deferred(good), parse_deferred(bad)};
	gofn_check_start(&j, a, 2);
	assert_int_equal(gofn_check_finish(&j, &e), -1);
	assert_int_equal(e.code, want.code);
	assert_string_equal(e.msg, want.msg);
	memset(&e, 0, sizeof e);
	assert_int_equal(gofn_check_finish(&j, &e), -1);
	assert_string_equal(e.msg, want.msg);
	assert_int_equal(a[1]->objs[0].checks_pending, 1);
	gofn_check_release(&j);
	goobj_free(a[0]);
	goobj_free(a[1]);
	free(good.p);
	free(bad.p);
}

/* goobj_parse's archives have nothing left to check. */
static void checked_archive_has_nothing_pending(void **state)
{
	blob b = load_testdata("hello.o");
	goobj_archive *a = parse_ok(b);
	gofn_err e = {0};

	(void)state;
	assert_int_equal(a->objs[0].checks_pending, 0);
	assert_int_equal(goobj_check_deferred(a, &e), 0);
	goobj_free(a);
	free(b.p);
}

typedef struct work_seen {
	pthread_t caller, ran_on;
	int runs;
	int fail;
} work_seen;

static int note_work(void *arg, gofn_err *err)
{
	work_seen *w = arg;
	w->ran_on = pthread_self();
	w->runs++;
	if (w->fail)
		return gofn_errf(err, GOFN_EINVAL, "work failed %d", w->fail);
	return 0;
}

/* Under the worker's seccomp filter a futex operation without
 * FUTEX_PRIVATE_FLAG is a violation (sandbox/seccomp.c): pthread_join's
 * wait for a thread's exit is one (glibc waits on its id shared), and an
 * upload's load in a confined worker failed with "sandbox refused system
 * call futex" when the release came before the thread was gone. Here a
 * child that allows every other call releases each job while its thread
 * still checks (every other one after handing it work and joining it); a
 * shared futex kills it. */
static void release_makes_no_shared_futex_call(void **state)
{
	blob b = load_testdata("hello.o");
	goobj_archive *a[4];
	for (int i = 0; i < 4; i++)
		a[i] = parse_deferred(b);

	(void)state;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
		if (!ctx ||
		    seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(futex), 1,
				     SCMP_A1_32(SCMP_CMP_MASKED_EQ, FUTEX_PRIVATE_FLAG, 0)) < 0 ||
		    seccomp_load(ctx) < 0)
			_exit(2);
		for (int i = 0; i < 200; i++) {
			gofn_check_job j;
			work_seen w = {0};
			gofn_check_start(&j, a, 4);
			if (i % 2 && (gofn_check_finish(&j, NULL) ||
				      (gofn_check_handoff(&j, note_work, &w),
				       gofn_check_join(&j, NULL) || w.runs != 1)))
				_exit(3);
			gofn_check_release(&j);
		}
		_exit(0);
	}
	int st = 0;
	while (waitpid(pid, &st, 0) < 0)
		assert_int_equal(errno, EINTR);
	if (WIFSIGNALED(st))
		fail_msg("the child died of signal %d (SIGSYS %d: a shared futex call)",
			 WTERMSIG(st), SIGSYS);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	for (int i = 0; i < 4; i++)
		goobj_free(a[i]);
	free(b.p);
}

/* Work handed off after the checks runs once, on the helper thread (not
 * the caller's), and the join gives its result and error. */
static void handoff_runs_on_helper(void **state)
{
	blob b = load_testdata("hello.o");
	goobj_archive *a[1] = {parse_deferred(b)};
	gofn_check_job j;
	gofn_err e = {0};

	(void)state;
	for (int fail = 0; fail < 2; fail++) {
		work_seen w = {.caller = pthread_self(), .fail = fail ? 7 : 0};
		gofn_check_start(&j, a, 1);
		assert_int_equal(gofn_check_finish(&j, &e), 0);
		gofn_check_handoff(&j, note_work, &w);
		assert_int_equal(gofn_check_join(&j, &e), fail ? -1 : 0);
		assert_int_equal(w.runs, 1);
		assert_true(j.threaded);
		assert_false(pthread_equal(w.ran_on, w.caller));
		if (fail) {
			assert_int_equal(e.code, GOFN_EINVAL);
			assert_string_equal(e.msg, "work failed 7");
		}
		gofn_check_release(&j);
		assert_int_equal(w.runs, 1);
	}
	goobj_free(a[0]);
	free(b.p);
}

/* A load that fails after its hand-off releases the job without joining:
 * the release waits for the work, which may still write the caller's
 * memory, and 200 jobs released at once never leave a thread waiting. */
static void release_waits_for_handed_off_work(void **state)
{
	blob b = load_testdata("hello.o");
	goobj_archive *a[1] = {parse_deferred(b)};

	(void)state;
	for (int i = 0; i < 200; i++) {
		gofn_check_job j;
		work_seen w = {.caller = pthread_self()};
		gofn_check_start(&j, a, 1);
		if (i % 2 == 0) {
			assert_int_equal(gofn_check_finish(&j, NULL), 0);
			gofn_check_handoff(&j, note_work, &w);
		}
		gofn_check_release(&j);
		assert_int_equal(w.runs, i % 2 == 0);
	}
	goobj_free(a[0]);
	free(b.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(good_object_passes),
	    cmocka_unit_test(bad_reloc_fails_like_parse),
	    cmocka_unit_test(checked_archive_has_nothing_pending),
	    cmocka_unit_test(release_makes_no_shared_futex_call),
	    cmocka_unit_test(handoff_runs_on_helper),
	    cmocka_unit_test(release_waits_for_handed_off_work),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
