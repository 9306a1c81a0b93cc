/* Byte tables with content deduplication, the building block of every
 * pclntab part (funcnametab, filetab, pctab, gofunc): "append these bytes
 * unless identical bytes are already there, and tell me the offset". Each
 * table writes into a region of the final pclntab the caller sized from an
 * upper bound (every entry without deduplication), so nothing is copied or
 * regrown and room left unused is never touched. Private to loader/pcln*.c. */
#ifndef GOFN_LOADER_PCLN_TAB_H
#define GOFN_LOADER_PCLN_TAB_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

typedef struct pcln_tab {
	uint8_t *p; /* borrowed: room for cap bytes */
	size_t len, cap;
	/* open-addressing set of (offset+1, len, hash) for dedup; 0 = empty */
	struct pcln_tab_slot *slots;
	size_t nslots, nused;
	int lent; /* slots are the caller's (pcln_tab_reserve_in): not freed here */
} pcln_tab;

/* A table writing into [p, p+cap). */
void pcln_tab_init(pcln_tab *t, uint8_t *p, size_t cap);
/* The dedup set sized for about n entries up front (a set regrown from 64
 * slots allocated and rehashed twice its final size), in caller memory:
 * the bytes it needs (0: none, the set starts small and grows on its own),
 * and the reservation in mem, which the caller zeroed and frees after
 * pcln_tab_free (a set outgrowing it moves to memory of its own). For the
 * builder's one scratch block: its sets and caches were ~80 first-touch
 * faults of their own. No-op once used. */
size_t pcln_tab_set_bytes(size_t n);
void pcln_tab_reserve_in(pcln_tab *t, size_t n, void *mem);
/* Frees the dedup set (not the bytes, which the caller owns). */
void pcln_tab_free(pcln_tab *t);

/* Appends n bytes (plus `nul` zero bytes) aligned to `align` (padding
 * zeroed), or finds an identical earlier entry when `dedup`. Returns 0 with
 * *off set, -1 on ENOMEM or ELIMIT (beyond cap: the caller's bound was
 * wrong). */
int pcln_tab_add(pcln_tab *t, const void *p, size_t n, int nul, size_t align, int dedup,
		 uint32_t *off, gofn_err *err);

/* Where identical bytes are, or where they would go. */
typedef struct pcln_tab_pos {
	struct pcln_tab_slot *slot;
	uint64_t hash;
} pcln_tab_pos;

/* Looks n bytes up among those added with dedup: 1 with *off set to
 * identical bytes, 0 if there are none (*pos then says where pcln_tab_put
 * enters them; valid until the next lookup or add), -1 on ENOMEM. One hash
 * and one probe for "check only what is new, then add it". */
int pcln_tab_lookup(pcln_tab *t, const void *p, size_t n, uint32_t *off, pcln_tab_pos *pos,
		    gofn_err *err);

/* Appends as pcln_tab_add does and enters the bytes at pos from a lookup
 * that found none (NULL: not deduplicated). */
int pcln_tab_put(pcln_tab *t, const pcln_tab_pos *pos, const void *p, size_t n, int nul,
		 size_t align, uint32_t *off, gofn_err *err);

/* Appends n zero bytes (no dedup). */
int pcln_tab_zero(pcln_tab *t, size_t n, gofn_err *err);

#endif
