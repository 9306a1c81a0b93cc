/* loader/bigalloc.h: a big array (1 MiB or more) is zeroed, starts on a
 * 2 MiB boundary (so that its whole 2 MiB units can be huge pages), a long
 * tail is rounded up to a whole unit, and one freed is reused for the next
 * of its rounded size zeroed again; small ones are calloc's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "loader/bigalloc.h"

#define MIB ((size_t)1 << 20)

static int all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static void big_is_aligned_zeroed_and_reused_zeroed(void **state)
{
	(void)state;
	size_t n = 3 * MIB - 123; /* a tail beyond the huge part, not page-sized */
	uint8_t *p = gofn_big_calloc(n);
	assert_non_null(p);
	assert_int_equal((uintptr_t)p % (2 * MIB), 0);
	assert_true(all_zero(p, n));
	memset(p, 0xA5, n);
	gofn_big_free(p, n);
	uint8_t *q = gofn_big_calloc(n); /* the same size: the kept mapping */
	assert_ptr_equal(q, p);
	assert_true(all_zero(q, n));
	uint8_t *r = gofn_big_calloc(n); /* none kept now: a new one */
	assert_ptr_not_equal(r, q);
	assert_true(all_zero(r, n));
	gofn_big_free(q, n);
	gofn_big_free(r, n);
	gofn_big_trim();
	uint8_t *s = gofn_big_calloc(n); /* trimmed: nothing kept to reuse */
	assert_non_null(s);
	assert_true(all_zero(s, n));
	gofn_big_free(s, n);
	gofn_big_trim();
}

static void other_sizes_are_not_reused(void **state)
{
	(void)state;
	uint8_t *p = gofn_big_calloc(4 * MIB);
	assert_non_null(p);
	memset(p, 1, 4 * MIB);
	gofn_big_free(p, 4 * MIB);
	uint8_t *q = gofn_big_calloc(2 * MIB);
	assert_non_null(q);
	assert_true(all_zero(q, 2 * MIB));
	gofn_big_free(q, 2 * MIB);
	gofn_big_trim();
}

static void rounded_up_sizes_share_a_kept_mapping(void **state)
{
	(void)state;
	size_t a = MIB + MIB / 2, b = 2 * MIB - 5; /* both one 2 MiB unit */
	uint8_t *p = gofn_big_calloc(a);
	assert_non_null(p);
	assert_int_equal((uintptr_t)p % (2 * MIB), 0);
	memset(p, 0xA5, 2 * MIB); /* the whole unit is the caller's to touch */
	gofn_big_free(p, a);
	uint8_t *q = gofn_big_calloc(b);
	assert_ptr_equal(q, p);
	assert_true(all_zero(q, b));
	gofn_big_free(q, b);
	gofn_big_trim();
}

static void short_tails_are_not_rounded_up(void **state)
{
	(void)state;
	size_t a = 2 * MIB + 8192, b = 2 * MIB + 12288; /* tails of 2 and 3 pages */
	uint8_t *p = gofn_big_calloc(a);
	assert_non_null(p);
	gofn_big_free(p, a);
	uint8_t *q = gofn_big_calloc(b); /* another length: not the kept one */
	assert_ptr_not_equal(q, p);
	assert_true(all_zero(q, b));
	gofn_big_free(q, b);
	gofn_big_trim();
}

/* An eighth of a unit (256 KiB) or more is rounded up: both are one
 * 4 MiB mapping, so the second takes the first's kept one. */
static void tails_from_an_eighth_are_rounded_up(void **state)
{
	(void)state;
	size_t a = 2 * MIB + MIB / 4, b = 3 * MIB;
	uint8_t *p = gofn_big_calloc(a);
	assert_non_null(p);
	memset(p, 0xA5, 4 * MIB); /* the whole rounded mapping is the caller's */
	gofn_big_free(p, a);
	uint8_t *q = gofn_big_calloc(b);
	assert_ptr_equal(q, p);
	assert_true(all_zero(q, b));
	gofn_big_free(q, b);
	uint8_t *r = gofn_big_calloc(2 * MIB + MIB / 4 - 4096); /* just under: 4 KiB tail */
	assert_ptr_not_equal(r, p);
	gofn_big_free(r, 2 * MIB + MIB / 4 - 4096);
	gofn_big_trim();
}

