/* The frame codec both ends of the worker protocol use: round trips, and
 * every way a hostile peer can lie about lengths and types. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>

#include "api/httpcall.h"

#include "api/frame.h"
#include "api/frame_io.h"
#include "api/proto.h"

static void roundtrip_fields(void **state)
{
	gofn_fbuf b;
	gofn_err e = {0};
	uint32_t type, len;
	gofn_fields it;
	gofn_field f;
	uint64_t v;

	(void)state;
	assert_int_equal(gofn_fbuf_start(&b, GOFN_F_INVOKE, 1024, &e), 0);
	assert_int_equal(gofn_fbuf_put_str(&b, GOFN_FLD_SYMBOL, "main.main", &e), 0);
	assert_int_equal(gofn_fbuf_put(&b, GOFN_FLD_INPUT, "", 0, &e), 0);
	assert_int_equal(gofn_fbuf_put_u64(&b, GOFN_FLD_TIMEOUT_MS, 1234567890123ull, &e), 0);
	gofn_fbuf_finish(&b);
	assert_int_equal(gofn_frame_header(b.data, 1024, &type, &len, &e), 0);
	assert_int_equal(type, GOFN_F_INVOKE);
	assert_int_equal(len, b.len - GOFN_FRAME_HDR);

	gofn_fields_init(&it, b.data + GOFN_FRAME_HDR, len);
	assert_int_equal(gofn_fields_next(&it, &f, &e), 1);
	assert_int_equal(f.tag, GOFN_FLD_SYMBOL);
	assert_int_equal(f.len, 9);
	assert_memory_equal(f.data, "main.main", 9);
	assert_int_equal(gofn_fields_next(&it, &f, &e), 1);
	assert_int_equal(f.tag, GOFN_FLD_INPUT);
	assert_int_equal(f.len, 0);
	assert_int_equal(gofn_fields_next(&it, &f, &e), 1);
	assert_int_equal(gofn_field_u64(&f, &v, &e), 0);
	assert_true(v == 1234567890123ull);
	assert_int_equal(gofn_fields_next(&it, &f, &e), 0);
	gofn_fbuf_free(&b);
}

static void builder_respects_cap(void **state)
{
	gofn_fbuf b;
	gofn_err e = {0};
	uint8_t big[100] = {0};

	(void)state;
	assert_int_equal(gofn_fbuf_start(&b, GOFN_F_RESULT, 64, &e), 0);
	assert_int_equal(gofn_fbuf_put(&b, GOFN_FLD_OUTPUT, big, sizeof big, &e), -1);
	assert_int_equal(e.code, GOFN_ELIMIT);
	assert_int_equal(gofn_fbuf_put(&b, GOFN_FLD_OUTPUT, big, 50, &e), 0);
	gofn_fbuf_free(&b);
}

static void header_rejects_unknown_and_oversize(void **state)
{
	uint8_t h[8] = {99, 0, 0, 0, 1, 0, 0, 0};
	uint32_t type, len;
	gofn_err e = {0};

	(void)state;
	assert_int_equal(gofn_frame_header(h, 100, &type, &len, &e), -1);
	assert_non_null(strstr(e.msg, "unknown frame type 99"));
	h[0] = 0;
	assert_int_equal(gofn_frame_header(h, 100, &type, &len, &e), -1);
	h[0] = GOFN_F_RESULT;
	h[4] = 0xff, h[5] = 0xff, h[6] = 0xff, h[7] = 0xff;
	assert_int_equal(gofn_frame_header(h, 1 << 20, &type, &len, &e), -1);
	assert_int_equal(e.code, GOFN_ELIMIT);
}

static void fields_reject_overruns(void **state)
{
	/* tag 8, length 1000, but only 3 bytes follow */
	const uint8_t lie[] = {8, 0, 0xe8, 3, 0, 0, 'a', 'b', 'c'};
	const uint8_t stub[] = {8, 0, 0};
	gofn_fields it;
	gofn_field f;
	gofn_err e = {0};
	uint64_t v;

	(void)state;
	gofn_fields_init(&it, lie, sizeof lie);
	assert_int_equal(gofn_fields_next(&it, &f, &e), -1);
	assert_non_null(strstr(e.msg, "overruns"));
	gofn_fields_init(&it, stub, sizeof stub);
	assert_int_equal(gofn_fields_next(&it, &f, &e), -1);
	assert_non_null(strstr(e.msg, "truncated"));
	f = (gofn_field){.tag = 11, .data = lie, .len = 3};
	assert_int_equal(gofn_field_u64(&f, &v, &e), -1);
}

