/* The walk over the host's type descriptors (loader/link_hosttypes.c),
 * run by `gofn-loader -hosttab-write` on the worker's own executable at
 * every build, over a fake types section. The scan of the section guesses
 * descriptors from their bytes; an edit to the worker's Go code once
 * shifted rodata so that a guess (kind int, TFlagUncommon, an UncommonType
 * whose Moff pointed 150 MB past the section) was taken, and the walk read
 * its method table there: SIGSEGV in push_children, every build broken.
 * A guess like that must be dropped; the same bytes reached from the
 * runtime's own type tables are an error that says what is wrong. Built
 * once per Go release: the tables that seed the walk differ (typelinks up
 * to 1.26, the descriptor range since 1.27). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "loader/hosttab.h"
#include "loader/link_internal.h"
#include "loader/release_rt.h"

enum {
	KIND_INT = 2,
	KIND_STRUCT = 25,
	SEED = 8, /* 1.27 descriptors start at types+8 */
	GUESS = 0x100,
	NAME_INT = 0x200,
	NAME_GUESS = 0x210,
	SECTION = 0x400,
};

typedef struct {
	int32_t pkgpath;
	uint16_t mcount, xcount;
	uint32_t moff, unused;
} uncommon; /* internal/abi/type.go UncommonType */

static uint64_t section[SECTION / 8]; /* the types section, 8-aligned */
static gort_structfield outside[1];   /* not in the section */
static gort_moduledata md;

static uint8_t *at(size_t off)
{
	return (uint8_t *)section + off;
}

static void put_name(size_t off, const char *s)
{
	at(off)[0] = 0;
	at(off)[1] = (uint8_t)strlen(s);
	memcpy(at(off + 2), s, strlen(s));
}

/* An int-like descriptor at off named by name_off; TFlagUncommon with an
 * UncommonType whose method table lies moff bytes on, if moff. */
static size_t put_type(size_t off, int kind, int32_t name_off, uint32_t moff)
{
	gort_type *t = (gort_type *)at(off);
	size_t size = kind == KIND_STRUCT ? sizeof(gort_structtype) : sizeof *t;
	*t = (gort_type){
	    .size = 8, .align = 2, .field_align = 1, .kind = (uint8_t)kind, .str = name_off};
	if (moff) {
		t->tflag = GORT_TFLAG_UNCOMMON;
		*(uncommon *)(at(off) + size) = (uncommon){.mcount = 1, .moff = moff};
		size += sizeof(uncommon) + 16; /* and the one Method DescriptorSize counts */
	}
	return size;
}

/* The runtime's tables list the one descriptor of `size` bytes at SEED. */
static void seed_one(size_t size)
{
	static int32_t typelinks[1] = {SEED};
	md.types = (uintptr_t)section;
	md.etypes = (uintptr_t)section + SECTION;
#if GOFN_GO_MINOR >= 27
	md.typedesclen = SEED + size;
	(void)typelinks;
#else
	md.typelinks = (gort_slice){typelinks, 1, 1};
	(void)size;
#endif
}

static int walk(gofn_hosttype_rec **recs, size_t *n, char **names, gofn_err *err)
{
	static const char symname[] = "runtime.firstmoduledata";
	gofn_hostsym sym = {.addr = (uintptr_t)&md, .size = sizeof md};
	gofn_symtab st = {.syms = &sym, .nsyms = 1, .names = symname};
	size_t names_len;
	memset(err, 0, sizeof *err);
	return gofn_hosttypes_export(&st, recs, n, names, &names_len, err);
}

static int has_name(const gofn_hosttype_rec *r, size_t n, const char *names, const char *want)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names + r[i].name, want) == 0)
			return 1;
	return 0;
}

static int reset(void **state)
{
	(void)state;
	memset(section, 0, sizeof section);
	memset(&md, 0, sizeof md);
	put_name(NAME_INT, "int");
	put_name(NAME_GUESS, "guess");
	return 0;
}

/* Walks the section, which must succeed; whether name is in the table. */
static int walk_finds(const char *name)
{
	gofn_hosttype_rec *r = NULL;
	char *names = NULL;
	size_t n = 0;
	gofn_err e;
	assert_int_equal(walk(&r, &n, &names, &e), 0);
	assert_true(has_name(r, n, names, "int"));
	int found = has_name(r, n, names, name);
	free(r);
	free(names);
	return found;
}

/* The crash: a scan guess whose method table is far outside. */
static void guess_with_wild_methods_is_dropped(void **state)
{
	(void)state;
	seed_one(put_type(SEED, KIND_INT, NAME_INT, 0));
	put_type(GUESS, KIND_INT, NAME_GUESS, 0x0900201c);
	assert_false(walk_finds("guess"));
}

/* The same guess with its methods in the section is still taken: the
 * check drops only what cannot be read. */
static void guess_in_bounds_is_kept(void **state)
{
	(void)state;
	seed_one(put_type(SEED, KIND_INT, NAME_INT, 0));
	put_type(GUESS, KIND_INT, NAME_GUESS, sizeof(uncommon));
	assert_true(walk_finds("guess"));
}

/* Walks the section, which must fail as a bad table; the message. */
static const char *walk_error(gofn_err *e)
{
	gofn_hosttype_rec *r = NULL;
	char *names = NULL;
	size_t n = 0;
	assert_int_not_equal(walk(&r, &n, &names, e), 0);
	assert_null(r);
	assert_int_equal(e->code, GOFN_EINVAL);
	return e->msg;
}

/* Listed by the runtime itself: a bad table, reported, not walked. */
static void listed_with_wild_methods_is_an_error(void **state)
{
	(void)state;
	gofn_err e;
	seed_one(put_type(SEED, KIND_INT, NAME_INT, 0x0900201c));
	const char *msg = walk_error(&e);
	assert_non_null(strstr(msg, "types+0x8"));
	assert_non_null(strstr(msg, "method table outside the types section"));
}

static void listed_struct_with_fields_outside_is_an_error(void **state)
{
	(void)state;
	gofn_err e;
	size_t size = put_type(SEED, KIND_STRUCT, NAME_INT, 0);
	gort_structtype *st = (gort_structtype *)at(SEED);
	st->fields = (gort_slice){outside, 1, 1};
	seed_one(size + sizeof(gort_structfield)); /* DescriptorSize counts the fields */
	assert_non_null(strstr(walk_error(&e), "struct fields outside the types section"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(guess_with_wild_methods_is_dropped, reset),
	    cmocka_unit_test_setup(guess_in_bounds_is_kept, reset),
	    cmocka_unit_test_setup(listed_with_wild_methods_is_an_error, reset),
	    cmocka_unit_test_setup(listed_struct_with_fields_outside_is_an_error, reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
