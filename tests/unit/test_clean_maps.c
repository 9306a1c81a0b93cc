/* loader/hosttab.h gofn_clean_file_maps: the executable's clean read-only
 * mappings read from /proc/self/maps (less its RELRO) are the ones
 * /proc/self/smaps shows without an anonymous page. */
#include <link.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "loader/hosttab.h"

#define MAXR 256

typedef struct ranges {
	unsigned long lo[MAXR], hi[MAXR];
	int n;
} ranges;

static void collect(unsigned long lo, unsigned long hi, void *arg)
{
	ranges *r = arg;
	if (r->n < MAXR) {
		r->lo[r->n] = lo;
		r->hi[r->n] = hi;
		r->n++;
	}
}

static int relro_of_exe(struct dl_phdr_info *info, size_t size, void *arg)
{
	unsigned long *r = arg;
	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_GNU_RELRO) {
			r[0] = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
			r[1] = r[0] + info->dlpi_phdr[i].p_memsz;
		}
	return 1;
}

static void exe_maps_are_the_clean_ones_smaps_shows(void **state)
{
	(void)state;
	static ranges exe, all;
	unsigned long relro[2] = {0, 0};
	int n = gofn_clean_file_maps(1, collect, &exe);
	assert_int_equal(n, exe.n);
	assert_true(n >= 1); /* the text at least */
	assert_int_not_equal(gofn_clean_file_maps(0, collect, &all), -1);
	dl_iterate_phdr(relro_of_exe, relro);
	for (int i = 0; i < exe.n; i++) {
		int found = 0;
		for (int k = 0; k < all.n && !found; k++)
			found = all.lo[k] == exe.lo[i] && all.hi[k] == exe.hi[i];
		assert_true(found); /* smaps finds no anonymous page in it either */
		assert_false(exe.lo[i] < relro[1] && relro[0] < exe.hi[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(exe_maps_are_the_clean_ones_smaps_shows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
