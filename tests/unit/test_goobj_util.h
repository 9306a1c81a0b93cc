/* Helpers shared by the parser tests: load the objects that testdata/build.sh
 * compiled (directory GOOBJ_TESTDATA, set by CMake) and locate the parts of
 * a Go object by reading its header ourselves, so tests can patch bytes. */
#ifndef GOFN_TEST_GOOBJ_UTIL_H
#define GOFN_TEST_GOOBJ_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "loader/release_obj.h"
#include "loader/goobj.h"

typedef struct blob {
	uint8_t *p;
	size_t len;
} blob;

static inline blob load_testdata(const char *name)
{
	char path[512];
	blob b = {0};
	FILE *f;
	long n;

	snprintf(path, sizeof path, "%s/%s", GOOBJ_TESTDATA, name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s (built by tests/unit/testdata/build.sh)", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b.p = malloc((size_t)n);
	assert_non_null(b.p);
	b.len = fread(b.p, 1, (size_t)n, f);
	assert_int_equal(b.len, (size_t)n);
	fclose(f);
	return b;
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Offset of the binary object ("\0go120ld") in the file. */
static inline size_t bin_off(blob b)
{
	const uint8_t *m = memmem(b.p, b.len, GOREL_MAGIC, GOREL_MAGIC_LEN);
	assert_non_null(m);
	return (size_t)(m - b.p);
}

/* Pointer to the header's uint32 offset of block `blk`. */
static inline uint8_t *blk_field(blob b, int blk)
{
	return b.p + bin_off(b) + GOREL_MAGIC_LEN + GOREL_FINGERPRINT_SIZE + 4 + 4 * blk;
}

/* File position of the start of block `blk`. */
static inline uint8_t *blk_at(blob b, int blk)
{
	return b.p + bin_off(b) + rd32(blk_field(b, blk));
}

static inline uint32_t blk_len(blob b, int blk)
{
	return rd32(blk_field(b, blk + 1)) - rd32(blk_field(b, blk));
}

/* Parses b and asserts it fails with `code` and a message containing `want`. */
static inline void expect_fail(blob b, int code, const char *want)
{
	goobj_archive *a = NULL;
	gofn_err e = {0};

	if (goobj_parse("t.o", b.p, b.len, &a, &e) == 0) {
		goobj_free(a);
		fail_msg("parse succeeded; expected an error containing \"%s\"", want);
	}
	if (e.code != code || !strstr(e.msg, want))
		fail_msg("error %d \"%s\"; expected %d containing \"%s\"", e.code, e.msg, code,
			 want);
	/* one line, naming the file */
	assert_null(strchr(e.msg, '\n'));
	assert_non_null(strstr(e.msg, "t.o"));
	/* The loader's path (goobj_parse_deferred, then goobj_check_deferred
	 * on its helper thread) fails with the same error, in one step or
	 * the other. */
	gofn_err d = {0};
	if (goobj_parse_deferred("t.o", b.p, b.len, &a, &d) == 0) {
		int rc = goobj_check_deferred(a, &d);
		goobj_free(a);
		if (rc == 0)
			fail_msg("deferred checks passed; expected \"%s\"", e.msg);
	}
	if (d.code != e.code || strcmp(d.msg, e.msg) != 0)
		fail_msg("deferred: error %d \"%s\"; expected %d \"%s\"", d.code, d.msg, e.code,
			 e.msg);
}

static inline goobj_archive *parse_ok(blob b)
{
	goobj_archive *a = NULL;
	gofn_err e = {0};

	if (goobj_parse("t.o", b.p, b.len, &a, &e) < 0)
		fail_msg("parse failed: %s", e.msg);
	return a;
}

static inline int str_eq(goobj_str s, const char *c)
{
	return s.len == strlen(c) && memcmp(s.p, c, s.len) == 0;
}

static inline int ends_with(goobj_str s, const char *suf)
{
	size_t n = strlen(suf);
	return s.len >= n && memcmp(s.p + s.len - n, suf, n) == 0;
}

#endif
