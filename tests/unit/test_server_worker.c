/* The server side of the worker protocol against fake workers that lie:
 * shell scripts standing in for gofn-loader write crafted bytes on fd 3.
 * Every lie must end as a clean outcome (worker killed, reason named),
 * never a crash, a hang past the deadline or an unbounded allocation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "api/frame.h"
#include "api/frame_io.h"
#include "server/config.h"
#include "server/worker.h"

static char dir[64];
static gofn_config cfg;

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/gofn-fakeworker.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	gofn_config_defaults(&cfg);
	cfg.load_timeout_ms = 2000;
	cfg.max_output = 1024;
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Appends bytes as a printf with octal escapes (dash has no \x). */
static void emit(FILE *f, const uint8_t *p, size_t n)
{
	fputs("printf '", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "\\%03o", p[i]);
	fputs("' >&3\n", f);
}

static const uint8_t hello[] = {GOFN_F_HELLO, 0, 0, 0, 0, 0, 0, 0};

/* A fake worker: HELLO, then `reply` after the request arrives, then
 * `tail` shell commands (e.g. a sleep to outlive the deadline). */
static void fake(const uint8_t *reply, size_t n, const char *tail)
{
	snprintf(cfg.loader_path, sizeof cfg.loader_path, "%s/fake.sh", dir);
	FILE *f = fopen(cfg.loader_path, "w");
	assert_non_null(f);
	fputs("#!/bin/sh\n", f);
	emit(f, hello, sizeof hello);
	fputs("/bin/sleep 0.1\n", f);
	if (reply)
		emit(f, reply, n);
	fputs(tail ? tail : "", f);
	fputs("\nexec /bin/sleep 5\n", f); /* stay alive: the server must decide */
	fclose(f);
	chmod(cfg.loader_path, 0700);
}

static gofn_worker *start(void)
{
	gofn_worker *w = NULL;
	gofn_err e = {0};

	assert_int_equal(gofn_worker_spawn(&cfg, 0, gofn_now_ms() + 3000, &w, &e), 0);
	return w;
}

static const uint8_t obj[] = "!<arch>\nfake";

static void load_expect(const uint8_t *reply, size_t n, const char *status, const char *needle)
{
	gofn_function fn = {0};
	gofn_outcome o = {0};
	gofn_objbuf ob = {obj, sizeof obj};

	fake(reply, n, NULL);
	gofn_worker *w = start();
	int64_t t0 = gofn_now_ms();
	assert_int_equal(gofn_worker_load(w, &cfg, &ob, 1, &fn, &o), -1);
	assert_true(gofn_now_ms() - t0 < cfg.load_timeout_ms + 1500);
	assert_string_equal(o.status, status);
	if (!strstr(o.error, needle))
		fail_msg("outcome error \"%s\" lacks \"%s\"", o.error, needle);
	gofn_function_clear(&fn);
	gofn_outcome_clear(&o);
	gofn_worker_destroy(w);
}

static void unknown_frame_type(void **state)
{
	const uint8_t r[] = {99, 0, 0, 0, 0, 0, 0, 0};
	(void)state;
	load_expect(r, sizeof r, "killed", "unknown frame type 99");
}

static void huge_length(void **state)
{
	const uint8_t r[] = {GOFN_F_LOADED, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f};
	(void)state;
	load_expect(r, sizeof r, "killed", "exceeds limit");
}

static void field_overruns_frame(void **state)
{
	/* LOADED, 10-byte payload: SYMBOL field claiming 1000 bytes */
	const uint8_t r[] = {GOFN_F_LOADED, 0, 0, 0, 10,  0,   0,   0,	GOFN_FLD_SYMBOL, 0,
			     0xe8,	    3, 0, 0, 'm', 'a', 'i', 'n'};
	(void)state;
	load_expect(r, sizeof r, "killed", "overruns");
}

static void bad_sigkind(void **state)
{
	/* LOADED: SYMBOL "a.b", SIGKIND of 3 bytes (must be 8) */
	const uint8_t r[] = {GOFN_F_LOADED,
			     0,
			     0,
			     0,
			     18,
			     0,
			     0,
			     0,
			     GOFN_FLD_SYMBOL,
			     0,
			     3,
			     0,
			     0,
			     0,
			     'a',
			     '.',
			     'b',
			     GOFN_FLD_SIGKIND,
			     0,
			     3,
			     0,
			     0,
			     0,
			     1,
			     2,
			     3};
	(void)state;
	load_expect(r, sizeof r, "killed", "signature kind");
}

