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
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "api/frame.h"
#include "api/frame_io.h"
#include "api/proto.h"
#include "server/config.h"
#include "server/worker.h"
#include "tests/unit/tmpdir.h"

static char dir[64];
static gofn_config cfg;

static int setup(void **state)
{
	(void)state;
	if (tmpdir_make(dir, sizeof dir, "fakeworker") < 0)
		return -1;
	gofn_config_defaults(&cfg);
	cfg.load_timeout_ms = 2000;
	cfg.max_output = 1024;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
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
static const uint8_t ready[] = {GOFN_F_READY, 0, 0, 0, 0, 0, 0, 0};

static const uint8_t obj[] = "!<arch>\nfake";
/* The bytes of the LOAD of obj and of an INIT, which the fake reads before
 * it answers each. */
#define LOAD_BYTES (GOFN_FRAME_HDR + GOFN_FIELD_HDR + sizeof obj + GOFN_FIELD_HDR + 8)
#define INIT_BYTES GOFN_FRAME_HDR

/* A fake worker: HELLO, then `reply` once the LOAD arrived, then (with
 * reply2) `reply2` once the INIT arrived, then `tail` shell commands
 * (e.g. a sleep to outlive the deadline). */
static void fake2(const uint8_t *reply, size_t n, const uint8_t *reply2, size_t n2,
		  const char *tail)
{
	snprintf(cfg.loader_path, sizeof cfg.loader_path, "%s/fake.sh", dir);
	FILE *f = fopen(cfg.loader_path, "w");
	assert_non_null(f);
	fputs("#!/bin/sh\n", f);
	emit(f, hello, sizeof hello);
	fprintf(f, "head -c %zu <&3 >/dev/null\n", LOAD_BYTES);
	if (reply)
		emit(f, reply, n);
	if (reply2) {
		fprintf(f, "head -c %d <&3 >/dev/null\n", INIT_BYTES);
		emit(f, reply2, n2);
	}
	fputs(tail ? tail : "", f);
	fputs("\nexec /bin/sleep 5\n", f); /* stay alive: the server must decide */
	fclose(f);
	chmod(cfg.loader_path, 0700);
}

static void fake(const uint8_t *reply, size_t n, const char *tail)
{
	fake2(reply, n, NULL, 0, tail);
}

static gofn_worker *start(void)
{
	gofn_worker *w = NULL;
	gofn_err e = {0};

	assert_int_equal(
	    gofn_worker_spawn(&cfg, cfg.loader_path, 0, NULL, gofn_now_ms() + 3000, &w, &e), 0);
	return w;
}

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
	assert_string_equal(gofn_status_name(o.status), status);
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
	load_expect(r, sizeof r, "killed", "want SYMBOL, SIGNATURE, SIGKIND");
}

static void symbol_not_utf8(void **state)
{
	/* LOADED: SYMBOL "a.\xff", SIGNATURE "", SIGKIND 0 */
	gofn_fbuf b;
	gofn_err e = {0};

	(void)state;
	assert_int_equal(gofn_fbuf_start(&b, GOFN_F_LOADED, 64, &e), 0);
	gofn_fbuf_put(&b, GOFN_FLD_SYMBOL, "a.\xff", 3, &e);
	gofn_fbuf_put(&b, GOFN_FLD_SIGNATURE, "", 0, &e);
	gofn_fbuf_put_u64(&b, GOFN_FLD_SIGKIND, 0, &e);
	gofn_fbuf_finish(&b);
	/* an honest worker refuses such an object with ERROR itself */
	load_expect(b.data, b.len, "killed", "not valid UTF-8");
	gofn_fbuf_free(&b);
}

static void wrong_reply_type(void **state)
{
	const uint8_t r[] = {GOFN_F_RESULT, 0, 0, 0, 0, 0, 0, 0};
	(void)state;
	load_expect(r, sizeof r, "killed", "unexpected RESULT frame (want LOADED)");
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
	if (o.status != GOFN_STATUS_EXIT || o.exit_code != 2)
		fail_msg("want exit 2, got %s %d (%s)", gofn_status_name(o.status), o.exit_code,
			 o.error);
	gofn_outcome_clear(&o);
	gofn_worker_destroy(w);
}

