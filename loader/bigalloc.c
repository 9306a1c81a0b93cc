/* loader/bigalloc.h. An array of 2 MiB or more gets its own anonymous
 * mapping starting on a 2 MiB boundary, with MADV_HUGEPAGE on the whole
 * 2 MiB units it covers: one fault fills each of them, the tail keeps
 * 4 KiB pages (no rounding up, so no memory beyond what is asked for).
 * Without transparent huge pages (or with them "never") the madvise fails
 * and the mapping behaves like calloc's.
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
#define NSPARE 4		 /* a load has two big arrays; room for two loads */

static size_t rnd(size_t v, size_t a)
{
	return (v + a - 1) / a * a;
}

static struct {
	void *p;
	size_t len;
} spare[NSPARE];
static pthread_mutex_t spare_mu = PTHREAD_MUTEX_INITIALIZER;

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

void *gofn_big_calloc(size_t n)
{
	if (n < HUGE)
		return calloc(1, n ? n : 1);
	size_t len = rnd(n, PAGE);
	void *p = take_spare(len);
	if (p)
		return memset(p, 0, len);
	return map_aligned(len);
}

void gofn_big_free(void *p, size_t n)
{
	if (!p)
		return;
	if (n < HUGE) {
		free(p);
		return;
	}
	size_t len = rnd(n, PAGE);
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
