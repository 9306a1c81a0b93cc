/* The release table and version rules gofnd and the gofn-loader command
 * route objects by (common/goversion.h): a served release in exactly its
 * worker's toolchain is accepted, another patch release or release is
 * refused naming what to compile with, and an object's header is read
 * from bare objects and archives alike. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "common/goversion.h"

static void test_table_has_both_releases(void **state)
{
	(void)state;
	assert_true(gofn_go_nreleases >= 2);
	for (size_t i = 0; i < gofn_go_nreleases; i++) {
		const gofn_go_release *r = &gofn_go_releases[i];
		assert_int_equal(strncmp(r->toolchain, r->release, strlen(r->release)), 0);
		assert_ptr_equal(gofn_go_release_of(r->toolchain), r);
		assert_ptr_equal(gofn_go_release_of(r->release), r);
	}
	assert_non_null(gofn_go_release_of("go1.27rc1"));
	assert_null(gofn_go_release_of("go1.270"));
	assert_null(gofn_go_release_of("go1.2"));
	assert_null(gofn_go_release_of("go1.25.9"));
}

static void test_only_the_exact_toolchain(void **state)
{
	char msg[512], other[64];
	(void)state;
	for (size_t i = 0; i < gofn_go_nreleases; i++) {
		const gofn_go_release *r = &gofn_go_releases[i];
		assert_int_equal(gofn_go_check(r->toolchain, msg, sizeof msg), 0);
		snprintf(other, sizeof other, "%s.99", r->release);
		assert_int_equal(gofn_go_check(other, msg, sizeof msg), -1);
		assert_non_null(strstr(msg, other));
		char want[128];
		snprintf(want, sizeof want, "compile with %s", r->toolchain);
		assert_non_null(strstr(msg, want));
	}
	assert_int_equal(gofn_go_check("go1.25.9", msg, sizeof msg), -1);
	for (size_t i = 0; i < gofn_go_nreleases; i++)
		assert_non_null(strstr(msg, gofn_go_releases[i].toolchain));
}

static void test_sniff(void **state)
{
	static const char bare[] = "go object linux amd64 go1.27.3 X:none\nbuild id \"x\"\n";
	static const char ar[] = "!<arch>\n__.PKGDEF       0  0  0  644  10  `\n"
				 "go object linux amd64 go1.26.8\n";
	static const char noheader[] = "!<arch>\nnothing here";
	char v[64];
	(void)state;
	assert_int_equal(gofn_goversion_sniff((const uint8_t *)bare, sizeof bare - 1, v, sizeof v),
			 0);
	assert_string_equal(v, "go1.27.3");
	assert_int_equal(gofn_goversion_sniff((const uint8_t *)ar, sizeof ar - 1, v, sizeof v), 0);
	assert_string_equal(v, "go1.26.8");
	assert_int_equal(
	    gofn_goversion_sniff((const uint8_t *)noheader, sizeof noheader - 1, v, sizeof v), 0);
	assert_string_equal(v, "unknown");
	assert_int_equal(gofn_goversion_sniff((const uint8_t *)"ELF", 3, v, sizeof v), -1);
	/* a header line cut at the end of the buffer is not read past it */
	assert_int_equal(gofn_goversion_sniff((const uint8_t *)bare, 25, v, sizeof v), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table_has_both_releases),
	    cmocka_unit_test(test_only_the_exact_toolchain),
	    cmocka_unit_test(test_sniff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