/* Over a real socketpair, with descriptors riding along. */
static void send_recv_with_fds(void **state)
{
	int sv[2], p[2];
	gofn_fbuf b;
	gofn_frame f;
	gofn_err e = {0};

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(gofn_fbuf_start(&b, GOFN_F_LOAD, 1 << 20, &e), 0);
	assert_int_equal(gofn_fbuf_put_str(&b, GOFN_FLD_OBJECT, "bytes", &e), 0);
	gofn_fbuf_finish(&b);
	int fds[2] = {p[1], p[1]};
	assert_int_equal(gofn_frame_send(sv[0], &b, fds, 2, -1, &e), 0);
	assert_int_equal(gofn_frame_recv(sv[1], 1 << 20, gofn_now_ms() + 2000, &f, &e), 0);
	assert_int_equal(f.type, GOFN_F_LOAD);
	assert_int_equal(f.nfds, 2);
	assert_int_equal(write(f.fds[0], "x", 1), 1);
	char c = 0;
	assert_int_equal(read(p[0], &c, 1), 1);
	assert_int_equal(c, 'x');
	gofn_frame_free(&f);

	/* a payload over the receiver's cap is refused, not allocated */
	assert_int_equal(gofn_frame_send(sv[0], &b, NULL, 0, -1, &e), 0);
	assert_int_equal(gofn_frame_recv(sv[1], 4, gofn_now_ms() + 2000, &f, &e), -1);
	assert_int_equal(e.code, GOFN_ELIMIT);

	/* after a refused frame the stream is out of step: start afresh */
	close(sv[0]);
	close(sv[1]);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);

	/* a peer that sends nothing hits the deadline */
	assert_int_equal(gofn_frame_recv(sv[0], 100, gofn_now_ms() + 50, &f, &e), -1);
	assert_string_equal(e.msg, "timed out");

	/* a truncated frame then EOF is an error, a clean EOF is "closed" */
	assert_int_equal(write(sv[0], b.data, 5), 5);
	close(sv[0]);
	assert_int_equal(gofn_frame_recv(sv[1], 1 << 20, gofn_now_ms() + 2000, &f, &e), -1);
	assert_non_null(strstr(e.msg, "truncated"));
	assert_int_equal(gofn_frame_recv(sv[1], 1 << 20, gofn_now_ms() + 2000, &f, &e), -1);
	assert_int_equal(e.code, GOFN_EOK);
	gofn_fbuf_free(&b);
	close(sv[1]);
	close(p[0]);
	close(p[1]);
}

/* A peer that never reads: a send with a deadline ends at it, on a
 * non-blocking socket and on a blocking one (gofnd's control sockets are
 * blocking, with SO_RCVTIMEO, since the reply is waited for in recvmsg).
 * This is what stops a worker wedged in tenant code from holding a gofnd
 * thread. */
static void send_times_out_when_peer_stops_reading(void **state)
{
	int sv[2];
	gofn_fbuf b;
	gofn_err e = {0};
	static uint8_t big[4u << 20];

	(void)state;
	assert_int_equal(gofn_fbuf_start(&b, GOFN_F_INVOKE, sizeof big + 64, &e), 0);
	assert_int_equal(gofn_fbuf_put(&b, GOFN_FLD_INPUT, big, sizeof big, &e), 0);
	gofn_fbuf_finish(&b);
	for (int blocking = 0; blocking < 2; blocking++) {
		assert_int_equal(
		    socketpair(AF_UNIX, SOCK_STREAM | (blocking ? 0 : SOCK_NONBLOCK), 0, sv), 0);
		assert_int_equal(gofn_frame_send(sv[0], &b, NULL, 0, gofn_now_ms() + 100, &e), -1);
		assert_int_equal(e.code, GOFN_ELIMIT);
		assert_string_equal(e.msg, "timed out");
		close(sv[0]);
		close(sv[1]);
	}
	gofn_fbuf_free(&b);
}

