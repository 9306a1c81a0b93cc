/* Growable byte tables with content deduplication, the building block of
 * every pclntab part (funcnametab, filetab, pctab, gofunc): "append these
 * bytes unless identical bytes are already there, and tell me the offset".
 * Private to loader/pcln*.c. */
#ifndef GOFN_LOADER_PCLN_TAB_H
#define GOFN_LOADER_PCLN_TAB_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

typedef struct pcln_tab {
	uint8_t *p;
	size_t len, cap;
	/* open-addressing set of (offset+1, len, hash) for dedup; 0 = empty */
	struct pcln_tab_slot *slots;
	size_t nslots, nused;
	size_t limit; /* the table must stay below this many bytes */
} pcln_tab;

void pcln_tab_init(pcln_tab *t, size_t limit);
void pcln_tab_free(pcln_tab *t);

/* Appends n bytes (plus `nul` zero bytes) aligned to `align`, or finds an
 * identical earlier entry when `dedup`. Returns 0 with *off set, -1 on
 * ENOMEM or ELIMIT. */
int pcln_tab_add(pcln_tab *t, const void *p, size_t n, int nul, size_t align, int dedup,
		 uint32_t *off, gofn_err *err);

/* Whether identical bytes were added with dedup before: 1 with *off set
 * to them, 0 if not. */
int pcln_tab_find(pcln_tab *t, const void *p, size_t n, uint32_t *off);

/* Appends n zero bytes (no dedup). */
int pcln_tab_zero(pcln_tab *t, size_t n, gofn_err *err);

#endif
