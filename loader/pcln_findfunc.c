/* findfunctab: the runtime's pc → function index shortcut
 * (runtime/symtab.go findfunc), built exactly as cmd/link/internal/ld/pcln.go
 * findfunctab does: one 20-byte bucket per 4096 bytes of text from minpc,
 * each holding the lowest function index touching the bucket and, per
 * 256-byte sub-bucket, the lowest index touching it minus that base. Gaps
 * between functions belong to the function before them. */
#include <stdlib.h>
#include <string.h>

#include "loader/release_rt.h"
#include "loader/pcln.h"

#define NOIDX 0x7fffffffu

static uint64_t nsub_of(uint64_t max_off)
{
	return (max_off + GORT_SUBBUCKETSIZE - 1) / GORT_SUBBUCKETSIZE;
}

static uint64_t nbuckets_of(uint64_t max_off)
{
	return (max_off + GORT_FUNCTAB_BUCKETSIZE - 1) / GORT_FUNCTAB_BUCKETSIZE;
}

size_t gofn_findfunctab_size(uint64_t max_off)
{
	return (size_t)nbuckets_of(max_off) * sizeof(gort_findfuncbucket);
}

static void lower(uint32_t *indexes, uint64_t i, uint32_t idx)
{
	if (indexes[i] > idx)
		indexes[i] = idx;
}

/* entry[] are offsets from minpc, so entry[0] is 0 for a real module. */
static void mark_subbuckets(uint32_t *indexes, const uint64_t *entry, size_t n, uint64_t max_off)
{
	for (size_t f = 0; f < n; f++) {
		uint64_t q = f + 1 < n ? entry[f + 1] : max_off;
		for (uint64_t p = entry[f]; p < q; p += GORT_SUBBUCKETSIZE)
			lower(indexes, p / GORT_SUBBUCKETSIZE, (uint32_t)f);
		if (q > 0)
			lower(indexes, (q - 1) / GORT_SUBBUCKETSIZE, (uint32_t)f);
	}
}

static int write_buckets(const uint32_t *indexes, uint64_t nsub, uint64_t nbuckets, uint8_t *out,
			 gofn_err *err)
{
	for (uint64_t b = 0; b < nbuckets; b++) {
		gort_findfuncbucket fb;
		memset(&fb, 0, sizeof fb);
		uint32_t base = indexes[b * GORT_SUBBUCKETS];
		if (base == NOIDX)
			return gofn_errf(err, GOFN_EINVAL, "hole in findfunctab at bucket %llu",
					 (unsigned long long)b);
		fb.idx = base;
		for (uint64_t j = 0; j < GORT_SUBBUCKETS && b * GORT_SUBBUCKETS + j < nsub; j++) {
			uint32_t idx = indexes[b * GORT_SUBBUCKETS + j];
			if (idx == NOIDX)
				return gofn_errf(err, GOFN_EINVAL,
						 "hole in findfunctab at bucket %llu",
						 (unsigned long long)b);
			if (idx - base >= 256)
				return gofn_errf(err, GOFN_ELIMIT,
						 "too many functions in findfunc bucket %llu",
						 (unsigned long long)b);
			fb.subbuckets[j] = (uint8_t)(idx - base);
		}
		memcpy(out + b * sizeof fb, &fb, sizeof fb);
	}
	return 0;
}

int gofn_findfunctab_fill(const uint64_t *entry, size_t n, uint64_t max_off, uint8_t *out,
			  gofn_err *err)
{
	if (n == 0 || n >= NOIDX || entry[0] != 0 || max_off <= entry[n - 1])
		return gofn_errf(err, GOFN_EINVAL, "findfunctab: bad function range");
	uint64_t nsub = nsub_of(max_off), nbuckets = nbuckets_of(max_off);
	/* The last bucket may be partial; pad the index array to whole buckets. */
	uint32_t *indexes = malloc(nbuckets * GORT_SUBBUCKETS * sizeof *indexes);
	if (!indexes)
		return gofn_errf(err, GOFN_ENOMEM, "findfunctab: out of memory");
	for (uint64_t i = 0; i < nbuckets * GORT_SUBBUCKETS; i++)
		indexes[i] = NOIDX;
	mark_subbuckets(indexes, entry, n, max_off);
	int rc = write_buckets(indexes, nsub, nbuckets, out, err);
	free(indexes);
	return rc;
}
