/* Trimming an idle worker's memory (issue 16 target 4: idle warm worker
 * RSS <= 6 MiB).
 *
 * A worker is resident far beyond what waiting for its next request needs:
 * start-up (the init functions of every standard package, the preload) and
 * each call fault in pages of the executable and its libraries, the Go heap
 * keeps what the call freed, and malloc keeps its free chunks. Once the
 * worker has been idle for GOFN_WORKER_TRIM_DELAY_MS, and only then (never
 * during a request: the request loop calls it between frames, worker_wait.c), it gives all that
 * back. */
#ifndef GOFN_HOST_WORKER_TRIM_H
#define GOFN_HOST_WORKER_TRIM_H

/* How long a worker waits for its next request before trimming. A worker
 * called more often than this never trims; one called less often pays the
 * page faults of the next call (docs/benchmarks.md, row 6). A second, not
 * less: with 100 tenants under load each worker was called a little less
 * often than every 200 ms and paid a forced GC and refaults per call. */
#define GOFN_WORKER_TRIM_DELAY_MS 1000

/* Records the mappings the trim may drop (clean private file mappings: the
 * executable's text, rodata and host table, the libraries' text and
 * rodata: gofn_clean_file_maps). Reads /proc/self/maps, so it runs before
 * seccomp; returns how many, or -1 when it cannot be read (the trim then
 * leaves file pages alone). */
int gofn_worker_idle_trim_prepare(void);

/* Returns freed Go heap and malloc'd memory to the system and drops the
 * recorded mappings' pages from this process (they stay in the page cache,
 * shared with the other workers; a later access faults them back). Uses
 * only madvise, munmap and brk, which the seccomp filter allows. */
void gofn_worker_idle_trim(void);

#endif