/* A heap block shrinks (and keeps its bytes); a mapped one is left as it
 * is and is freed, and kept, by its allocated size. */
static void shrink_keeps_bytes_and_the_free_size(void **state)
{
	(void)state;
	int zeroed;
	uint8_t *h = gofn_big_alloc(100000, &zeroed);
	assert_non_null(h);
	memset(h, 0x3C, 100000);
	h = gofn_big_shrink(h, 100000, 5000);
	assert_non_null(h);
	assert_int_equal(h[4999], 0x3C);
	gofn_big_free(h, 100000); /* heap: free() whatever the size said */
	size_t n = MIB + MIB / 4;
	uint8_t *p = gofn_big_alloc(n, &zeroed);
	assert_non_null(p);
	memset(p, 0x3C, n);
	assert_ptr_equal(gofn_big_shrink(p, n, 1000), p);
	assert_int_equal(p[n - 1], 0x3C);
	gofn_big_free(p, n);
	assert_ptr_equal(gofn_big_alloc(n, &zeroed), p); /* kept by its size */
	gofn_big_free(p, n);
	gofn_big_trim();
}

static void alloc_says_whether_zeroed(void **state)
{
	(void)state;
	int zeroed = -1;
	size_t n = 3 * MIB;
	uint8_t *p = gofn_big_alloc(n, &zeroed);
	assert_non_null(p);
	assert_int_equal(zeroed, 1); /* a new mapping */
	assert_true(all_zero(p, n));
	memset(p, 0x5A, n);
	gofn_big_free(p, n);
	uint8_t *q = gofn_big_alloc(n, &zeroed);
	assert_ptr_equal(q, p);
	assert_int_equal(zeroed, 0); /* kept, and left as it was */
	assert_int_equal(q[n - 1], 0x5A);
	assert_ptr_equal(gofn_zero_fill(q, n), q); /* what a kept one needs */
	assert_true(all_zero(q, n));
	gofn_big_free(q, n);
	gofn_big_trim();
	uint8_t *r = gofn_big_alloc(1000, &zeroed); /* small: malloc's */
	assert_non_null(r);
	assert_int_equal(zeroed, 0);
	gofn_big_free(r, 1000);
}

/* gofn_big_clear: a kept (dirty) array is cleared by writing, a new one
 * faulted in, zero either way. */
static void clear_zeroes_new_and_kept(void **state)
{
	(void)state;
	int zeroed = -1;
	size_t n = 3 * MIB - 4096;
	uint8_t *p = gofn_big_alloc(n, &zeroed);
	assert_non_null(p);
	assert_int_equal(zeroed, 1);
	assert_ptr_equal(gofn_big_clear(p, n, zeroed), p);
	assert_true(all_zero(p, n));
	memset(p, 0x77, n);
	gofn_big_free(p, n);
	uint8_t *q = gofn_big_alloc(n, &zeroed);
	assert_ptr_equal(q, p);
	assert_int_equal(zeroed, 0);
	assert_ptr_equal(gofn_big_clear(q, n, zeroed), q);
	assert_true(all_zero(q, n));
	gofn_big_free(q, n);
	gofn_big_trim();
}

/* The reserve: arrays of whole huge pages are carved from it in order,
 * zero and new; an array with a 4 KiB tail is not; what is left goes at
 * gofn_big_unreserve; none is made while arrays are kept for reuse or
 * for a request under 1 MiB. */
