/* loader/bigalloc.h. An array of 1 MiB or more gets its own anonymous
 * mapping starting on a 2 MiB boundary, with MADV_HUGEPAGE on the whole
 * 2 MiB units it covers: one fault fills each of them. A tail of an
 * eighth of a unit (256 KiB) or more is rounded up to a whole unit too, a
 * shorter one keeps 4 KiB pages: a huge page costs about 55 us to fault in
 * (zeroing 2 MiB), 4 KiB pages about 1.3 us each (fastest of 30 rounds,
 * eighth session; the sixth measured 100 and 1.4 us and rounded from a
 * quarter), so 43 or more small faults cost more than rounding up. The
 * large object's symbol array (2.8 MB), link state (2.4 MB), description
 * for the module builder (1.5 MB) and pclntab (1.2 MB) are rounded up. The
 * memory this costs (under 1.75 MiB a big array) is only spent by units
 * large enough to have one. Without transparent huge pages (or
 * with them "never") the madvise fails and the mapping behaves like
 * calloc's (the rounded-up part untouched).
 *
 * A freed mapping is kept for the next array of exactly its size (a
 * process loading the same object again asks for the same sizes), as
 * glibc keeps freed heap (module_load.c fix_malloc_thresholds): mapping
 * afresh faulted the 4 KiB tails in again on every load. The idle trim
 * returns what is kept (gofn_big_trim). */
#include "loader/bigalloc.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define PAGE   ((size_t)4096)
#define HUGE   ((size_t)2 << 20) /* x86-64 PMD: one transparent huge page */
#define BIG    (HUGE / 2)	 /* from here on, mapped on huge pages */
#define NSPARE 10		 /* a load has five big arrays; room for two loads */

static size_t rnd(size_t v, size_t a)
{
	return (v + a - 1) / a * a;
}

static struct {
	void *p;
	size_t len;
} spare[NSPARE];
static pthread_mutex_t spare_mu = PTHREAD_MUTEX_INITIALIZER; /* spare and reserve */

static void *take_spare(size_t len)
{
	void *p = NULL;
	pthread_mutex_lock(&spare_mu);
	for (int i = 0; i < NSPARE && !p; i++)
		if (spare[i].p && spare[i].len == len) {
			p = spare[i].p;
			spare[i].p = NULL;
		}
	pthread_mutex_unlock(&spare_mu);
	return p;
}

