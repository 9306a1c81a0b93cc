/* Trimming an idle worker: see worker_trim.h. */
#include "loader/host/cli/worker_trim.h"

#include <errno.h>
#include <malloc.h>
#include <poll.h>
#include <stddef.h>
#include <sys/mman.h>

#include "common/clock.h"
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
	/* malloc: the top of each arena, and the free pages inside them. */
	malloc_trim(0);
	/* Pages of the recorded mappings hold nothing but the file's bytes:
	 * dropping them loses nothing (hosttab.c, gofn_clean_file_maps). */
	for (int i = 0; i < nranges; i++) {
		madvise((void *)ranges[i].lo, ranges[i].hi - ranges[i].lo, MADV_RANDOM);
		madvise((void *)ranges[i].lo, ranges[i].hi - ranges[i].lo, MADV_DONTNEED);
	}
}

/* 1 when fd had nothing to read for the whole delay. */
static int idle_for(int fd, int delay_ms)
{
	int64_t deadline = gofn_now_ms() + delay_ms;

	for (;;) {
		int64_t left = deadline - gofn_now_ms();
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (left <= 0)
			return 1;
		int r = poll(&p, 1, (int)left);
		if (r == 0)
			return 1;
		if (r > 0 || errno != EINTR)
			return 0; /* a request, end of stream or an error: recv says which */
	}
}

void gofn_worker_idle_wait(int fd, int *trimmed)
{
	if (*trimmed || !idle_for(fd, GOFN_WORKER_TRIM_DELAY_MS))
		return;
	gofn_worker_idle_trim();
	*trimmed = 1;
}
