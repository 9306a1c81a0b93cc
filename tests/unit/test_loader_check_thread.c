/* loader/check_thread.h: the parse's deferred checks on a helper thread
 * give what goobj_parse gives, a good object passes and a bad one fails
 * with goobj_parse's own error, however often the result is asked for. */
#include "tests/unit/test_goobj_util.h"

#include "loader/check_thread.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(good_object_passes),
	    cmocka_unit_test(bad_reloc_fails_like_parse),
	    cmocka_unit_test(checked_archive_has_nothing_pending),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
