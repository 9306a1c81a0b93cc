/* loader/hosttab.h gofn_clean_file_maps: the clean read-only mappings it
 * finds from /proc/self/maps and the ELF headers (the executable's alone,
 * and every file's) are private read-only file mappings in which
 * /proc/self/smaps, read here as the oracle, shows no anonymous page: the
 * idle trim drops their pages, which would lose a written one. */
#include <link.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "loader/hosttab.h"

#define MAXR 512

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

/* The oracle: private read-only file mappings without an anonymous page,
 * from /proc/self/smaps. */
static void smaps_clean(ranges *r)
{
	char line[4096 + 128];
	unsigned long lo = 0, hi = 0, kb;
	int cand = 0, clean = 0;
	FILE *f = fopen("/proc/self/smaps", "re");

	assert_non_null(f);
	while (fgets(line, sizeof line, f)) {
		unsigned long a, b;
		char perms[5];
		int path = 0;
		if (sscanf(line, "%lx-%lx %4s %*s %*s %*s %n", &a, &b, perms, &path) >= 3 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			if (cand && clean)
				collect(lo, hi, r);
			lo = a, hi = b;
			cand = path && line[path] == '/' && perms[1] != 'w' && perms[3] == 'p';
			clean = 1;
			continue;
		}
		if (sscanf(line, "Anonymous: %lu kB", &kb) == 1 && kb)
			clean = 0;
	}
	if (cand && clean)
		collect(lo, hi, r);
	fclose(f);
}

static int has(const ranges *r, unsigned long lo, unsigned long hi)
{
	for (int k = 0; k < r->n; k++)
		if (r->lo[k] == lo && r->hi[k] == hi)
			return 1;
	return 0;
}

static void clean_maps_are_the_clean_ones_smaps_shows(void **state)
{
	(void)state;
	static ranges exe, all, oracle;
	unsigned long relro[2] = {0, 0};
	int n = gofn_clean_file_maps(1, collect, &exe);
	assert_int_equal(n, exe.n);
	assert_true(n >= 1); /* the text at least */
	n = gofn_clean_file_maps(0, collect, &all);
	assert_int_equal(n, all.n);
	assert_true(all.n > exe.n); /* the libraries' text too (cmocka, libc) */
	smaps_clean(&oracle);
	dl_iterate_phdr(relro_of_exe, relro);
	for (int i = 0; i < exe.n; i++) {
		assert_true(has(&all, exe.lo[i], exe.hi[i]));
		assert_false(exe.lo[i] < relro[1] && relro[0] < exe.hi[i]);
	}
	/* nothing smaps shows written (libc's RELRO, ...) is listed */
	for (int i = 0; i < all.n; i++)
		assert_true(has(&oracle, all.lo[i], all.hi[i]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(clean_maps_are_the_clean_ones_smaps_shows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
