/* The walks over the host runtime's type and itab tables
 * (loader/go126_rt.c typelinks/itablinks, loader/go127_rt.c the descriptor
 * and itab ranges) fed bad values in a fake types section: each is an
 * error from gorel_host_tables_check naming the entry, and the walks
 * themselves stop (or skip) without reading past it (ASan would see it).
 * Before, a 1.27 interface whose method count wrapped the size sum, or a
 * 1.26 itablinks entry that was NULL, was read or dereferenced. Built once
 * per Go release. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "loader/release_rt.h"

enum {
	KIND_INT = 2,
	KIND_FUNC = 19,
	KIND_IFACE = 20,
	KIND_STRUCT = 25,
	SECTION = 0x400,
};

static uint64_t section[SECTION / 8]; /* the types section, 8-aligned */
static gort_moduledata md;
static int ntypes, nitabs;

static uint8_t *at(size_t off)
{
	return (uint8_t *)section + off;
}

static gort_type *put(size_t off, int kind)
{
	gort_type *t = (gort_type *)at(off);
	*t = (gort_type){.size = 8, .align = 8, .field_align = 8, .kind = (uint8_t)kind};
	return t;
}

static int count_type(void *ctx, const gort_type *t)
{
	(void)ctx;
	assert_true((uintptr_t)t >= md.types && (uintptr_t)t < md.etypes);
	ntypes++;
	return 0;
}

static int count_itab(void *ctx, const gort_itab *it)
{
	(void)ctx;
	assert_true((uintptr_t)it->inter >= md.types && (uintptr_t)it->inter < md.etypes);
	nitabs++;
	return 0;
}

static int reset(void **state)
{
	(void)state;
	memset(section, 0, sizeof section);
	memset(&md, 0, sizeof md);
	md.types = (uintptr_t)section;
	md.etypes = (uintptr_t)section + SECTION;
	md.text = md.types;
	md.end = md.etypes;
	ntypes = nitabs = 0;
	return 0;
}

/* The tables are refused with a message containing want; the walks
 * still run without reading outside what they were given. */
static void refused(const char *want)
{
	gofn_err e = {0};
	assert_int_equal(gorel_host_tables_check(&md, &e), -1);
	assert_int_equal(e.code, GOFN_EVERSION);
	if (!strstr(e.msg, want))
		fail_msg("error \"%s\" lacks \"%s\"", e.msg, want);
	assert_non_null(strstr(e.msg, "host runtime type tables"));
	gorel_host_types(&md, count_type, NULL);
	gorel_host_itabs(&md, count_itab, NULL);
}

static void accepted(void)
{
	gofn_err e = {0};
	if (gorel_host_tables_check(&md, &e) != 0)
		fail_msg("refused: %s", e.msg);
}

#if GOFN_GO_MINOR >= 27

enum { SEED = 8 }; /* runtime/type.go moduleTypelinks starts at types+8 */

static void iface_methods(size_t off, intptr_t n)
{
	memcpy(at(off + GORT_IFACE_METHODS_LEN_OFF), &n, sizeof n);
}

/* An itab at off for the interface at inter (one method), concrete int. */
static size_t put_itab(size_t off, size_t inter, size_t type)
{
	gort_itab *it = (gort_itab *)at(off);
	*it = (gort_itab){.inter = at(inter), .type = (const gort_type *)at(type), .fun = {1}};
	return sizeof *it;
}

static void good_tables_are_walked(void **state)
{
	(void)state;
	put(SEED, KIND_INT);
	put(SEED + 48, KIND_IFACE);
	iface_methods(SEED + 48, 1);
	md.typedesclen = SEED + 48 + 80 + 8; /* int, interface{M()} and its Imethod */
	md.itaboffset = 0x200;
	md.itabsize = put_itab(0x200, SEED + 48, SEED);
	accepted();
	assert_int_equal(gorel_host_types(&md, count_type, NULL), 0);
	assert_int_equal(ntypes, 2 + 2); /* the two listed, and the itab's two */
	assert_int_equal(gorel_host_itabs(&md, count_itab, NULL), 0);
	assert_int_equal(nitabs, 1);
}