static void *map_aligned(size_t len)
{
	if (len > SIZE_MAX - HUGE)
		return NULL;
	uint8_t *p =
	    mmap(NULL, len + HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	uint8_t *a = (uint8_t *)rnd((uintptr_t)p, HUGE);
	if (a > p)
		munmap(p, (size_t)(a - p));
	if (p + len + HUGE > a + len)
		munmap(a + len, (size_t)(p + len + HUGE - (a + len)));
	madvise(a, len / HUGE * HUGE, MADV_HUGEPAGE);
	return a;
}

/* The mapping's length for an array of n bytes (n >= BIG). */
static size_t map_len(size_t n)
{
	return n % HUGE >= HUGE / 8 ? rnd(n, HUGE) : rnd(n, PAGE);
}

/* The reserve: huge pages a helper thread faults in while the load does
 * something else (gofn_big_reserve), handed out whole to the next arrays
 * that fill whole huge pages (big_map), the rest unmapped at the end of
 * the load (gofn_big_unreserve). */
static struct {
	uint8_t *p; /* the next page to hand out */
	size_t len; /* bytes left */
} reserve;

static void *take_reserve(size_t len)
{
	void *p = NULL;
	pthread_mutex_lock(&spare_mu);
	if (len % HUGE == 0 && reserve.len >= len) {
		p = reserve.p;
		reserve.p += len;
		reserve.len -= len;
	}
	pthread_mutex_unlock(&spare_mu);
	return p;
}

/* Whether arrays are kept from an earlier load: its next load takes
 * those, and a reserve would be faulted in for nothing. */
static int holds_memory(void)
{
	int held = reserve.len != 0;
	for (int i = 0; i < NSPARE; i++)
		held |= spare[i].p != NULL;
	return held;
}

void gofn_big_reserve(size_t n)
{
	size_t len = rnd(n, HUGE);
	pthread_mutex_lock(&spare_mu);
	int skip = n < BIG || n > SIZE_MAX - 2 * HUGE || holds_memory();
	pthread_mutex_unlock(&spare_mu);
	uint8_t *p = skip ? NULL : map_aligned(len);
	if (!p)
		return;
	pthread_mutex_lock(&spare_mu);
	if (holds_memory()) { /* another thread's meanwhile */
		pthread_mutex_unlock(&spare_mu);
		munmap(p, len);
		return;
	}
	reserve.p = p;
	reserve.len = len;
	pthread_mutex_unlock(&spare_mu);
	/* one huge page at a time, the first ones first: a page may be
	 * handed out (take_reserve) while later ones are being faulted in,
	 * and MADV_POPULATE_WRITE only faults in what is missing (it never
	 * writes to what its new owner may be writing) */
	for (size_t off = 0; off < len; off += HUGE)
		if (madvise(p + off, HUGE, MADV_POPULATE_WRITE) < 0)
			break;
}

void gofn_big_unreserve(void)
{
	pthread_mutex_lock(&spare_mu);
	void *p = reserve.p;
	size_t len = reserve.len;
	reserve.p = NULL;
	reserve.len = 0;
	pthread_mutex_unlock(&spare_mu);
	if (len)
		munmap(p, len);
}

/* A kept or new mapping for n >= BIG bytes; *fresh when new (all zero). */
static void *big_map(size_t n, int *fresh)
{
	*fresh = 0;
	if (n > SIZE_MAX - 2 * HUGE)
		return NULL;
	size_t len = map_len(n);
	void *p = take_spare(len);
	if (p)
		return p;
	*fresh = 1;
	return (p = take_reserve(len)) ? p : map_aligned(len);
}

void *gofn_big_calloc(size_t n)
{
	int fresh;
	if (n < BIG)
		return calloc(1, n ? n : 1);
	void *p = big_map(n, &fresh);
	/* what the caller will use; beyond it the array never reaches */
	return p && !fresh ? memset(p, 0, n) : p;
}

void *gofn_big_alloc(size_t n, int *zeroed)
{
	*zeroed = 0;
	return n < BIG ? malloc(n ? n : 1) : big_map(n, zeroed);
}

void *gofn_zero_fill(void *p, size_t n)
{
	/* through a volatile pointer: GCC turns malloc + memset into calloc */
	static void *(*volatile fill)(void *, int, size_t) = memset;
	return fill(p, 0, n);
}

void *gofn_big_clear(void *p, size_t n, int zeroed)
{
	/* p of a new mapping starts on a page (map_aligned, take_reserve) */
	if (zeroed && n >= BIG && madvise(p, rnd(n, PAGE), MADV_POPULATE_WRITE) == 0)
		return p;
	return gofn_zero_fill(p, n);
}

void *gofn_big_shrink(void *p, size_t n, size_t len)
{
	if (n >= BIG || len >= n)
		return p;
	void *q = realloc(p, len ? len : 1);
	return q ? q : p;
}

void gofn_big_free(void *p, size_t n)
{
	if (!p)
		return;
	if (n < BIG) {
		free(p);
		return;
	}
	size_t len = map_len(n);
	void *old = p;
	size_t old_len = len;
	pthread_mutex_lock(&spare_mu);
	for (int i = 0; i < NSPARE; i++)
		if (!spare[i].p || i == NSPARE - 1) { /* full: the last one goes */
			old = spare[i].p;
			old_len = spare[i].len;
			spare[i].p = p;
			spare[i].len = len;
			break;
		}
	pthread_mutex_unlock(&spare_mu);
	if (old)
		munmap(old, old_len);
}

void gofn_big_trim(void)
{
	pthread_mutex_lock(&spare_mu);
	for (int i = 0; i < NSPARE; i++) {
		if (spare[i].p)
			munmap(spare[i].p, spare[i].len);
		spare[i].p = NULL;
	}
	pthread_mutex_unlock(&spare_mu);
}
