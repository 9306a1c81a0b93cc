/* The host symbol table read back from this very test binary: a C
 * executable has an ELF symtab like the Go worker, so lookups by name must
 * give the addresses the program itself sees. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "loader/symtab.h"

int gofn_test_symtab_marker(int x);
int gofn_test_symtab_marker(int x)
{
	return x + 1;
}

int gofn_test_symtab_var = 42;

static void finds_functions_and_data(void **state)
{
	gofn_symtab t;
	gofn_err e = {0};
	(void)state;
	assert_int_equal(gofn_symtab_open(NULL, &t, &e), 0);
	const gofn_hostsym *f = gofn_symtab_lookup(&t, "gofn_test_symtab_marker", 23, 1);
	assert_non_null(f);
	assert_true(f->is_func);
	const gofn_hostsym *v = gofn_symtab_find(&t, "gofn_test_symtab_var", 20);
	assert_non_null(v);
	/* the test binary is PIE: the table adds the load bias for /proc/self/exe */
	assert_int_equal(f->addr, (uintptr_t)&gofn_test_symtab_marker);
	assert_int_equal(v->addr, (uintptr_t)&gofn_test_symtab_var);
	assert_int_equal(v->size, sizeof gofn_test_symtab_var);
	assert_true(t.text_lo <= f->addr && f->addr < t.text_hi);
	assert_true(t.image_end > v->addr);
	gofn_symtab_close(&t);
}

static void prefix_is_not_a_match(void **state)
{
	gofn_symtab t;
	gofn_err e = {0};
	(void)state;
	assert_int_equal(gofn_symtab_open(NULL, &t, &e), 0);
	assert_null(gofn_symtab_find(&t, "gofn_test_symtab_marke", 22));
	/* a longer query whose first 23 bytes name a real symbol */
	assert_null(gofn_symtab_find(&t, "gofn_test_symtab_markerX", 24));
	assert_null(gofn_symtab_lookup(&t, "no.such.symbol", 14, 0));
	gofn_symtab_close(&t);
}

/* The run of names with a prefix holds exactly those names, and a lookup
 * within it answers as one over the whole table (link.c looks a unit's
 * own package names up that way). */
static void prefix_range_bounds_the_search(void **state)
{
	gofn_symtab t;
	gofn_err e = {0};
	(void)state;
	assert_int_equal(gofn_symtab_open(NULL, &t, &e), 0);
	gofn_symrange r = gofn_symtab_prefix_range(&t, "gofn_test_symtab_", 17);
	assert_true(r.lo < r.hi && r.hi <= t.nsyms);
	for (size_t i = 0; i < t.nsyms; i++) {
		int in = strncmp(gofn_hostsym_name(&t, &t.syms[i]), "gofn_test_symtab_", 17) == 0;
		assert_int_equal(in, i >= r.lo && i < r.hi);
	}
	assert_ptr_equal(gofn_symtab_find_in(&t, r, "gofn_test_symtab_var", 20),
			 gofn_symtab_find(&t, "gofn_test_symtab_var", 20));
	assert_ptr_equal(gofn_symtab_lookup_in(&t, r, "gofn_test_symtab_marker", 23, 0),
			 gofn_symtab_lookup(&t, "gofn_test_symtab_marker", 23, 0));
	assert_null(gofn_symtab_find_in(&t, r, "gofn_test_symtab_nothing", 24));
	/* a name outside the run is not found within it */
	assert_null(gofn_symtab_find_in(&t, r, "main", 4));
	gofn_symrange none = gofn_symtab_prefix_range(&t, "no.such.package.", 16);
	assert_int_equal(none.lo, none.hi);
	assert_null(gofn_symtab_find_in(&t, none, "no.such.package.x", 17));
	gofn_symtab_close(&t);
}

static void rejects_missing_and_non_elf_files(void **state)
{
	gofn_symtab t;
	gofn_err e = {0};
	(void)state;
	assert_int_equal(gofn_symtab_open("/nonexistent/gofn-host", &t, &e), -1);
	assert_int_equal(e.code, GOFN_ESYS);
	assert_non_null(strstr(e.msg, "/nonexistent/gofn-host"));
	assert_int_equal(gofn_symtab_open("CMakeLists.txt", &t, &e), -1);
	assert_int_equal(e.code, GOFN_EINVAL);
	assert_non_null(strstr(e.msg, "not an ELF file"));
}

static void self_table_is_shared(void **state)
{
	gofn_err e = {0};
	(void)state;
	const gofn_symtab *a = gofn_symtab_self(&e), *b = gofn_symtab_self(&e);
	assert_non_null(a);
	assert_ptr_equal(a, b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(finds_functions_and_data),
	    cmocka_unit_test(prefix_is_not_a_match),
	    cmocka_unit_test(prefix_range_bounds_the_search),
	    cmocka_unit_test(rejects_missing_and_non_elf_files),
	    cmocka_unit_test(self_table_is_shared),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
