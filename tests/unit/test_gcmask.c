/* GC pointer masks of loaded globals, built from type descriptors laid out
 * here exactly as internal/abi/type.go describes them: ready-made masks,
 * on-demand arrays and structs (Go >= 1.24) and corrupt descriptors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "loader/gcmask.h"
#include "loader/release_rt.h"

/* All descriptors live in one arena so the walk's bounds can name it. */
static struct {
	gort_type ptr;	    /* *int: one pointer word */
	gort_type str;	    /* string: pointer then length */
	gort_structtype st; /* struct { n int; s string; p *int } on demand */
	gort_structfield fields[3];
	gort_type intt;
	gort_arraytype arr; /* [1000]struct{...} on demand */
	gort_type bad_kind; /* a map type claiming an on-demand mask */
	uint8_t one, strmask;
} arena;

static gofn_mb_range arena_range(void)
{
	return (gofn_mb_range){(uintptr_t)&arena, (uintptr_t)&arena + sizeof arena};
}

static void setup_types(void)
{
	memset(&arena, 0, sizeof arena);
	arena.one = 1;
	arena.strmask = 1;
	arena.ptr = (gort_type){.size = 8, .ptrbytes = 8, .kind = 22, .gcdata = &arena.one};
	arena.str = (gort_type){.size = 16, .ptrbytes = 8, .kind = 24, .gcdata = &arena.strmask};
	arena.intt = (gort_type){.size = 8, .kind = 2};
	arena.fields[0] = (gort_structfield){NULL, &arena.intt, 0};
	arena.fields[1] = (gort_structfield){NULL, &arena.str, 8};
	arena.fields[2] = (gort_structfield){NULL, &arena.ptr, 24};
	arena.st.type = (gort_type){.size = 32,
				    .ptrbytes = 32,
				    .kind = GORT_KIND_STRUCT,
				    .tflag = GORT_TFLAG_GCMASK_ON_DEMAND};
	arena.st.fields = (gort_slice){arena.fields, 3, 3};
	arena.arr.type = (gort_type){.size = 32 * 1000,
				     .ptrbytes = 32 * 999 + 32,
				     .kind = GORT_KIND_ARRAY,
				     .tflag = GORT_TFLAG_GCMASK_ON_DEMAND};
	arena.arr.elem = &arena.st.type;
	arena.arr.len = 1000;
	arena.bad_kind =
	    (gort_type){.size = 8, .ptrbytes = 8, .kind = 21, .tflag = GORT_TFLAG_GCMASK_ON_DEMAND};
}

static int bit(const uint8_t *m, size_t i)
{
	return (m[i / 8] >> (i % 8)) & 1;
}

#define REGION 0x20000000u

static int build(gofn_mb_var *v, size_t n, size_t words, uint8_t **mask, gofn_err *err)
{
	gofn_mb_range r[] = {arena_range()};
	gofn_gcmask_mem mem = {r, 1};
	size_t nbits;
	int rc = gofn_gcmask_build((gofn_mb_range){REGION, REGION + 8 * words}, v, n, &mem, mask,
				   &nbits, err);
	if (rc == 0)
		assert_int_equal(nbits, words);
	return rc;
}

static void test_simple_masks(void **state)
{
	(void)state;
	setup_types();
	gofn_mb_var v[] = {
	    {REGION + 0, 8, &arena.ptr, "p"},	  {REGION + 8, 8, &arena.intt, "n"},
	    {REGION + 16, 16, &arena.str, "s"},	  {REGION + 32, 8, NULL, "untyped"},
	    {0x1000, 8, &arena.ptr, "elsewhere"}, /* another section: ignored */
	};
	uint8_t *m;
	gofn_err err = {0};
	assert_int_equal(build(v, 5, 6, &m, &err), 0);
	int want[] = {1, 0, 1, 0, 0, 0};
	for (int i = 0; i < 6; i++)
		assert_int_equal(bit(m, i), want[i]);
	free(m);
}

static void test_on_demand_struct_and_array(void **state)
{
	(void)state;
	setup_types();
	gofn_mb_var v[] = {
	    {REGION + 8, 32, &arena.st.type, "st"},
	    {REGION + 40, 32000, &arena.arr.type, "arr"},
	};
	uint8_t *m;
	gofn_err err = {0};
	assert_int_equal(build(v, 2, 1 + 4 + 4000, &m, &err), 0);
	/* st at word 1: n, s.ptr, s.len, p */
	assert_int_equal(bit(m, 0), 0);
	assert_int_equal(bit(m, 1), 0);
	assert_int_equal(bit(m, 2), 1);
	assert_int_equal(bit(m, 3), 0);
	assert_int_equal(bit(m, 4), 1);
	for (size_t k = 0; k < 1000; k++) {
		size_t w = 5 + 4 * k;
		assert_int_equal(bit(m, w + 0), 0);
		assert_int_equal(bit(m, w + 1), 1);
		assert_int_equal(bit(m, w + 2), 0);
		assert_int_equal(bit(m, w + 3), 1);
	}
	free(m);
}

static void expect_fail(gofn_mb_var *v, size_t words, const char *needle)
{
	uint8_t *m = (uint8_t *)1;
	gofn_err err = {0};
	assert_int_equal(build(v, 1, words, &m, &err), -1);
	assert_null(m);
	if (!strstr(err.msg, needle))
		fail_msg("error '%s' lacks '%s'", err.msg, needle);
}

static void test_rejects_corrupt_types(void **state)
{
	(void)state;
	setup_types();
	gofn_mb_var v = {REGION, 8, &arena.bad_kind, "m"};
	expect_fail(&v, 1, "GC mask not available");

	gort_type outside = arena.ptr; /* a descriptor outside readable memory */
	v = (gofn_mb_var){REGION, 8, &outside, "o"};
	expect_fail(&v, 1, "outside loaded memory");

	setup_types();
	arena.fields[2].offset = 4000; /* field past the struct */
	v = (gofn_mb_var){REGION, 32, &arena.st.type, "st"};
	expect_fail(&v, 4, "outside its struct");

	setup_types();
	arena.arr.len = 1u << 30; /* length inconsistent with size */
	v = (gofn_mb_var){REGION, 32000, &arena.arr.type, "arr"};
	expect_fail(&v, 4000, "inconsistent");

	setup_types();
	v = (gofn_mb_var){REGION + 8, 32, &arena.st.type, "tail"}; /* runs off region */
	expect_fail(&v, 4, "extends past");

	setup_types();
	arena.fields[1] = (gort_structfield){NULL, &arena.st.type, 0}; /* contains itself */
	v = (gofn_mb_var){REGION, 32, &arena.st.type, "loop"};
	expect_fail(&v, 4, "too deeply");
}

static void test_empty_region_has_mask(void **state)
{
	(void)state;
	uint8_t *m;
	gofn_err err = {0};
	assert_int_equal(build(NULL, 0, 0, &m, &err), 0);
	assert_non_null(m); /* modulesinit must never see a nil bitvector */
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_simple_masks),
	    cmocka_unit_test(test_on_demand_struct_and_array),
	    cmocka_unit_test(test_rejects_corrupt_types),
	    cmocka_unit_test(test_empty_region_has_mask),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
