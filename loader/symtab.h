/* The host's own symbols: name + ABI -> address, read with libelf from the
 * worker executable (/proc/self/exe). The host is a non-PIE, unstripped,
 * externally linked Go binary, so ELF st_value is the run-time address; a
 * PIE process reading itself (the unit tests) gets its load bias added.
 *
 * Naming (cmd/link/internal/ld/symtab.go mangleABIName): a text symbol
 * that exists in both ABIs is written twice, the ABI0 one with a ".abi0"
 * suffix; a symbol with one ABI keeps its plain name. Type descriptors
 * (type:*) are not in the ELF symbol table at all: see link_hosttypes.c. */
#ifndef GOFN_LOADER_SYMTAB_H
#define GOFN_LOADER_SYMTAB_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

/* Fixed layout: the worker's precomputed table (hosttab.c) stores these
 * records as they are. */
typedef struct gofn_hostsym {
	uint64_t addr;
	uint64_t size;
	uint32_t name; /* offset in gofn_symtab.names: as written in the ELF symtab,
			* ".abi0" suffix included */
	uint8_t is_func;
	uint8_t pad[3];
} gofn_hostsym;

typedef struct gofn_symtab {
	const gofn_hostsym *syms; /* sorted by name */
	size_t nsyms;
	const char *names;	   /* one arena for all names */
	int mapped;		   /* syms and names point into the precomputed table */
	uint64_t text_lo, text_hi; /* the executable's .text */
	uint64_t image_end;	   /* end of the highest PT_LOAD (bss included) */
	int64_t tls_g;		   /* runtime.tlsg as an offset from the thread pointer */
	int has_tls_g;
} gofn_symtab;

/* Reads `path` (NULL: /proc/self/exe). */
int gofn_symtab_open(const char *path, gofn_symtab *t, gofn_err *err);
void gofn_symtab_close(gofn_symtab *t);

/* The name of a symbol of t. */
static inline const char *gofn_hostsym_name(const gofn_symtab *t, const gofn_hostsym *s)
{
	return t->names + s->name;
}

/* Exact lookup of an ELF name; NULL if absent. */
const gofn_hostsym *gofn_symtab_find(const gofn_symtab *t, const char *name, size_t len);

/* A run [lo, hi) of t->syms: names sharing a prefix are contiguous. */
typedef struct gofn_symrange {
	size_t lo, hi;
} gofn_symrange;

/* The names that start with prefix (empty range if none). A unit looks
 * its own package's dupok names up within that run: for a package the
 * host lacks it is empty, so thousands of misses cost nothing. */
gofn_symrange gofn_symtab_prefix_range(const gofn_symtab *t, const char *prefix, size_t len);

/* gofn_symtab_find / gofn_symtab_lookup within r only: the same answer
 * as over the whole table whenever every name that could match lies in r. */
const gofn_hostsym *gofn_symtab_find_in(const gofn_symtab *t, gofn_symrange r, const char *name,
					size_t len);
const gofn_hostsym *gofn_symtab_lookup_in(const gofn_symtab *t, gofn_symrange r, const char *name,
					  size_t len, int abi);

/* The first ELF name (in sort order) that starts with prefix; the others
 * follow it in t->syms. NULL if none does. */
const gofn_hostsym *gofn_symtab_first_prefix(const gofn_symtab *t, const char *prefix, size_t len);

/* A Go symbol by name and ABI (0 = ABI0, 1 = ABIInternal, <0 = either).
 * ABI0 prefers "name.abi0" and falls back to the plain name (a symbol with
 * one ABI is not mangled); ABIInternal takes the plain name. Returns NULL
 * if the host does not have it. */
const gofn_hostsym *gofn_symtab_lookup(const gofn_symtab *t, const char *name, size_t len, int abi);

/* The process-wide table, opened on first use (thread-safe): from the
 * table the build appended to the worker (hosttab.h) when it has one,
 * else from its ELF symbol table. */
const gofn_symtab *gofn_symtab_self(gofn_err *err);

#endif
