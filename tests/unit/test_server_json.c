/* A request's log line: gofn_log_fields writes what gofn_log writes for
 * an object of the same fields (escapes, non-UTF-8 bytes, integer edges). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "server/log.h"

/* stderr into a temporary file for the duration of fn. */
static char *captured(void (*fn)(void))
{
	char path[] = "/tmp/gofn-logtest-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	int saved = dup(2);
	fflush(stderr);
	dup2(fd, 2);
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	off_t n = lseek(fd, 0, SEEK_END);
	char *text = calloc(1, (size_t)n + 1);
	assert_int_equal(pread(fd, text, (size_t)n, 0), n);
	close(fd);
	unlink(path);
	return text;
}

static const char *weird_path = "/invoke/main.Handle/\"q\"\\x\n\xc3\xa9\xff";

static void log_both_ways(void)
{
	const gofn_log_field f[] = {
	    GOFN_LOG_STR("method", "POST"), GOFN_LOG_STR("path", weird_path),
	    GOFN_LOG_INT("status", 200),    GOFN_LOG_INT("us", -5),
	    GOFN_LOG_INT("zero", 0),	    GOFN_LOG_INT("min", LLONG_MIN),
	    GOFN_LOG_INT("max", LLONG_MAX), GOFN_LOG_STR("tenant", "bench"),
	    GOFN_LOG_STR("error", NULL),
	};
	gofn_log_fields("info", "http", f, sizeof f / sizeof f[0]);
	gofn_log("info", "http",
		 json_pack("{s:s, s:o, s:i, s:i, s:i, s:I, s:I, s:s, s:n}", "method", "POST",
			   "path", gofn_json_text(weird_path), "status", 200, "us", -5, "zero", 0,
			   "min", (json_int_t)LLONG_MIN, "max", (json_int_t)LLONG_MAX, "tenant",
			   "bench", "error"));
}

/* The line after its "ts" value, which differs by the time of writing. */
static const char *after_ts(const char *line)
{
	const char *p = strstr(line, "\",\"level\"");
	assert_non_null(p);
	return p;
}

static void log_fields_line_is_gofn_logs(void **state)
{
	(void)state;
	char *text = captured(log_both_ways);
	char *nl = strchr(text, '\n');

	assert_non_null(nl);
	*nl = 0;
	char *second = nl + 1;
	char *end = strchr(second, '\n');
	assert_non_null(end);
	*end = 0;
	assert_true(strncmp(text, "{\"ts\":\"", 7) == 0);
	assert_string_equal(after_ts(text), after_ts(second));
	json_t *j = json_loads(text, 0, NULL); /* and it is JSON */
	assert_non_null(j);
	json_decref(j);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(log_fields_line_is_gofn_logs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
