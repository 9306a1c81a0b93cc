/* The frame codec both ends of the worker protocol use: round trips, and
 * every way a hostile peer can lie about lengths and types. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "api/frame.h"
#include "api/frame_io.h"

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
	assert_int_equal(gofn_frame_send(sv[0], &b, fds, 2, &e), 0);
	assert_int_equal(gofn_frame_recv(sv[1], 1 << 20, gofn_now_ms() + 2000, &f, &e), 0);
	assert_int_equal(f.type, GOFN_F_LOAD);
	assert_int_equal(f.nfds, 2);
	assert_int_equal(write(f.fds[0], "x", 1), 1);
	char c = 0;
	assert_int_equal(read(p[0], &c, 1), 1);
	assert_int_equal(c, 'x');
	gofn_frame_free(&f);

	/* a payload over the receiver's cap is refused, not allocated */
	assert_int_equal(gofn_frame_send(sv[0], &b, NULL, 0, &e), 0);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(roundtrip_fields),
	    cmocka_unit_test(builder_respects_cap),
	    cmocka_unit_test(header_rejects_unknown_and_oversize),
	    cmocka_unit_test(fields_reject_overruns),
	    cmocka_unit_test(send_recv_with_fds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