/* LOADED with one symbol main.F func() into b. */
static void loaded_one(gofn_fbuf *b)
{
	gofn_err e = {0};
	gofn_msg_symbol sym = {.name = {(const uint8_t *)"main.F", 6},
			       .signature = {(const uint8_t *)"func()", 6},
			       .kind = GOFN_SIGKIND_VOID};
	gofn_msg_loaded m = {.syms = &sym, .nsyms = 1};

	assert_int_equal(gofn_enc_loaded(b, &m, &e), 0);
}

/* A worker that loaded honestly: LOADED, READY, then `tail`. */
static gofn_worker *loaded_worker(const char *tail)
{
	gofn_fbuf b;
	gofn_function fn = {0};
	gofn_outcome o = {0};
	gofn_objbuf ob = {obj, sizeof obj};

	loaded_one(&b);
	fake2(b.data, b.len, ready, sizeof ready, tail);
	gofn_fbuf_free(&b);
	gofn_worker *w = start();
	assert_int_equal(gofn_worker_load(w, &cfg, &ob, 1, &fn, &o), 0);
	assert_int_equal(fn.nsymbols, 1);
	assert_string_equal(fn.symbols[0].name, "main.F");
	assert_string_equal(fn.symbols[0].signature, "func()");
	assert_int_equal(fn.symbols[0].sigkind, GOFN_SIGKIND_VOID);
	assert_int_equal(o.status, GOFN_STATUS_OK);
	assert_false(w->dead);
	gofn_function_clear(&fn);
	gofn_outcome_clear(&o);
	return w;
}

static void honest_worker(void **state)
{
	(void)state;
	gofn_worker_destroy(loaded_worker(NULL));
}

/* Package init (tenant code) forges a LOADED with a long list instead of
 * READY: the load fails, the worker dies, no symbols come from it. */
static void forged_loaded_during_init(void **state)
{
	gofn_fbuf b, forged;
	gofn_err e = {0};
	gofn_function fn = {0};
	gofn_outcome o = {0};
	gofn_objbuf ob = {obj, sizeof obj};

	(void)state;
	loaded_one(&b);
	assert_int_equal(gofn_fbuf_start(&forged, GOFN_F_LOADED, 1 << 16, &e), 0);
	for (int i = 0; i < 100; i++) {
		gofn_fbuf_put_str(&forged, GOFN_FLD_SYMBOL, "main.Forged", &e);
		gofn_fbuf_put_str(&forged, GOFN_FLD_SIGNATURE, "func()", &e);
		gofn_fbuf_put_u64(&forged, GOFN_FLD_SIGKIND, 1, &e);
	}
	gofn_fbuf_finish(&forged);
	fake2(b.data, b.len, forged.data, forged.len, NULL);
	gofn_worker *w = start();
	assert_int_equal(gofn_worker_load(w, &cfg, &ob, 1, &fn, &o), -1);
	assert_int_equal(o.status, GOFN_STATUS_KILLED);
	assert_non_null(strstr(o.error, "LOADED"));
	assert_true(w->dead);
	gofn_function_clear(&fn);
	gofn_outcome_clear(&o);
	gofn_fbuf_free(&b);
	gofn_fbuf_free(&forged);
	gofn_worker_destroy(w);
}

/* READY sent before INIT was asked for: out of turn, the load fails. */
static void ready_out_of_turn(void **state)
{
	gofn_fbuf b;
	gofn_function fn = {0};
	gofn_outcome o = {0};
	gofn_objbuf ob = {obj, sizeof obj};
	uint8_t both[256];

	(void)state;
	loaded_one(&b);
	assert_true(b.len + sizeof ready <= sizeof both);
	memcpy(both, b.data, b.len);
	memcpy(both + b.len, ready, sizeof ready);
	fake(both, b.len + sizeof ready, NULL);
	gofn_worker *w = start();
	assert_int_equal(gofn_worker_load(w, &cfg, &ob, 1, &fn, &o), -1);
	assert_int_equal(o.status, GOFN_STATUS_KILLED);
	assert_non_null(strstr(o.error, "out of turn"));
	gofn_function_clear(&fn);
	gofn_outcome_clear(&o);
	gofn_fbuf_free(&b);
	gofn_worker_destroy(w);
}

/* A worker that stops reading (its tenant code forged the last RESULT and
 * blocks): an INVOKE bigger than the socket buffer ends at the call's
 * deadline as "timeout", and the worker is dead, not reusable. */