/* gofn_frame_recv_timed on a blocking socket with SO_RCVTIMEO: nothing
 * there is 0 once the timeout passes (no error, no frame), a frame is 1,
 * and a closed peer is "closed" as with gofn_frame_recv. */
static void timed_recv_waits_in_recvmsg(void **state)
{
	int sv[2];
	gofn_fbuf b;
	gofn_frame f;
	gofn_err e = {0};
	struct timeval tv = {.tv_usec = 20000};

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), 0);
	assert_int_equal(gofn_frame_recv_timed(sv[1], 100, gofn_now_ms() + 5000, &f, &e), 0);
	assert_null(f.payload);
	assert_int_equal(f.nfds, 0);
	assert_int_equal(gofn_fbuf_start(&b, GOFN_F_RESULT, 64, &e), 0);
	assert_int_equal(gofn_fbuf_put_str(&b, GOFN_FLD_OUTPUT, "hi", &e), 0);
	gofn_fbuf_finish(&b);
	assert_int_equal(gofn_frame_send(sv[0], &b, NULL, 0, gofn_now_ms() + 2000, &e), 0);
	assert_int_equal(gofn_frame_recv_timed(sv[1], 100, gofn_now_ms() + 5000, &f, &e), 1);
	assert_int_equal(f.type, GOFN_F_RESULT);
	assert_int_equal(f.len, b.len - GOFN_FRAME_HDR);
	assert_false(f.extra);
	gofn_frame_free(&f);
	/* a frame over the cap is refused there as well */
	assert_int_equal(gofn_frame_send(sv[0], &b, NULL, 0, gofn_now_ms() + 2000, &e), 0);
	assert_int_equal(gofn_frame_recv_timed(sv[1], 2, gofn_now_ms() + 5000, &f, &e), -1);
	assert_int_equal(e.code, GOFN_ELIMIT);
	close(sv[0]);
	assert_int_equal(gofn_frame_recv_timed(sv[1], 100, gofn_now_ms() + 5000, &f, &e), -1);
	assert_int_equal(e.code, GOFN_EOK);
	gofn_fbuf_free(&b);
	close(sv[1]);
}

static gofn_bytes str(const char *s)
{
	return (gofn_bytes){.p = (const uint8_t *)s, .len = strlen(s)};
}

static void proto_invoke_roundtrip_and_strictness(void **state)
{
	gofn_fbuf b;
	gofn_err e = {0};
	gofn_msg_invoke m = {.symbol = str("main.Handle"),
			     .input = str("in"),
			     .timeout_ms = 1500,
			     .result_max = 1u << 20,
			     .prof_kinds = 3,
			     .prof_hz = 200,
			     .call = 42};
	gofn_msg_invoke d;

	(void)state;
	assert_int_equal(gofn_enc_invoke(&b, &m, &e), 0);
	assert_int_equal(gofn_dec_invoke(b.data + GOFN_FRAME_HDR, b.len - GOFN_FRAME_HDR, &d, &e),
			 0);
	assert_int_equal(d.symbol.len, 11);
	assert_memory_equal(d.symbol.p, "main.Handle", 11);
	assert_int_equal(d.timeout_ms, 1500);
	assert_int_equal(d.result_max, 1u << 20);
	assert_int_equal(d.prof_kinds, 3);
	assert_int_equal(d.prof_hz, 200);
	assert_int_equal(d.call, 42);
	/* a repeated field is refused */
	b.cap += 64;
	assert_int_equal(gofn_fbuf_put_u64(&b, GOFN_FLD_TIMEOUT_MS, 1, &e), 0);
	gofn_fbuf_finish(&b);
	assert_int_equal(gofn_dec_invoke(b.data + GOFN_FRAME_HDR, b.len - GOFN_FRAME_HDR, &d, &e),
			 -1);
	assert_non_null(strstr(e.msg, "repeated"));
	gofn_fbuf_free(&b);
}

