/* A request's log line: gofn_log_fields writes what gofn_log writes for
 * an object of the same fields (escapes, non-UTF-8 bytes, integer edges);
 * the invoke reply written without an object (gofn_outcome_text) is the
 * text of the object gofnd falls back to (gofn_outcome_json, dumped
 * compact as gofn_reply_json dumps it), call after call. */
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
#include "server/outcome.h"

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
/* valid UTF-8 that needs escapes: written by jansson's dump of it alone */
static const char *escaped_path = "/invoke/main.Handle/\"q\"\\x\n\t\x01\xc3\xa9\x7f~";
static const char *log_path;

static void log_both_ways(void)
{
	const gofn_log_field f[] = {
	    GOFN_LOG_STR("method", "POST"), GOFN_LOG_STR("path", log_path),
	    GOFN_LOG_INT("status", 200),    GOFN_LOG_INT("us", -5),
	    GOFN_LOG_INT("zero", 0),	    GOFN_LOG_INT("min", LLONG_MIN),
	    GOFN_LOG_INT("max", LLONG_MAX), GOFN_LOG_STR("tenant", "bench"),
	    GOFN_LOG_STR("error", NULL),
	};
	gofn_log_fields("info", "http", f, sizeof f / sizeof f[0]);
	gofn_log("info", "http",
		 json_pack("{s:s, s:o, s:i, s:i, s:i, s:I, s:I, s:s, s:n}", "method", "POST",
			   "path", gofn_json_text(log_path), "status", 200, "us", -5, "zero", 0,
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

static void one_line_both_ways(void)
{
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

static void log_fields_line_is_gofn_logs(void **state)
{
	(void)state;
	for (int i = 0; i < 2; i++) {
		log_path = i ? escaped_path : weird_path;
		one_line_both_ways();
	}
}

/* Every byte value at each place of a word (gofn_json_members reads
 * strings eight bytes at a time): its members are a dump's of an object
 * of the same bytes, or 0 where jansson refuses them (not UTF-8). */
static void members_are_a_dumps(void **state)
{
	(void)state;
	for (int c = 0; c < 256; c++) {
		for (size_t at = 0; at < 17; at++) {
			char s[17], buf[256], want[256];
			memset(s, 'a', sizeof s);
			s[at] = (char)c;
			gofn_log_field f[] = {GOFN_LOG_INT("n", c),
					      GOFN_LOG_BYTES("s", s, sizeof s)};
			size_t m = gofn_json_members(buf, sizeof buf, f, 2);
			json_t *v = json_stringn(s, sizeof s);
			if (!v) {
				assert_int_equal(m, 0);
				continue;
			}
			json_t *o = json_object();
			json_object_set_new(o, "n", json_integer(c));
			json_object_set_new(o, "s", v);
			size_t n = json_dumpb(o, want, sizeof want, JSON_COMPACT);
			json_decref(o);
			assert_int_equal(m, n - 2); /* no braces */
			assert_memory_equal(buf, want + 1, m);
		}
	}
}

static char *dumped(json_t *j)
{
	char *t = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	return t;
}

static void set_capture(gofn_capture *c, const char *bytes, size_t n)
{
	c->data = (uint8_t *)bytes;
	c->len = n;
}

/* Outcomes in a row, shapes changing between them: each reply's text must
 * be the fallback object's dump, or the text must decline (NULL) where
 * the object encodes base64 or marks a capture truncated. */
static void text_reply_is_the_objects(void **state)
{
	(void)state;
	static gofn_function fn; /* large: not on the stack */
	gofn_outcome o = {0};
	char big[5000];

	memset(big, 'x', sizeof big);
	snprintf(fn.id, sizeof fn.id, "fn_0123456789abcdef");
	struct {
		int status, has_result;
		const char *result, *out, *err, *error, *name;
		size_t rlen, outlen;
		int declines; /* the text declines: the object is the reply */
		int truncated;
	} cases[] = {
	    {GOFN_STATUS_OK, 1, "hi bob", "", "", "", "", 6, 0, 0, 0},
	    {GOFN_STATUS_OK, 1, "hi al", "", "", "", "", 5, 0, 0, 0}, /* refilled */
	    {GOFN_STATUS_OK, 1, "nul\0in", "out\n", "\"q\"", "", "", 6, 4, 0, 0},
	    {GOFN_STATUS_ERROR, 1, "", "", "", "input was bad", "", 0, 0, 0, 0}, /* null result */
	    {GOFN_STATUS_OK, 0, "", "", "", "", "", 0, 0, 0, 0},		 /* void */
	    {GOFN_STATUS_OK, 1, "\xff\xfe", "", "", "", "", 2, 0, 1, 0},	 /* base64 */
	    {GOFN_STATUS_PANIC, 1, "", "", "", "bad \xc3 byte", "", 0, 0, 1, 0}, /* masked */
	    {GOFN_STATUS_OK, 1, "named", "", "", "", "greet", 5, 0, 0, 0},
	    {GOFN_STATUS_OK, 1, big, "", "", "", "greet", sizeof big, 0, 0, 0},	      /* large */
	    {GOFN_STATUS_OK, 1, "hi bob", "", "", "", "", 6, 0, 0, 0},		      /* back */
	    {GOFN_STATUS_OK, 1, "h\xc3\xa9 \x7f\x01/\\", "", "", "", "", 8, 0, 0, 0}, /* escapes */
	    {GOFN_STATUS_OK, 1, "cut", "partial", "", "", "", 3, 7, 1, 1},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		o.status = cases[i].status;
		o.exit_code = (int)i;
		o.duration_us = 1000 + (int64_t)i;
		set_capture(&o.result, cases[i].result, cases[i].rlen);
		set_capture(&o.out, cases[i].out, cases[i].outlen);
		set_capture(&o.err, cases[i].err, strlen(cases[i].err));
		snprintf(o.error, sizeof o.error, "%s", cases[i].error);
		o.out.truncated = cases[i].truncated;
		snprintf(fn.name, sizeof fn.name, "%s", cases[i].name);
		fn.version = cases[i].name[0] ? 3 : 0;
		char *fresh =
		    dumped(gofn_outcome_json("inv_1", &fn, "main.Handle", cases[i].has_result, &o));
		assert_non_null(fresh);
		size_t n = 0;
		char *text =
		    gofn_outcome_text("inv_1", &fn, "main.Handle", cases[i].has_result, &o, &n);
		if (cases[i].declines) {
			assert_null(text);
		} else {
			assert_non_null(text);
			assert_int_equal(n, strlen(fresh) + 1);
			assert_memory_equal(text, fresh, n - 1);
			assert_int_equal(text[n - 1], '\n');
			free(text);
		}
		free(fresh);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(log_fields_line_is_gofn_logs),
	    cmocka_unit_test(members_are_a_dumps),
	    cmocka_unit_test(text_reply_is_the_objects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