static void invoke_send_has_deadline(void **state)
{
	gofn_outcome o = {0};
	size_t n = 4u << 20;
	uint8_t *in = calloc(1, n);

	(void)state;
	assert_non_null(in);
	gofn_worker *w = loaded_worker(NULL); /* then sleeps, never reading */
	gofn_worker_invoke(w, &cfg, "main.F", in, n, 300, &o);
	assert_int_equal(o.status, GOFN_STATUS_TIMEOUT);
	assert_true(w->dead);
	gofn_outcome_clear(&o);
	gofn_worker_destroy(w);
	free(in);
}

/* The bytes of gofn_worker_invoke(w, &cfg, "main.F", "x", 1, ...)'s INVOKE,
 * which the fake reads before it answers. */
static size_t invoke_bytes(void)
{
	gofn_fbuf b;
	gofn_err e = {0};
	gofn_msg_invoke m = {.symbol = {(const uint8_t *)"main.F", 6},
			     .input = {(const uint8_t *)"x", 1},
			     .timeout_ms = 2000,
			     .result_max = cfg.max_result,
			     .call = 1}; /* a worker's first call */

	assert_int_equal(gofn_enc_invoke(&b, &m, &e), 0);
	size_t n = b.len;
	gofn_fbuf_free(&b);
	return n;
}

/* A loaded fake that answers the INVOKE with the bytes p[0..n). */
static gofn_worker *answering(const uint8_t *p, size_t n)
{
	size_t cap = 64 + 4 * n;
	char *tail = malloc(cap);
	size_t off;

	assert_non_null(tail);
	off = (size_t)snprintf(tail, cap, "head -c %zu <&3 >/dev/null\nprintf '", invoke_bytes());
	for (size_t i = 0; i < n; i++)
		off += (size_t)snprintf(tail + off, cap - off, "\\%03o", p[i]);
	snprintf(tail + off, cap - off, "' >&3\n");
	gofn_worker *w = loaded_worker(tail);
	free(tail);
	return w;
}

/* A RESULT to call number `call` with the given stdout and TRUNCATED
 * bits (out NULL: none). */
static void result_to(gofn_fbuf *b, uint64_t call, const char *out, size_t out_len,
		      uint64_t truncated)
{
	gofn_err e = {0};

	assert_int_equal(gofn_fbuf_start(b, GOFN_F_RESULT, 1 << 16, &e), 0);
	if (call)
		gofn_fbuf_put_u64(b, GOFN_FLD_CALL, call, &e);
	gofn_fbuf_put_u64(b, GOFN_FLD_STATUS, GOFN_STATUS_OK, &e);
	gofn_fbuf_put(b, GOFN_FLD_OUTPUT, "r", 1, &e);
	gofn_fbuf_put_u64(b, GOFN_FLD_DURATION_US, 1, &e);
	if (out)
		gofn_fbuf_put(b, GOFN_FLD_STDOUT, out, out_len, &e);
	gofn_fbuf_put(b, GOFN_FLD_STDERR, "oops", 4, &e);
	if (truncated)
		gofn_fbuf_put_u64(b, GOFN_FLD_TRUNCATED, truncated, &e);
	gofn_fbuf_finish(b);
}

/* The same to a worker's first call, which the fakes answer. */
static void result_with(gofn_fbuf *b, const char *out, size_t out_len, uint64_t truncated)
{
	result_to(b, 1, out, out_len, truncated);
}

/* Invokes a fake that answers with p[0..n) and checks the status, the
 * error (needle, or NULL) and whether the worker may serve again; o is
 * left for the caller to look at and clear. */
static void invoke_expect(const uint8_t *p, size_t n, const char *status, const char *needle,
			  int dead, gofn_outcome *o)
{
	gofn_worker *w = answering(p, n);

	gofn_worker_invoke(w, &cfg, "main.F", (const uint8_t *)"x", 1, 2000, o);
	assert_string_equal(gofn_status_name(o->status), status);
	if (needle && !strstr(o->error, needle))
		fail_msg("outcome error \"%s\" lacks \"%s\"", o->error, needle);
	assert_int_equal(w->dead, dead);
	assert_true(o->out.len <= cfg.max_output && o->err.len <= cfg.max_output);
	gofn_worker_destroy(w);
}