/* LOAD's UNLISTED (a cold start's load: no symbol list wanted) travels
 * only when set, and only as 1: an old LOAD still asks for the list. */
static void proto_load_unlisted(void **state)
{
	gofn_err e = {0};
	gofn_fbuf b;
	gofn_msg_load m = {.nobjs = 1, .output_max = 64}, d;

	(void)state;
	m.objs[0] = (gofn_bytes){.p = (const uint8_t *)"obj", .len = 3};
	for (int unlisted = 0; unlisted <= 1; unlisted++) {
		m.unlisted = unlisted;
		assert_int_equal(gofn_enc_load(&b, &m, &e), 0);
		assert_int_equal(
		    gofn_dec_load(b.data + GOFN_FRAME_HDR, b.len - GOFN_FRAME_HDR, &d, &e), 0);
		assert_int_equal(d.unlisted, unlisted);
		assert_int_equal(d.nobjs, 1);
		gofn_fbuf_free(&b);
	}
	/* twice, or any value but 1, is refused */
	for (int bad = 0; bad < 2; bad++) {
		assert_int_equal(gofn_fbuf_start(&b, GOFN_F_LOAD, 1 << 10, &e), 0);
		assert_int_equal(gofn_fbuf_put_str(&b, GOFN_FLD_OBJECT, "obj", &e), 0);
		assert_int_equal(gofn_fbuf_put_u64(&b, GOFN_FLD_OUTPUT_MAX, 64, &e), 0);
		assert_int_equal(gofn_fbuf_put_u64(&b, GOFN_FLD_UNLISTED, bad ? 1 : 2, &e), 0);
		if (bad)
			assert_int_equal(gofn_fbuf_put_u64(&b, GOFN_FLD_UNLISTED, 1, &e), 0);
		gofn_fbuf_finish(&b);
		assert_int_equal(
		    gofn_dec_load(b.data + GOFN_FRAME_HDR, b.len - GOFN_FRAME_HDR, &d, &e), -1);
		gofn_fbuf_free(&b);
	}
}

/* Symbol names: GOFN_SYMBOL_NAME_MAX bytes pass every check, one more fails. */
static void proto_symbol_name_limit(void **state)
{
	char name[GOFN_SYMBOL_NAME_MAX + 2];
	gofn_err e = {0};
	gofn_fbuf b;
	gofn_msg_symbol sym;
	gofn_msg_loaded m = {.syms = &sym, .nsyms = 1}, d;

	(void)state;
	memset(name, 'A', sizeof name);
	memcpy(name, "main.", 5);
	name[GOFN_SYMBOL_NAME_MAX] = 0;
	sym = (gofn_msg_symbol){.name = str(name), .signature = str("func()"), .kind = 1};
	assert_int_equal(gofn_enc_loaded(&b, &m, &e), 0);
	assert_int_equal(gofn_dec_loaded(b.data + GOFN_FRAME_HDR, b.len - GOFN_FRAME_HDR, &d, &e),
			 0);
	assert_int_equal(d.nsyms, 1);
	assert_int_equal(d.syms[0].name.len, GOFN_SYMBOL_NAME_MAX);
	gofn_msg_loaded_free(&d);
	gofn_fbuf_free(&b);

	name[GOFN_SYMBOL_NAME_MAX] = 'A';
	name[GOFN_SYMBOL_NAME_MAX + 1] = 0;
	sym.name = str(name);
	assert_int_equal(gofn_enc_loaded(&b, &m, &e), -1);
	gofn_fbuf_free(&b);
	assert_int_equal(e.code, GOFN_ELIMIT);
	assert_non_null(strstr(e.msg, "1025 bytes exceeds the 1024-byte limit"));
	assert_int_equal(gofn_symbol_name_check((const uint8_t *)name, strlen(name), &e), -1);
}

