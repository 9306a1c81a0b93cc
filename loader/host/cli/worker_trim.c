/* Trimming an idle worker: see worker_trim.h. */
#include "loader/host/cli/worker_trim.h"

#include <malloc.h>
#include <stddef.h>
#include <sys/mman.h>

#include "loader/bigalloc.h"
#include "loader/hosttab.h"

/* debug.FreeOSMemory (loader/host/trim.go). Weak, as the call bridge's
 * exports are (loader/call_bridge.h): C-only programs link without it. */
extern void gofnFreeOSMemory(void) __attribute__((weak));

/* The mappings recorded before seccomp. A worker has about 40 file
 * mappings; more are left untouched. */
#define MAX_RANGES 128

typedef struct range {
	unsigned long lo, hi;
} range;

static range ranges[MAX_RANGES];
static int nranges;

static void record(unsigned long lo, unsigned long hi, void *arg)
{
	(void)arg;
	if (nranges < MAX_RANGES)
		ranges[nranges++] = (range){lo, hi};
}

int gofn_worker_idle_trim_prepare(void)
{
	nranges = 0;
	return gofn_clean_file_maps(0, record, NULL) < 0 ? -1 : nranges;
}

void gofn_worker_idle_trim(void)
{
	/* Go: a GC, then every free page back to the system (the runtime
	 * releases with MADV_DONTNEED on Linux, so RSS falls at once). */
	if (gofnFreeOSMemory)
		gofnFreeOSMemory();
	/* malloc: the top of each arena, and the free pages inside them;
	 * the loader's big arrays kept after an unload (bigalloc.h). */
	malloc_trim(0);
	gofn_big_trim();
	/* Pages of the recorded mappings hold nothing but the file's bytes:
	 * dropping them loses nothing (hosttab.c, gofn_clean_file_maps).
	 * MADV_RANDOM first: no readahead into them on a later fault, so what
	 * the idle runtime touches after the trim brings back less (measured:
	 * 1.8 instead of 2.0 MiB of file pages). */
	for (int i = 0; i < nranges; i++) {
		madvise((void *)ranges[i].lo, ranges[i].hi - ranges[i].lo, MADV_RANDOM);
		madvise((void *)ranges[i].lo, ranges[i].hi - ranges[i].lo, MADV_DONTNEED);
	}
}