/* The call's output comes inside its RESULT, with its truncation bits. */
static void result_carries_output(void **state)
{
	gofn_fbuf b;
	gofn_outcome o = {0};

	(void)state;
	result_with(&b, "hello", 5, GOFN_TRUNC_STDOUT);
	invoke_expect(b.data, b.len, "ok", NULL, 0, &o);
	assert_int_equal(o.result.len, 1);
	assert_int_equal(o.out.len, 5);
	assert_memory_equal(o.out.data, "hello", 5);
	assert_true(o.out.truncated);
	assert_int_equal(o.err.len, 4);
	assert_memory_equal(o.err.data, "oops", 4);
	assert_false(o.err.truncated);
	gofn_outcome_clear(&o);
	gofn_fbuf_free(&b);
}

/* A worker that claims more stdout than --max-output it was given (LOAD's
 * OUTPUT_MAX): a protocol error, the worker is killed. */
static void result_output_over_limit(void **state)
{
	gofn_fbuf b;
	gofn_outcome o = {0};
	char *big = malloc(cfg.max_output + 1);

	(void)state;
	assert_non_null(big);
	memset(big, 'o', cfg.max_output + 1);
	result_with(&b, big, cfg.max_output + 1, 0);
	invoke_expect(b.data, b.len, "killed", "more output than the limit", 1, &o);
	gofn_outcome_clear(&o);
	gofn_fbuf_free(&b);
	free(big);
}

/* TRUNCATED with a bit that names no stream. */
static void result_bad_truncated(void **state)
{
	gofn_fbuf b;
	gofn_outcome o = {0};

	(void)state;
	result_with(&b, "x", 1, 4);
	invoke_expect(b.data, b.len, "killed", "out of range", 1, &o);
	gofn_outcome_clear(&o);
	gofn_fbuf_free(&b);
}

/* More than the RESULT in the same receive (tenant code wrote a second
 * frame on fd 3): the reply stands, the worker is never used again. */
static void result_then_more(void **state)
{
	gofn_fbuf b;
	gofn_outcome o = {0};
	uint8_t both[512];

	(void)state;
	result_with(&b, "hi", 2, 0);
	assert_true(2 * b.len <= sizeof both);
	memcpy(both, b.data, b.len);
	memcpy(both + b.len, b.data, b.len);
	invoke_expect(both, 2 * b.len, "ok", NULL, 1, &o);
	assert_int_equal(o.out.len, 2);
	gofn_outcome_clear(&o);
	gofn_fbuf_free(&b);
}

/* A RESULT that names another call, or none: a frame written while the
 * worker was idle (gofnd no longer polls for one before each call), or
 * one without the echo. Never taken for this call's reply: the worker
 * is killed, its output not believed. */
static void result_to_another_call(void **state)
{
	gofn_fbuf b;
	gofn_outcome o = {0};

	(void)state;
	result_to(&b, 7, "forged", 6, 0);
	invoke_expect(b.data, b.len, "killed", "reply to call 7, not to call 1", 1, &o);
	assert_int_equal(o.result.len, 0);
	gofn_outcome_clear(&o);
	gofn_fbuf_free(&b);
	result_to(&b, 0, NULL, 0, 0);
	invoke_expect(b.data, b.len, "killed", "reply to call 0, not to call 1", 1, &o);
	gofn_outcome_clear(&o);
	gofn_fbuf_free(&b);
}

/* An ERROR refusing the call must name it too. */
static void error_to_another_call(void **state)
{
	gofn_fbuf b;
	gofn_outcome o = {0};
	gofn_err e = {0};
	gofn_msg_error m = {.code = GOFN_EINVAL, .msg = {(const uint8_t *)"no", 2}, .call = 2};

	(void)state;
	assert_int_equal(gofn_enc_error(&b, &m, &e), 0);
	invoke_expect(b.data, b.len, "killed", "reply to call 2, not to call 1", 1, &o);
	gofn_outcome_clear(&o);
	gofn_fbuf_free(&b);
	m.call = 1;
	assert_int_equal(gofn_enc_error(&b, &m, &e), 0);
	invoke_expect(b.data, b.len, "error", "no", 0, &o);
	gofn_outcome_clear(&o);
	gofn_fbuf_free(&b);
}