static void symbol_not_utf8(void **state)
{
	/* LOADED: SYMBOL "a.\xff" */
	const uint8_t r[] = {GOFN_F_LOADED, 0,	 0,   0, 9, 0, 0, 0, GOFN_FLD_SYMBOL, 0, 3, 0, 0, 0,
			     'a',	    '.', 0xff};
	(void)state;
	/* the object's fault (the loader passes names through): refused, 400 */
	load_expect(r, sizeof r, "error", "symbol name \"a.\\xff\" is not valid UTF-8");
}

static void wrong_reply_type(void **state)
{
	const uint8_t r[] = {GOFN_F_RESULT, 0, 0, 0, 0, 0, 0, 0};
	(void)state;
	load_expect(r, sizeof r, "killed", "unexpected reply");
}

static void truncated_then_silent(void **state)
{
	const uint8_t r[] = {GOFN_F_LOADED, 0, 0, 0, 100, 0, 0, 0, 1, 2, 3};
	(void)state;
	cfg.load_timeout_ms = 500;
	load_expect(r, sizeof r, "timeout", "timed out");
	cfg.load_timeout_ms = 2000;
}

static void never_answers(void **state)
{
	(void)state;
	cfg.load_timeout_ms = 300;
	load_expect(NULL, 0, "timeout", "timed out");
	cfg.load_timeout_ms = 2000;
}

static void exits_mid_request(void **state)
{
	gofn_function fn = {0};
	gofn_outcome o = {0};
	gofn_objbuf ob = {obj, sizeof obj};

	(void)state;
	fake(NULL, 0, "echo 'panic: fake crash' >&2; exit 2");
	gofn_worker *w = start();
	assert_int_equal(gofn_worker_load(w, &cfg, &ob, 1, &fn, &o), -1);
	/* stderr of a dead worker is /dev/null until a request hands it a pipe */
	if (strcmp(o.status, "exit") != 0 || o.exit_code != 2)
		fail_msg("want exit 2, got %s %d (%s)", o.status, o.exit_code, o.error);
	gofn_outcome_clear(&o);
	gofn_worker_destroy(w);
}

static void honest_worker(void **state)
{
	/* LOADED: SYMBOL "main.F", SIGNATURE "func()", SIGKIND 1 */
	uint8_t r[64];
	gofn_fbuf b;
	gofn_err e = {0};
	gofn_function fn = {0};
	gofn_outcome o = {0};
	gofn_objbuf ob = {obj, sizeof obj};

	(void)state;
	assert_int_equal(gofn_fbuf_start(&b, GOFN_F_LOADED, 64, &e), 0);
	gofn_fbuf_put_str(&b, GOFN_FLD_SYMBOL, "main.F", &e);
	gofn_fbuf_put_str(&b, GOFN_FLD_SIGNATURE, "func()", &e);
	gofn_fbuf_put_u64(&b, GOFN_FLD_SIGKIND, 1, &e);
	gofn_fbuf_finish(&b);
	assert_true(b.len <= sizeof r);
	memcpy(r, b.data, b.len);
	fake(r, b.len, NULL);
	gofn_worker *w = start();
	assert_int_equal(gofn_worker_load(w, &cfg, &ob, 1, &fn, &o), 0);
	assert_int_equal(fn.nsymbols, 1);
	assert_string_equal(fn.symbols[0].name, "main.F");
	assert_string_equal(fn.symbols[0].signature, "func()");
	assert_int_equal(fn.symbols[0].sigkind, 1);
	gofn_function_clear(&fn);
	gofn_outcome_clear(&o);
	gofn_fbuf_free(&b);
	gofn_worker_destroy(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(honest_worker),	cmocka_unit_test(unknown_frame_type),
	    cmocka_unit_test(huge_length),	cmocka_unit_test(field_overruns_frame),
	    cmocka_unit_test(bad_sigkind),	cmocka_unit_test(symbol_not_utf8),
	    cmocka_unit_test(wrong_reply_type), cmocka_unit_test(truncated_then_silent),
	    cmocka_unit_test(never_answers),	cmocka_unit_test(exits_mid_request),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