/* n * 8 wraps to 8: before, the walk took it for a 136-byte descriptor. */
static void iface_method_count_that_wraps(void **state)
{
	(void)state;
	put(SEED, KIND_IFACE);
	iface_methods(SEED, (intptr_t)(((uint64_t)1 << 61) + 1));
	md.typedesclen = SEED + 80 + 8;
	refused("types+0x8 (kind 20) does not fit");
	assert_int_equal(ntypes, 0);
}

static void negative_iface_method_count(void **state)
{
	(void)state;
	put(SEED, KIND_IFACE);
	iface_methods(SEED, -1);
	md.typedesclen = SEED + 80;
	refused("does not fit");
}

static void negative_struct_field_count(void **state)
{
	(void)state;
	gort_structtype *st = (gort_structtype *)put(SEED, KIND_STRUCT);
	st->fields = (gort_slice){NULL, -3, 0};
	md.typedesclen = SEED + sizeof *st;
	refused("(kind 25) does not fit");
}

/* A func descriptor ending the range whose parameter count runs past it. */
static void func_parameters_past_the_range(void **state)
{
	(void)state;
	put(SEED, KIND_INT);
	gort_type *f = put(SEED + 48, KIND_FUNC);
	uint16_t in = 0xffff;
	memcpy((uint8_t *)f + sizeof *f, &in, 2);
	md.typedesclen = SEED + 48 + GORT_SIZEOF_FUNCTYPE;
	refused("types+0x38 (kind 19) does not fit");
	assert_int_equal(ntypes, 1); /* the int before it */
}

/* TFlagUncommon on the last descriptor: its UncommonType would be read
 * past typedesclen before. */
static void uncommon_header_past_the_range(void **state)
{
	(void)state;
	size_t last = SEED + 48 * 19;
	for (size_t off = SEED; off < last; off += 48) /* ints end to end */
		put(off, KIND_INT);
	put(last, KIND_INT)->tflag = GORT_TFLAG_UNCOMMON;
	md.typedesclen = last + 48 + 8; /* half of its UncommonType */
	refused("types+0x398 (kind 2) does not fit");
	assert_int_equal(ntypes, 19);
}

static void typedesclen_past_the_section(void **state)
{
	(void)state;
	md.typedesclen = SECTION + 8;
	refused("typedesclen 0x408 is past the types section");
}

static void itab_with_interface_outside(void **state)
{
	static uint8_t elsewhere[128];
	(void)state;
	put(SEED, KIND_INT);
	md.typedesclen = SEED + 48;
	md.itaboffset = 0x200;
	md.itabsize = put_itab(0x200, SEED, SEED);
	((gort_itab *)at(0x200))->inter = elsewhere;
	refused("itab at types+0x200 has its interface type outside");
	assert_int_equal(nitabs, 0);
}

/* The interface says 1,000 methods; the range holds one itab header. */
static void itab_method_count_past_the_range(void **state)
{
	(void)state;
	put(SEED, KIND_INT);
	put(SEED + 48, KIND_IFACE);
	iface_methods(SEED + 48, 1000);
	md.typedesclen = SEED + 48; /* the int only */
	md.itaboffset = 0x200;
	md.itabsize = put_itab(0x200, SEED + 48, SEED);
	refused("method count that does not fit");
	assert_int_equal(nitabs, 0);
}

static void itab_range_past_the_section(void **state)
{
	(void)state;
	md.itaboffset = 0x200;
	md.itabsize = SECTION;
	refused("itab range (+0x200, 0x400 bytes) is past");
}

static void itab_cut_off(void **state)
{
	(void)state;
	put(SEED, KIND_INT);
	put(SEED + 48, KIND_IFACE);
	iface_methods(SEED + 48, 1);
	md.typedesclen = SEED + 48;
	md.itaboffset = 0x200;
	md.itabsize = put_itab(0x200, SEED + 48, SEED) + 16;
	refused("itab at types+0x220 is cut off");
	assert_int_equal(nitabs, 1);
}