static void reserve_hands_out_whole_huge_pages(void **state)
{
	(void)state;
	int zeroed = -1;
	gofn_big_reserve(6 * MIB);
	uint8_t *a = gofn_big_alloc(2 * MIB - 4096, &zeroed); /* rounded up: 2 MiB */
	assert_non_null(a);
	assert_int_equal(zeroed, 1);
	assert_int_equal((uintptr_t)a % (2 * MIB), 0);
	assert_true(all_zero(a, 2 * MIB - 4096));
	uint8_t *b = gofn_big_alloc(4 * MIB, &zeroed);
	assert_ptr_equal(b, a + 2 * MIB); /* the next ones */
	assert_int_equal(zeroed, 1);
	assert_true(all_zero(b, 4 * MIB));
	uint8_t *c = gofn_big_alloc(2 * MIB, &zeroed); /* the reserve is used up */
	assert_true(c < a || c >= a + 6 * MIB);
	gofn_big_free(c, 2 * MIB);
	gofn_big_unreserve();	      /* nothing left: nothing to unmap */
	memset(a, 1, 2 * MIB - 4096); /* still a's and b's */
	memset(b, 1, 4 * MIB);
	gofn_big_free(a, 2 * MIB - 4096);
	gofn_big_free(b, 4 * MIB);
	gofn_big_reserve(4 * MIB); /* arrays are kept: no reserve */
	uint8_t *d = gofn_big_alloc(8 * MIB, &zeroed);
	assert_int_equal(zeroed, 1);
	assert_true(d + 8 * MIB <= a || d >= a + 6 * MIB);
	gofn_big_free(d, 8 * MIB);
	gofn_big_trim();
	gofn_big_reserve(4 * MIB);
	size_t en = 2 * MIB + 5 * 4096; /* a short tail: not whole huge pages */
	uint8_t *e = gofn_big_alloc(en, &zeroed);
	uint8_t *f = gofn_big_alloc(4 * MIB, &zeroed);
	assert_true(f + 4 * MIB <= e || f >= e + en);
	gofn_big_unreserve(); /* f was the whole reserve */
	memset(f, 2, 4 * MIB);
	gofn_big_free(e, en);
	gofn_big_free(f, 4 * MIB);
	gofn_big_trim();
	gofn_big_reserve(4 * MIB);
	gofn_big_unreserve();	   /* unused: unmapped */
	gofn_big_reserve(MIB / 2); /* too small for a reserve */
	uint8_t *g = gofn_big_alloc(2 * MIB, &zeroed);
	assert_int_equal(zeroed, 1);
	gofn_big_free(g, 2 * MIB);
	gofn_big_trim();
}

static void small_and_empty_come_from_calloc(void **state)
{
	(void)state;
	uint8_t *p = gofn_big_calloc(1000);
	assert_non_null(p);
	assert_true(all_zero(p, 1000));
	gofn_big_free(p, 1000);
	p = gofn_big_calloc(MIB - 1); /* just under the threshold */
	assert_non_null(p);
	assert_true(all_zero(p, MIB - 1));
	gofn_big_free(p, MIB - 1);
	p = gofn_big_calloc(0); /* a unit without symbols still gets a pointer */
	assert_non_null(p);
	gofn_big_free(p, 0);
	gofn_big_free(NULL, 5 * MIB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(big_is_aligned_zeroed_and_reused_zeroed),
	    cmocka_unit_test(other_sizes_are_not_reused),
	    cmocka_unit_test(rounded_up_sizes_share_a_kept_mapping),
	    cmocka_unit_test(short_tails_are_not_rounded_up),
	    cmocka_unit_test(tails_from_an_eighth_are_rounded_up),
	    cmocka_unit_test(shrink_keeps_bytes_and_the_free_size),
	    cmocka_unit_test(alloc_says_whether_zeroed),
	    cmocka_unit_test(clear_zeroes_new_and_kept),
	    cmocka_unit_test(reserve_hands_out_whole_huge_pages),
	    cmocka_unit_test(small_and_empty_come_from_calloc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
