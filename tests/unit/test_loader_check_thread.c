/* loader/check_thread.h: the parse's deferred checks on a helper thread
 * give what goobj_parse gives, a good object passes and a bad one fails
 * with goobj_parse's own error, however often the result is asked for. */
#include "tests/unit/test_goobj_util.h"

#include "loader/check_thread.h"

#include <errno.h>
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

/* Under the worker's seccomp filter a futex operation without
 * FUTEX_PRIVATE_FLAG is a violation (sandbox/seccomp.c): pthread_join's
 * wait for a thread's exit is one (glibc waits on its id shared), and an
 * upload's load in a confined worker failed with "sandbox refused system
 * call futex" when the release came before the thread was gone. Here a
 * child that allows every other call releases each job while its thread
 * still checks; a shared futex kills it. */
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
			gofn_check_start(&j, a, 4);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(good_object_passes),
	    cmocka_unit_test(bad_reloc_fails_like_parse),
	    cmocka_unit_test(checked_archive_has_nothing_pending),
	    cmocka_unit_test(release_makes_no_shared_futex_call),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
