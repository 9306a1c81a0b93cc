/* The few arrays of a load that grow with the object (the parsed symbols,
 * the link's per-symbol state and dedup table, the description the module
 * builder reads) on transparent huge pages once they reach 1 MiB, a long
 * tail rounded up to a whole 2 MiB page, so that a fresh worker does not fault them in
 * 4 KiB at a time: a large object's symbols were ~700 first-touch faults
 * at ~1.2 us each. Smaller arrays come from calloc as before. */
#ifndef GOFN_LOADER_BIGALLOC_H
#define GOFN_LOADER_BIGALLOC_H

#include <stddef.h>

/* n zeroed bytes (at least 1), or NULL. Free with gofn_big_free(p, n). */
void *gofn_big_calloc(size_t n);

/* n bytes, or NULL; *zeroed says whether they are known to be zero (a new
 * mapping). For a caller that clears what it uses piece by piece, or by
 * writing instead of calloc's untouched pages, which a read-first use
 * faults in twice (the zero page, then a copy): nothing is cleared twice
 * and no untouched end is faulted in. Free with gofn_big_free(p, n). */
void *gofn_big_alloc(size_t n, int *zeroed);

/* Clears p[0..n) by writing, for memory a caller will read before it
 * writes: a read of an untouched page maps the zero page and the first
 * write then faults again for a copy, so calloc's untouched pages fault
 * twice. Never turned back into calloc by the compiler. Returns p. */
void *gofn_zero_fill(void *p, size_t n);

/* Clears p[0..n) of gofn_big_alloc for a reader that reads before it
 * writes. A new mapping (zeroed) is zero already: its pages are faulted
 * in writable in one call (MADV_POPULATE_WRITE; the kernel zeroes them
 * as it must anyway) instead of written over a second time; anything
 * else is cleared by writing (gofn_zero_fill). Returns p. */
void *gofn_big_clear(void *p, size_t n, int zeroed);

/* Gives back the end of an array of n bytes the caller will not use past
 * len (<= n): a heap block shrinks in place (realloc), a mapped one stays as
 * it is (its untouched pages cost nothing). Returns the array (still freed
 * with gofn_big_free(p, n)). */
void *gofn_big_shrink(void *p, size_t n, size_t len);

/* A freed array of 1 MiB or more is kept for the next one of its size,
 * rounded up to 2 MiB (a few at most). */
void gofn_big_free(void *p, size_t n);

/* Maps n bytes (rounded up to whole huge pages, nothing under 1 MiB) and
 * faults them in, one huge page after the other: a helper thread's work
 * while a load is busy elsewhere (module_load.c). Arrays that fill whole
 * huge pages are then carved from it, already faulted in (or being), as
 * new mappings: zero. Nothing if a reserve is still held. */
void gofn_big_reserve(size_t n);

/* Unmaps what is left of the reserve. */
void gofn_big_unreserve(void);

/* Unmaps what gofn_big_free kept: for an idle worker's trim. */
void gofn_big_trim(void);

#endif
