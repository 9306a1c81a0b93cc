/* Whole-file I/O: the cap is enforced before allocating, a durable write
 * leaves exactly the final name behind, and failures say which path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/file.h"
#include "tests/unit/tmpdir.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	return tmpdir_make(dir, sizeof dir, "test-file");
}

static int teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

static int count_entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)))
		n += de->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static void test_round_trip_leaves_only_the_name(void **state)
{
	char path[128];
	uint8_t *b = NULL;
	size_t n = 0;
	gofn_err e = {0};

	(void)state;
	assert_int_equal(gofn_file_write_durable(dir, "obj", (const uint8_t *)"abc", 3, &e), 0);
	assert_int_equal(gofn_file_write_durable(dir, "obj", (const uint8_t *)"abcd", 4, &e), 0);
	assert_int_equal(count_entries(), 1);
	snprintf(path, sizeof path, "%s/obj", dir);
	assert_int_equal(gofn_file_read(path, 100, &b, &n, &e), 0);
	assert_int_equal(n, 4);
	assert_memory_equal(b, "abcd", 4);
	assert_int_equal(b[4], 0);
	free(b);
}

static void test_cap_refuses_large_files(void **state)
{
	char path[128];
	uint8_t *b = NULL;
	size_t n = 0;
	gofn_err e = {0};

	(void)state;
	assert_int_equal(gofn_file_write_durable(dir, "big", (const uint8_t *)"0123456789", 10, &e),
			 0);
	snprintf(path, sizeof path, "%s/big", dir);
	assert_int_equal(gofn_file_read(path, 9, &b, &n, &e), -1);
	assert_int_equal(e.code, GOFN_ELIMIT);
	assert_null(b);
	assert_int_equal(gofn_file_read(path, 10, &b, &n, &e), 0);
	free(b);
}

static void test_errors_name_the_path(void **state)
{
	uint8_t *b = NULL;
	size_t n = 0;
	gofn_err e = {0};

	(void)state;
	assert_int_equal(gofn_file_read("/nonexistent/gofn", 10, &b, &n, &e), -1);
	assert_non_null(strstr(e.msg, "/nonexistent/gofn"));
	assert_int_equal(gofn_file_write_durable("/nonexistent", "x", (const uint8_t *)"", 0, &e),
			 -1);
	assert_non_null(strstr(e.msg, "/nonexistent/tmp.x."));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip_leaves_only_the_name),
	    cmocka_unit_test(test_cap_refuses_large_files),
	    cmocka_unit_test(test_errors_name_the_path),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