/* A worker that died while idle: its INVOKE cannot go out, and the
 * outcome says it was not delivered (server/exec.c then makes the call on
 * a fresh worker); one that dies after reading it was delivered. */
static void invoke_to_a_dead_worker_is_undelivered(void **state)
{
	gofn_outcome o = {0};

	(void)state;
	gofn_worker *w = loaded_worker("exit 0"); /* closes fd 3 as it exits */
	siginfo_t si;
	/* its exit itself (left to reap), not a guessed time */
	while (waitid(P_PID, (id_t)w->pid, &si, WEXITED | WNOWAIT) < 0)
		;
	gofn_worker_invoke(w, &cfg, "main.F", (const uint8_t *)"x", 1, 2000, &o);
	assert_true(o.undelivered);
	assert_true(w->dead);
	gofn_outcome_clear(&o);
	gofn_worker_destroy(w);

	char tail[96];
	snprintf(tail, sizeof tail, "head -c %zu <&3 >/dev/null\nexit 3", invoke_bytes());
	w = loaded_worker(tail);
	gofn_worker_invoke(w, &cfg, "main.F", (const uint8_t *)"x", 1, 2000, &o);
	assert_false(o.undelivered);
	assert_string_equal(gofn_status_name(o.status), "exit");
	assert_int_equal(o.exit_code, 3);
	gofn_outcome_clear(&o);
	gofn_worker_destroy(w);
}

/* The worker's CPU clock is read once per request, as it ends (LOAD, INIT,
 * INVOKE): that reading is the next call's start for the CPU limit and
 * the idle watch's baseline (server/pool.c no longer reads it at release). */
static void cpu_read_as_request_ends(void **state)
{
	gofn_fbuf b;
	gofn_outcome o = {0};
	char tail[160];

	(void)state;
	result_with(&b, NULL, 0, 0);
	snprintf(tail, sizeof tail,
		 "head -c %zu <&3 >/dev/null\ni=0; while [ $i -lt 20000 ]; do i=$((i+1)); done\n",
		 invoke_bytes());
	size_t off = strlen(tail);
	char *t = malloc(off + 4 * b.len + 16);
	assert_non_null(t);
	memcpy(t, tail, off);
	off += (size_t)sprintf(t + off, "printf '");
	for (size_t i = 0; i < b.len; i++)
		off += (size_t)sprintf(t + off, "\\%03o", b.data[i]);
	sprintf(t + off, "' >&3\n");
	gofn_worker *w = loaded_worker(t);
	free(t);
	assert_true(w->cpu_marked); /* INIT's end */
	uint64_t at_load = w->idle_cpu_ms;
	assert_true(at_load <= gofn_cpuclock_ms(&w->cpu));
	gofn_worker_invoke(w, &cfg, "main.F", (const uint8_t *)"x", 1, 5000, &o);
	assert_string_equal(gofn_status_name(o.status), "ok");
	assert_false(w->dead);
	/* the loop ran between the two readings, and the fake now sleeps */
	assert_true(w->idle_cpu_ms >= at_load);
	assert_true(w->idle_cpu_ms <= gofn_cpuclock_ms(&w->cpu));
	gofn_outcome_clear(&o);
	gofn_fbuf_free(&b);
	gofn_worker_destroy(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(honest_worker),
	    cmocka_unit_test(unknown_frame_type),
	    cmocka_unit_test(huge_length),
	    cmocka_unit_test(field_overruns_frame),
	    cmocka_unit_test(bad_sigkind),
	    cmocka_unit_test(symbol_not_utf8),
	    cmocka_unit_test(wrong_reply_type),
	    cmocka_unit_test(truncated_then_silent),
	    cmocka_unit_test(never_answers),
	    cmocka_unit_test(exits_mid_request),
	    cmocka_unit_test(forged_loaded_during_init),
	    cmocka_unit_test(ready_out_of_turn),
	    cmocka_unit_test(invoke_send_has_deadline),
	    cmocka_unit_test(result_carries_output),
	    cmocka_unit_test(result_output_over_limit),
	    cmocka_unit_test(result_bad_truncated),
	    cmocka_unit_test(result_then_more),
	    cmocka_unit_test(cpu_read_as_request_ends),
	    cmocka_unit_test(result_to_another_call),
	    cmocka_unit_test(error_to_another_call),
	    cmocka_unit_test(invoke_to_a_dead_worker_is_undelivered),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
