/* The warm invoke's texts written without building a jansson object
 * (gofn_outcome_text, gofn_log_fields) must be byte for byte what the
 * object dumped by jansson gives (gofn_outcome_json, gofn_log), and fall
 * back to jansson whenever a byte needs an escape; gofn_log_hold keeps a
 * request's lines until gofn_log_flush, in order. */
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

#include "api/proto.h"
#include "server/log.h"
#include "server/outcome.h"

static void set_capture(gofn_capture *c, const char *bytes, size_t n, int truncated)
{
	c->data = n ? malloc(n) : NULL;
	if (n)
		memcpy(c->data, bytes, n);
	c->len = n;
	c->truncated = truncated;
}

static void free_outcome(gofn_outcome *o)
{
	free(o->result.data);
	free(o->out.data);
	free(o->err.data);
}

/* jansson's text of the outcome, as gofn_reply_json sends it. */
static char *via_jansson(const gofn_function *f, const char *sym, int has_result,
			 const gofn_outcome *o)
{
	json_t *j = gofn_outcome_json("inv_0123456789abcdef", f, sym, has_result, o);
	char *t = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	assert_non_null(t);
	size_t n = strlen(t);
	char *line = malloc(n + 2);
	memcpy(line, t, n);
	memcpy(line + n, "\n", 2);
	free(t);
	return line;
}

/* Either the same bytes as jansson's, or NULL when want_direct is 0. */
static void same_text(const gofn_function *f, const char *sym, int has_result,
		      const gofn_outcome *o, int want_direct)
{
	size_t n = 0;
	char *direct = gofn_outcome_text("inv_0123456789abcdef", f, sym, has_result, o, &n);
	char *ref = via_jansson(f, sym, has_result, o);

	if (!want_direct) {
		assert_null(direct);
	} else {
		assert_non_null(direct);
		assert_int_equal(n, strlen(ref));
		assert_memory_equal(direct, ref, n);
	}
	free(direct);
	free(ref);
}

static void outcome_text_is_janssons(void **state)
{
	(void)state;
	gofn_function f = {0};
	gofn_outcome o = {0};

	snprintf(f.id, sizeof f.id, "fn_0123456789abcdef");
	o.status = GOFN_STATUS_OK;
	o.duration_us = 31;
	set_capture(&o.result, "hi bench", 8, 0);
	same_text(&f, "main.Handle", 1, &o, 1);
	/* a named function; empty stdout; stderr truncated */
	snprintf(f.name, sizeof f.name, "sizer");
	f.version = 7;
	set_capture(&o.err, "panic: x", 8, 1);
	same_text(&f, "main.Handle", 1, &o, 1);
	/* no result (a func()), an error with a quote and a newline: jansson
	 * escapes that string, the rest stays direct */
	free_outcome(&o);
	memset(&o, 0, sizeof o);
	o.status = GOFN_STATUS_ERROR;
	o.exit_code = -1;
	o.duration_us = 9876543210;
	snprintf(o.error, sizeof o.error, "bad \"input\"\nline 2 \xc3\xa9");
	same_text(&f, "main.Run", 0, &o, 1);
	/* an error that is not UTF-8: masked alike */
	snprintf(o.error, sizeof o.error, "bad \xff byte");
	same_text(&f, "main.Run", 0, &o, 1);
	/* a failed call's result is null even when bytes came */
	o.status = GOFN_STATUS_PANIC;
	set_capture(&o.result, "partial", 7, 0);
	same_text(&f, "main.Handle", 1, &o, 1);
	free_outcome(&o);
}

static void outcome_text_leaves_escapes_to_jansson(void **state)
{
	(void)state;
	gofn_function f = {0};
	gofn_outcome o = {0};
	static const char *const results[] = {"{\"a\":1}", "line\n", "back\\slash", "caf\xc3\xa9",
					      "\xff\xfe"};

	snprintf(f.id, sizeof f.id, "fn_1");
	o.status = GOFN_STATUS_OK;
	for (size_t i = 0; i < sizeof results / sizeof results[0]; i++) {
		set_capture(&o.result, results[i], strlen(results[i]), 0);
		same_text(&f, "main.Handle", 1, &o, 0);
		free(o.result.data);
	}
	set_capture(&o.result, "ok", 2, 0);
	set_capture(&o.out, "tab\there", 8, 0);
	same_text(&f, "main.Handle", 1, &o, 0);
	free_outcome(&o);
}

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

static void log_fields_line_is_janssons(void **state)
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

static size_t held_size;

static void hold_then_flush(void)
{
	gofn_log_hold();
	gofn_log("info", "first", NULL);
	const gofn_log_field f[] = {GOFN_LOG_STR("k", "v")};
	gofn_log_fields("info", "second", f, 1);
	fflush(stderr);
	held_size = (size_t)lseek(2, 0, SEEK_END); /* nothing written yet */
	gofn_log_flush();
	gofn_log("info", "third", NULL); /* no longer held */
}

static void held_lines_go_out_at_flush_in_order(void **state)
{
	(void)state;
	char *text = captured(hold_then_flush);

	assert_int_equal(held_size, 0);
	char *a = strstr(text, "\"event\":\"first\""), *b = strstr(text, "\"event\":\"second\"");
	char *c = strstr(text, "\"event\":\"third\"");
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_true(a < b && b < c);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(outcome_text_is_janssons),
	    cmocka_unit_test(outcome_text_leaves_escapes_to_jansson),
	    cmocka_unit_test(log_fields_line_is_janssons),
	    cmocka_unit_test(held_lines_go_out_at_flush_in_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
