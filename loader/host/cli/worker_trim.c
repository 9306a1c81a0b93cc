/* Trimming an idle worker: see worker_trim.h. */
#include "loader/host/cli/worker_trim.h"

#include <malloc.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "loader/bigalloc.h"
#include "loader/hosttab.h"

/* debug.FreeOSMemory, and the bytes the Go runtime has not returned to the
 * system (loader/host/trim.go). Weak, as the call bridge's exports are
 * (loader/call_bridge.h): C-only programs link without them. */
extern void gofnFreeOSMemory(void) __attribute__((weak));
extern unsigned long long gofnGoKept(void) __attribute__((weak));

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

/* What the worker holds, as far as a trim could give it back. */
typedef struct mark {
	uint64_t go_kept; /* gofnGoKept */
	uint64_t faults;  /* the process's page faults so far */
} mark;

static mark now(void)
{
	struct rusage ru;
	mark m = {.go_kept = gofnGoKept ? gofnGoKept() : 0};

	if (getrusage(RUSAGE_SELF, &ru) == 0)
		m.faults = (uint64_t)ru.ru_minflt + (uint64_t)ru.ru_majflt;
	return m;
}

/* After the last trim (valid once one ran). */
static mark last;
static int trimmed_once;

/* Whether the worker grew since the last trim (worker_trim.h). */
static int grew(const mark *m)
{
	return !trimmed_once || m->go_kept >= last.go_kept + GOFN_WORKER_TRIM_GO_BYTES ||
	       m->faults >= last.faults + GOFN_WORKER_TRIM_FAULTS;
}

int gofn_worker_idle_trim(void)
{
	mark m = now();

	if (!grew(&m))
		return 0;
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
	/* what the trim itself faulted (the GC's reads) is not growth */
	last = now();
	trimmed_once = 1;
	return 1;
}