/* LOADED is capped by count and bytes on both ends. */
static void proto_loaded_caps(void **state)
{
	gofn_err e = {0};
	gofn_fbuf b;
	size_t n = GOFN_SYMBOLS_MAX + 1;
	gofn_msg_symbol *syms = calloc(n, sizeof *syms);
	gofn_msg_loaded m = {.syms = syms, .nsyms = n}, d;

	(void)state;
	assert_non_null(syms);
	for (size_t i = 0; i < n; i++)
		syms[i] = (gofn_msg_symbol){.name = str("main.F"), .signature = str("func()")};
	assert_int_equal(gofn_enc_loaded(&b, &m, &e), -1);
	assert_int_equal(e.code, GOFN_ELIMIT);
	gofn_fbuf_free(&b);
	/* a forged frame with one symbol too many, built field by field */
	assert_int_equal(gofn_fbuf_start(&b, GOFN_F_LOADED, GOFN_LOADED_FRAME_MAX * 2, &e), 0);
	for (size_t i = 0; i < n; i++) {
		gofn_fbuf_put_str(&b, GOFN_FLD_SYMBOL, "main.F", &e);
		gofn_fbuf_put_str(&b, GOFN_FLD_SIGNATURE, "func()", &e);
		gofn_fbuf_put_u64(&b, GOFN_FLD_SIGKIND, 1, &e);
	}
	gofn_fbuf_finish(&b);
	assert_int_equal(gofn_dec_loaded(b.data + GOFN_FRAME_HDR, b.len - GOFN_FRAME_HDR, &d, &e),
			 -1);
	assert_non_null(strstr(e.msg, "more than"));
	gofn_fbuf_free(&b);
	free(syms);
}

static void proto_result_and_error(void **state)
{
	gofn_fbuf b;
	gofn_err e = {0};
	gofn_msg_result r = {.status = GOFN_STATUS_ERROR,
			     .output = str("out"),
			     .errmsg = str("boom"),
			     .duration_us = 7,
			     .call = 9};
	gofn_msg_result d;
	gofn_msg_error er = {.code = GOFN_ELIMIT, .msg = str("too big")}, de;

	(void)state;
	r.profile[GOFN_PROF_HEAP] = str("pprof");
	assert_int_equal(gofn_enc_result(&b, &r, 1024, &e), 0);
	assert_int_equal(gofn_dec_result(b.data + GOFN_FRAME_HDR, b.len - GOFN_FRAME_HDR, &d, &e),
			 0);
	assert_int_equal(d.status, GOFN_STATUS_ERROR);
	assert_int_equal(d.errmsg.len, 4);
	assert_int_equal(d.duration_us, 7);
	assert_int_equal(d.call, 9);
	assert_int_equal(d.profile[GOFN_PROF_HEAP].len, 5);
	assert_null(d.profile[GOFN_PROF_CPU].p);
	gofn_fbuf_free(&b);
	/* only OK and ERROR travel in a RESULT */
	r.status = GOFN_STATUS_TIMEOUT;
	assert_int_equal(gofn_enc_result(&b, &r, 1024, &e), -1);
	gofn_fbuf_free(&b);
	assert_int_equal(gofn_enc_error(&b, &er, &e), 0);
	assert_int_equal(gofn_dec_error(b.data + GOFN_FRAME_HDR, b.len - GOFN_FRAME_HDR, &de, &e),
			 0);
	assert_int_equal(de.code, GOFN_ELIMIT);
	assert_int_equal(de.msg.len, 7);
	assert_int_equal(de.call, 0); /* absent: not refusing an INVOKE */
	gofn_fbuf_free(&b);
	er.call = 5;
	assert_int_equal(gofn_enc_error(&b, &er, &e), 0);
	assert_int_equal(gofn_dec_error(b.data + GOFN_FRAME_HDR, b.len - GOFN_FRAME_HDR, &de, &e),
			 0);
	assert_int_equal(de.call, 5);
	gofn_fbuf_free(&b);
	assert_string_equal(gofn_status_name(GOFN_STATUS_SANDBOX_VIOLATION), "sandbox_violation");
}

