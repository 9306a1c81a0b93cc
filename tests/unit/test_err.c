/* The error type is how every failure reaches the user: context must stack
 * and long messages must truncate, never overflow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "common/err.h"

static void test_context_stacks(void **state)
{
	gofn_err e = {0};

	(void)state;
	assert_int_equal(gofn_errf(&e, GOFN_EINVAL, "bad reloc %d", 7), -1);
	gofn_errctx(&e, "symbol %s", "main.f");
	gofn_errctx(&e, "load %s", "x.o");
	assert_string_equal(e.msg, "load x.o: symbol main.f: bad reloc 7");
	assert_int_equal(e.code, GOFN_EINVAL);
}

static void test_long_message_truncates(void **state)
{
	char big[2048];
	gofn_err e = {0};

	(void)state;
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = 0;
	gofn_errf(&e, GOFN_EINVAL, "%s", big);
	gofn_errctx(&e, "%s", big);
	assert_int_equal(strlen(e.msg), sizeof e.msg - 1);
}

static void test_errsys_keeps_errno(void **state)
{
	gofn_err e = {0};

	(void)state;
	errno = ENOENT;
	gofn_errsys(&e, "open %s", "/nope");
	assert_int_equal(errno, ENOENT);
	assert_int_equal(e.code, GOFN_ESYS);
	assert_non_null(strstr(e.msg, "open /nope: "));
	errno = ENOSPC; /* a full disk is its own class: gofnd answers 507, not 500 */
	gofn_errsys(&e, "write %s", "obj");
	assert_int_equal(e.code, GOFN_ENOSPACE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_context_stacks),
	    cmocka_unit_test(test_long_message_truncates),
	    cmocka_unit_test(test_errsys_keeps_errno),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
