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
} pcln_tab;

/* A table writing into [p, p+cap). */
void pcln_tab_init(pcln_tab *t, uint8_t *p, size_t cap);
/* Frees the dedup set (not the bytes, which the caller owns). */
void pcln_tab_free(pcln_tab *t);

/* Appends n bytes (plus `nul` zero bytes) aligned to `align` (padding
 * zeroed), or finds an identical earlier entry when `dedup`. Returns 0 with
 * *off set, -1 on ENOMEM or ELIMIT (beyond cap: the caller's bound was
 * wrong). */
int pcln_tab_add(pcln_tab *t, const void *p, size_t n, int nul, size_t align, int dedup,
		 uint32_t *off, gofn_err *err);

/* Whether identical bytes were added with dedup before: 1 with *off set
 * to them, 0 if not. */
int pcln_tab_find(pcln_tab *t, const void *p, size_t n, uint32_t *off);

/* Appends n zero bytes (no dedup). */
int pcln_tab_zero(pcln_tab *t, size_t n, gofn_err *err);

#endif