#define RELEASE_TESTS                                                                              \
	cmocka_unit_test_setup(iface_method_count_that_wraps, reset),                              \
	    cmocka_unit_test_setup(negative_iface_method_count, reset),                            \
	    cmocka_unit_test_setup(negative_struct_field_count, reset),                            \
	    cmocka_unit_test_setup(func_parameters_past_the_range, reset),                         \
	    cmocka_unit_test_setup(uncommon_header_past_the_range, reset),                         \
	    cmocka_unit_test_setup(typedesclen_past_the_section, reset),                           \
	    cmocka_unit_test_setup(itab_with_interface_outside, reset),                            \
	    cmocka_unit_test_setup(itab_method_count_past_the_range, reset),                       \
	    cmocka_unit_test_setup(itab_range_past_the_section, reset),                            \
	    cmocka_unit_test_setup(itab_cut_off, reset)

#else /* Go 1.26: typelinks []int32 and itablinks []*itab */

static int32_t typelinks[2];
static const gort_itab *itablinks[2];
static gort_itab itab_store[1]; /* in the "image" only when placed there */

static void good_tables_are_walked(void **state)
{
	(void)state;
	put(0x10, KIND_INT);
	put(0x40, KIND_IFACE);
	typelinks[0] = 0x10;
	typelinks[1] = 0x40;
	md.typelinks = (gort_slice){typelinks, 2, 2};
	gort_itab *it = (gort_itab *)at(0x200);
	*it = (gort_itab){.inter = at(0x40), .type = (const gort_type *)at(0x10)};
	itablinks[0] = it;
	md.itablinks = (gort_slice){itablinks, 1, 1};
	accepted();
	assert_int_equal(gorel_host_types(&md, count_type, NULL), 0);
	assert_int_equal(ntypes, 2 + 2);
	assert_int_equal(gorel_host_itabs(&md, count_itab, NULL), 0);
	assert_int_equal(nitabs, 1);
}

static void typelink_past_the_section(void **state)
{
	(void)state;
	put(0x10, KIND_INT);
	typelinks[0] = 0x10;
	typelinks[1] = SECTION - 8; /* a descriptor would run past etypes */
	md.typelinks = (gort_slice){typelinks, 2, 2};
	refused("typelinks[1] = 0x3f8 is outside the types section");
	assert_int_equal(ntypes, 1);
}

static void negative_typelink(void **state)
{
	(void)state;
	typelinks[0] = -0x100;
	md.typelinks = (gort_slice){typelinks, 1, 1};
	refused("typelinks[0] = 0xffffff00 is outside");
	assert_int_equal(ntypes, 0);
}

/* Before, il[i]->inter was read through the NULL. */
static void null_itablink(void **state)
{
	(void)state;
	itablinks[0] = NULL;
	md.itablinks = (gort_slice){itablinks, 1, 1};
	refused("itablinks[0] = (nil) is not in the module's image");
	assert_int_equal(ntypes + nitabs, 0);
}

static void itablink_outside_the_image(void **state)
{
	(void)state;
	itablinks[0] = itab_store;
	md.itablinks = (gort_slice){itablinks, 1, 1};
	refused("is not in the module's image");
	assert_int_equal(ntypes + nitabs, 0);
}

static void itab_type_outside_the_section(void **state)
{
	static gort_type elsewhere;
	(void)state;
	put(0x40, KIND_IFACE);
	gort_itab *it = (gort_itab *)at(0x200);
	*it = (gort_itab){.inter = at(0x40), .type = &elsewhere};
	itablinks[0] = it;
	md.itablinks = (gort_slice){itablinks, 1, 1};
	refused("has a type outside the types section");
	assert_int_equal(ntypes + nitabs, 0);
}

static void links_that_are_not_a_slice(void **state)
{
	(void)state;
	md.itablinks = (gort_slice){NULL, 5, 5};
	refused("is not a slice");
}

#define RELEASE_TESTS                                                                              \
	cmocka_unit_test_setup(typelink_past_the_section, reset),                                  \
	    cmocka_unit_test_setup(negative_typelink, reset),                                      \
	    cmocka_unit_test_setup(null_itablink, reset),                                          \
	    cmocka_unit_test_setup(itablink_outside_the_image, reset),                             \
	    cmocka_unit_test_setup(itab_type_outside_the_section, reset),                          \
	    cmocka_unit_test_setup(links_that_are_not_a_slice, reset)

#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(good_tables_are_walked, reset),
	    RELEASE_TESTS,
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
