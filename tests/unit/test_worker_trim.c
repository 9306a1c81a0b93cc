/* The idle trim runs only when the worker grew since the last one
 * (loader/host/cli/worker_trim.h): the Go runtime's kept bytes or the
 * process's page faults. Without that rule every trim runs and each of
 * these fails. The Go side is stood in for here: gofnGoKept and
 * gofnFreeOSMemory are weak in worker_trim.c, so these definitions are the
 * ones it calls. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "loader/host/cli/worker_trim.h"

static unsigned long long go_kept = 1 << 20;
static int go_trims;

unsigned long long gofnGoKept(void);
void gofnFreeOSMemory(void);

unsigned long long gofnGoKept(void)
{
	return go_kept;
}

void gofnFreeOSMemory(void)
{
	go_trims++;
}

/* A trim that runs whatever came before: the Go side grew past the bound
 * (also after a test left it below the last trim's). */
static void trim_now(void)
{
	go_kept += 4 * GOFN_WORKER_TRIM_GO_BYTES;
	assert_int_equal(gofn_worker_idle_trim(), 1);
}

static void test_the_first_trim_runs_and_an_unchanged_worker_skips(void **state)
{
	(void)state;
	/* the first runs whatever the worker holds */
	assert_int_equal(gofn_worker_idle_trim(), 1);
	assert_int_equal(go_trims, 1);
	/* nothing grew: no GC, nothing dropped, as often as it is asked */
	for (int i = 0; i < 3; i++)
		assert_int_equal(gofn_worker_idle_trim(), 0);
	assert_int_equal(go_trims, 1);
}

static void test_go_growth_past_the_bound_trims(void **state)
{
	(void)state;
	trim_now();
	int before = go_trims;
	go_kept += GOFN_WORKER_TRIM_GO_BYTES - 4096;
	assert_int_equal(gofn_worker_idle_trim(), 0);
	go_kept += 4096; /* counted from the last trim, not the last look */
	assert_int_equal(gofn_worker_idle_trim(), 1);
	assert_int_equal(go_trims, before + 1);
	/* less kept than at the last trim (the scavenger gave some back) */
	go_kept -= 64 << 10;
	assert_int_equal(gofn_worker_idle_trim(), 0);
}

/* Pages faulted in (here fresh anonymous ones) are growth whatever the Go
 * side says: malloc's arenas, thread stacks, a LOAD, file pages. */
static void test_pages_faulted_in_past_the_bound_trim(void **state)
{
	(void)state;
	size_t pages = GOFN_WORKER_TRIM_FAULTS + 16;
	char *p =
	    mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	trim_now();
	assert_int_equal(gofn_worker_idle_trim(), 0);
	for (size_t i = 0; i < pages; i++)
		p[i * 4096] = 1;
	assert_int_equal(gofn_worker_idle_trim(), 1);
	assert_int_equal(gofn_worker_idle_trim(), 0);
	munmap(p, pages * 4096);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_the_first_trim_runs_and_an_unchanged_worker_skips),
	    cmocka_unit_test(test_go_growth_past_the_bound_trims),
	    cmocka_unit_test(test_pages_faulted_in_past_the_bound_trim),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
