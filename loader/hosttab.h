/* The worker's host tables, precomputed by the build (issue 15).
 *
 * Keeping the whole standard library alive makes the worker's symbol table
 * (~60k names) and type descriptors (~30k) large; sorting the one and
 * naming the other at every start cost more time and memory than the worker
 * had before. So the build runs `gofn-loader -hosttab-write FILE` once (the
 * same code reading the ELF and walking the types) and appends FILE to the
 * executable (scripts/hosttab-append). At start the worker maps that tail of
 * /proc/self/exe read-only: lookups binary-search records in place and only
 * the pages they touch become resident. A worker without the tail (a C unit
 * test, a binary built by hand) reads its ELF as before. */
#ifndef GOFN_LOADER_HOSTTAB_H
#define GOFN_LOADER_HOSTTAB_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "loader/symtab.h"

/* A host type descriptor by its linker name (type:<name>), sorted by name. */
typedef struct gofn_hosttype_rec {
	uint64_t addr;
	uint32_t name; /* offset into the type names */
	uint32_t pad;
} gofn_hosttype_rec;

/* Fills t from the appended table; 0 when the executable has none. */
int gofn_hosttab_symtab(gofn_symtab *t);

/* The appended type table; 0 when the executable has none. */
int gofn_hosttab_types(const gofn_hosttype_rec **recs, size_t *n, const char **names);

/* The appended itab index (the host's itabs by "T,I" name, sorted); 0 when
 * the executable has none. */
int gofn_hosttab_itabs(const gofn_hosttype_rec **recs, size_t *n, const char **names);

/* Drops the resident pages of the worker's read-only file mappings (text,
 * rodata, this table) that start-up touched; later accesses fault them back
 * from the page cache. Called once the worker is ready. */
void gofn_hosttab_trim(void);

/* Calls fn(lo, hi, arg) for each private read-only file mapping (exe_only:
 * of this executable) whose pages are all clean file pages: those of
 * /proc/self/maps, so before seccomp, less the loaded objects' RELRO (and
 * every segment of an object with text relocations). Returns how many,
 * or -1. */
int gofn_clean_file_maps(int exe_only, void (*fn)(unsigned long lo, unsigned long hi, void *arg),
			 void *arg);

/* Writes the table of this process (read from its ELF and types, never
 * from an appended table) to path. */
int gofn_hosttab_write(const char *path, gofn_err *err);

#endif