/* INIT carries the function's environment: KEY=VALUE fields, nothing else. */
static void proto_init_env(void **state)
{
	gofn_msg_init m = {.nenv = 2}, got;
	gofn_fbuf b;
	gofn_err e = {0};

	(void)state;
	m.env[0] = (gofn_bytes){.p = (const uint8_t *)"A=1", .len = 3};
	m.env[1] = (gofn_bytes){.p = (const uint8_t *)"EMPTY=", .len = 6};
	assert_int_equal(gofn_enc_init(&b, &m, &e), 0);
	assert_int_equal(gofn_dec_init(b.data + GOFN_FRAME_HDR, b.len - GOFN_FRAME_HDR, &got, &e),
			 0);
	assert_int_equal(got.nenv, 2);
	assert_memory_equal(got.env[1].p, "EMPTY=", 6);
	gofn_fbuf_free(&b);
	assert_int_equal(gofn_enc_init(&b, NULL, &e), 0); /* no environment */
	assert_int_equal(gofn_dec_init(b.data + GOFN_FRAME_HDR, b.len - GOFN_FRAME_HDR, &got, &e),
			 0);
	assert_int_equal(got.nenv, 0);
	gofn_fbuf_free(&b);
	m.env[1] = (gofn_bytes){.p = (const uint8_t *)"=x", .len = 2}; /* no key */
	assert_int_equal(gofn_enc_init(&b, &m, &e), -1);
	gofn_fbuf_free(&b);
	m.env[1] = (gofn_bytes){.p = (const uint8_t *)"NOEQUALS", .len = 8};
	assert_int_equal(gofn_enc_init(&b, &m, &e), -1);
	gofn_fbuf_free(&b);
}

static size_t envelope(uint8_t *out, const char *head, const char *body)
{
	size_t n = strlen(head), bn = strlen(body);
	out[0] = 0, out[1] = 0, out[2] = (uint8_t)(n >> 8), out[3] = (uint8_t)n;
	memcpy(out + 4, head, n);
	memcpy(out + 4 + n, body, bn);
	return 4 + n + bn;
}

/* A response comes from tenant code: what HTTP forbids is refused. */
static void http_response_checks(void **state)
{
	uint8_t buf[512];
	gofn_http_response r;
	gofn_err e = {0};

	(void)state;
	size_t n = envelope(buf, "{\"status\":418,\"headers\":[[\"X-A\",\"b\"]]}", "tea");
	assert_int_equal(gofn_http_response_decode(buf, n, &r, &e), 0);
	assert_int_equal(r.status, 418);
	assert_int_equal(r.nheaders, 1);
	assert_string_equal(r.value[0], "b");
	assert_int_equal(r.len, 3);
	assert_memory_equal(r.body, "tea", 3);
	gofn_http_response_free(&r);
	const char *bad[] = {
	    "{\"status\":99,\"headers\":[]}",
	    "{\"status\":200,\"headers\":[[\"X A\",\"b\"]]}",
	    "{\"status\":200,\"headers\":[[\"X\",\"a\\r\\nSet-Cookie: x\"]]}",
	    "{\"status\":200}",
	    "not json",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		n = envelope(buf, bad[i], "");
		assert_int_equal(gofn_http_response_decode(buf, n, &r, &e), -1);
	}
	buf[2] = 0xff; /* head longer than the envelope */
	assert_int_equal(gofn_http_response_decode(buf, n, &r, &e), -1);
	assert_int_equal(gofn_http_response_decode(buf, 3, &r, &e), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(roundtrip_fields),
	    cmocka_unit_test(builder_respects_cap),
	    cmocka_unit_test(header_rejects_unknown_and_oversize),
	    cmocka_unit_test(fields_reject_overruns),
	    cmocka_unit_test(send_recv_with_fds),
	    cmocka_unit_test(send_times_out_when_peer_stops_reading),
	    cmocka_unit_test(timed_recv_waits_in_recvmsg),
	    cmocka_unit_test(proto_invoke_roundtrip_and_strictness),
	    cmocka_unit_test(proto_symbol_name_limit),
	    cmocka_unit_test(proto_loaded_caps),
	    cmocka_unit_test(proto_load_unlisted),
	    cmocka_unit_test(proto_result_and_error),
	    cmocka_unit_test(proto_init_env),
	    cmocka_unit_test(http_response_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
