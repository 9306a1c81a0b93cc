/* The module builder's pc-line half: from the linker's description of the
 * laid-out functions (loader/modbuild.h) to the runtime's pclntab —
 * pcHeader, funcnametab, cutab, filetab, pctab, functab (ftab + _func
 * records), findfunctab and the gofunc area holding every function's
 * funcdata — laid out and encoded as cmd/link/internal/ld/pcln.go does,
 * in one allocation the image owns. Layouts: loader/goNNN_rt.h (one per release). */
#ifndef GOFN_LOADER_PCLN_H
#define GOFN_LOADER_PCLN_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "loader/modbuild.h"

/* Offsets are from buf; lengths in bytes unless said otherwise. */
typedef struct gofn_pcln {
	uint8_t *buf; /* pcHeader is at buf; the whole thing is [buf, buf+len) */
	size_t len;
	size_t cap; /* what buf was allocated with: gofn_big_free(buf, cap) */
	size_t funcnametab_off, funcnametab_len;
	size_t cutab_off, cutab_n; /* cutab_n uint32 entries */
	size_t filetab_off, filetab_len;
	size_t pctab_off, pctab_len;
	size_t functab_off, functab_len; /* ftab (nfunc+1 entries) then _func records */
	size_t nfunc;
	size_t findfunctab_off, findfunctab_len;
	size_t gofunc_off; /* funcdata area; runs to len (= epclntab) */
	uintptr_t text;	   /* moduledata.text: base of every entryoff */
	uintptr_t minpc, maxpc;
} gofn_pcln;

/* Builds the tables for u (validated: see gofn_mb_build). */
int gofn_pcln_build(const gofn_mb_unit *u, gofn_pcln *out, gofn_err *err);
void gofn_pcln_free(gofn_pcln *p);

/* One pc-value table (runtime/symtab.go step), decoded for validation.
 * Calls nothing: returns the number of (value, pc) steps and checks that
 * every value lies in [lo, hi] and the table ends with its 0 terminator
 * inside n bytes. Returns -1 with err set otherwise. */
int gofn_pcvalue_check(const uint8_t *p, size_t n, int64_t lo, int64_t hi, gofn_err *err);

/* Decoder state for walking a pc-value table (tests, diagnostics). */
typedef struct gofn_pcvalue_it {
	const uint8_t *p, *end;
	int32_t val; /* starts at -1 */
	uint64_t pc; /* offset from the function entry; end of the current run */
	int first;
} gofn_pcvalue_it;

void gofn_pcvalue_init(gofn_pcvalue_it *it, const uint8_t *p, size_t n);
/* 1: a step was decoded (val holds for pcs < it->pc); 0: clean end; -1: malformed. */
int gofn_pcvalue_next(gofn_pcvalue_it *it);

/* The findfunctab of cmd/link (pcln.go findfunctab) for functions at
 * text offsets entry[i] (sorted) ending at `max` (offset of the end of the
 * last function). Writes nbuckets*20 bytes into out, which the caller sizes
 * with gofn_findfunctab_size. */
size_t gofn_findfunctab_size(uint64_t max_off);
int gofn_findfunctab_fill(const uint64_t *entry, size_t n, uint64_t max_off, uint8_t *out,
			  gofn_err *err);

#endif
