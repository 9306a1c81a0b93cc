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

/* A trim is skipped when the worker has not grown since the last one: the
 * Go runtime holds fewer than GOFN_WORKER_TRIM_GO_BYTES more bytes it has
 * not returned to the system (what its GC and scavenger could give back),
 * and the process faulted in fewer than GOFN_WORKER_TRIM_FAULTS pages
 * (malloc's arenas, thread stacks, a LOAD, file pages). The first trim
 * always runs.
 *
 * Why: a worker called a little less often than the trim delay (1,000
 * held tenants called in turn) trimmed before every call: a forced GC that
 * marks the whole standard library's globals and init heap, the
 * scavenger, malloc_trim and 80 madvise calls, and then the call faulted
 * back the pages just dropped (docs/benchmarks.md, "The worker's idle trim
 * and GC (eighth session)"). Such a worker's calls touch the same pages
 * each time and its memory does not grow, so after one trim there is
 * nothing more to give back. The bound on faults is above what the call
 * after a trim faults back (hello.go: about 70, a call through fmt and
 * runtime/metrics 100-215), so such a worker trims once and then skips.
 * Its idle RSS is the trimmed RSS plus one call's working set (hello.go:
 * 4.0 and 5.0 MiB), and at most these bounds more. */
#define GOFN_WORKER_TRIM_GO_BYTES (512 << 10)
#define GOFN_WORKER_TRIM_FAULTS	  256

/* Gives back what grew since the last trim (above): returns freed Go heap
 * and malloc'd memory to the system and drops the recorded mappings' pages
 * from this process (they stay in the page cache, shared with the other
 * workers; a later access faults them back). Uses only madvise, munmap,
 * brk and getrusage, which the seccomp filter allows. Returns 1 when it
 * trimmed, 0 when there was nothing to gain. */
int gofn_worker_idle_trim(void);

#endif
