/* --uid-range and the tenant -> host uid mapping (server/tenant_uid.c):
 * distinct uids for distinct tenants (also when their hashes collide),
 * stable for a tenant, inside the range, and bad ranges refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "server/config.h"
#include "server/tenant_uid.h"

static void parse_ranges(void **state)
{
	gofn_config c;
	gofn_err e = {0};
	(void)state;
	gofn_config_defaults(&c);
	assert_int_equal(gofn_uid_range_parse(&c, "100000:65536", &e), 0);
	assert_int_equal(c.uid_base, 100000);
	assert_int_equal(c.uid_count, 65536);
	assert_int_equal(gofn_uid_range_parse(&c, "off", &e), 0);
	assert_int_equal(c.uid_count, 0);
	assert_int_equal(gofn_tenant_uid(&c, "a"), 0); /* off: the sandbox's nobody */
	static const char *const bad[] = {"",	     "100000",		"100000:",  ":5",
					  "0:10",    "500:10",		"1000:0",   "-5:10",
					  "1000:-1", "4294967000:1000", "1000:10x", "x:1"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(gofn_uid_range_parse(&c, bad[i], &e), -1);
		assert_non_null(strstr(e.msg, "--uid-range"));
	}
}

static void distinct_and_stable(void **state)
{
	gofn_config c;
	gofn_err e = {0};
	unsigned seen[3] = {0};
	(void)state;
	gofn_config_defaults(&c);
	/* 3 uids for 3 tenants: every one must get its own, whatever the hash says */
	assert_int_equal(gofn_uid_range_parse(&c, "500000:3", &e), 0);
	const char *const names[] = {"alpha", "beta", "gamma"};
	for (int i = 0; i < 3; i++) {
		seen[i] = gofn_tenant_uid(&c, names[i]);
		assert_true(seen[i] >= 500000 && seen[i] < 500003);
		for (int j = 0; j < i; j++)
			assert_int_not_equal(seen[i], seen[j]);
	}
	for (int i = 0; i < 3; i++)
		assert_int_equal(gofn_tenant_uid(&c, names[i]), seen[i]);
	/* the range is used up: a fourth tenant gets no uid of its own */
	assert_int_equal(gofn_tenant_uid(&c, "delta"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parse_ranges),
	    cmocka_unit_test(distinct_and_stable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
