/* Pointer bitmaps of a loaded unit's data and bss (moduledata.gcdatamask /
 * gcbssmask): one bit per pointer-sized word, set where a global holds a
 * pointer, built from each global's Go type descriptor the way
 * cmd/link/internal/ld/data.go GCProg.AddType does. Since Go 1.24 types
 * carry no GC programs; large arrays and structs have their mask built on
 * demand by the runtime (TFlagGCMaskOnDemand), so we walk those types. */
#ifndef GOFN_LOADER_GCMASK_H
#define GOFN_LOADER_GCMASK_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "loader/modbuild.h"

/* Memory the walk may read (type descriptors, their masks, field arrays).
 * Every pointer found in a type descriptor is checked against these before
 * it is followed, so a corrupt descriptor yields an error, not a crash. */
typedef struct gofn_gcmask_mem {
	const gofn_mb_range *ranges;
	size_t n;
} gofn_gcmask_mem;

/* Builds the mask of region [start, end) (8-aligned) from the vars that lie
 * in it (others are ignored). *mask is malloc'd, (nbits+7)/8 bytes, never
 * NULL even for an empty region; nbits = (end-start)/8. */
int gofn_gcmask_build(gofn_mb_range region, const gofn_mb_var *vars, size_t nvars,
		      const gofn_gcmask_mem *mem, uint8_t **mask, size_t *nbits, gofn_err *err);

#endif
