/* The run-time linker's internals, shared by loader/link*.c, initorder.c,
 * signature.c and module_load.c. Not part of the public API (loader.h).
 *
 * Stages (docs/loader.md): collect the unit's defined symbols and dedupe
 * them (link.c), decide which resolve to the host (link.c, symtab.c,
 * link_hosttypes.c), lay the rest out in one mapping near the host text
 * (link_layout.c), apply relocations (link_reloc.c), then describe the
 * result for the module builder (link_describe.c, modbuild.h). */
#ifndef GOFN_LOADER_LINK_INTERNAL_H
#define GOFN_LOADER_LINK_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "loader/goobj.h"
#include "loader/modbuild.h"
#include "loader/symtab.h"

/* Host type descriptors by linker name (without "type:"). */
typedef struct gofn_hosttypes gofn_hosttypes;
const gofn_hosttypes *gofn_hosttypes_self(gofn_err *err);
const void *gofn_hosttypes_find(const gofn_hosttypes *h, const char *name, size_t len);
size_t gofn_hosttypes_count(const gofn_hosttypes *h);
/* The linker name of a host type descriptor (NULL if not a known type). */
const char *gofn_hosttypes_name(const gofn_hosttypes *h, const void *t);
/* The host's itab "go:itab.T,I" given "T,I": since Go 1.27 itabs are not
 * in the ELF symbol table, so they are named from the runtime's itab
 * table and the type names (link_hostitabs.c). NULL if the host has none. */
const void *gofn_hostitabs_find(const gofn_hosttypes *h, const char *name, size_t len);
/* Every named host type sorted by name, walked afresh from the symbols st
 * (never from a precomputed table), for hosttab.c; the caller frees recs
 * and names. */
struct gofn_hosttype_rec;
int gofn_hosttypes_export(const gofn_symtab *st, struct gofn_hosttype_rec **recs, size_t *n,
			  char **names, size_t *names_len, gofn_err *err);
/* The running host's itab index as records sorted by name (the name offsets
 * into *names), for the precomputed host table (hosttab.h). */
int gofn_hostitabs_export(struct gofn_hosttype_rec **recs, size_t *n, char **names,
			  size_t *names_len, gofn_err *err);
/* The host's type descriptor that package pkg (compiled with that
 * fingerprint) defines as symbol number idx: for a type an object names
 * only by index (link_describe.c). NULL with err set if unknown. */
const void *gofn_hosttypes_by_index(const gofn_hosttypes *h, const char *pkg, size_t plen,
				    const uint8_t fingerprint[8], uint32_t idx, gofn_err *err);

/* Where a laid-out symbol goes. Read-only data and type descriptors share
 * one region: the runtime resolves nameOff/typeOff from moduledata.types
 * and stack-object gcdata from moduledata.rodata, and cmd/link makes both
 * the start of .rodata. */
enum lk_sect {
	LK_TEXT,
	LK_RODATA,
	LK_NOPTRDATA,
	LK_DATA,
	LK_BSS,
	LK_NOPTRBSS,
	LK_NSECT,
	LK_HOST = 0x40, /* resolved to the host (or to another unit symbol) */
	LK_SKIP = 0x41, /* not loaded: DWARF, or data the runtime never reads */
};

/* One symbol of one object after resolution. */
typedef struct lk_sym {
	uintptr_t addr; /* final address; valid once laid out or resolved */
	uint32_t owner; /* (obj << 24 | idx) of the copy that owns the bytes, or self */
	uint8_t sect;	/* lk_sect */
	uint8_t done;	/* addr is final */
	uint8_t uref;	/* a NonPkgRef (idx >= ndefined): 0 not looked up in the unit
			 * yet, 1 the unit defines it (owner), 2 it does not */
	uint8_t live;	/* reachable from the unit's own symbols (link_deadcode.c) */
} lk_sym;

/* What an external name (goobj_target.ext) resolved to, found once per
 * link: a large unit names the same few hundred runtime and library
 * symbols in tens of thousands of relocations. */
typedef struct lk_ext {
	uintptr_t addr; /* nonzero once known */
	uint32_t owner; /* the unit's definition, if unit == 1 */
	uint8_t unit;	/* 0 not looked up, 1 the unit defines it, 2 it does not */
} lk_ext;

typedef struct lk_obj {
	const goobj_object *o;
	lk_sym *syms; /* o->nsyms */
	lk_ext *ext;  /* goobj_nexterns(o) */
	/* "pkg." as symbol names spell it (empty if unknown), and the host
	 * symbols starting with it: the object's own dupok names are looked
	 * up in the host within that run only (link.c use_host_copy). */
	char *pfx;
	size_t pfx_len;
	gofn_symrange host_pkg;
} lk_obj;

typedef struct gofn_link {
	goobj_archive **archives;
	size_t narchives;
	lk_obj *objs;
	size_t nobjs;
	const gofn_symtab *host;
	const gofn_hosttypes *htypes;

	uint8_t *map; /* the one mapping: text, rodata, data, bss in that order */
	size_t map_len;
	gofn_mb_range sect[LK_NSECT];
	uint64_t sect_size[LK_NSECT];
	uintptr_t deferreturn;	      /* host runtime.deferreturn, for R_CALL detection */
	uint32_t deferreturn_builtin; /* its builtin index (goobj_symref.idx), or UINT32_MAX */
	gofn_symrange host_strings;   /* host symbols named go:string.* */

	struct lk_dedup *dedup; /* name/hash -> owning symbol */
	size_t ndedup, dedup_cap;
	void *state; /* one block: the dedup table, then every object's syms */
	size_t state_len;
} gofn_link;

/* Object index limits packed into lk_sym.owner. */
#define LK_MAX_OBJS    255u
#define LK_MAX_SYMS    (1u << 24)
#define LK_OWNER(o, i) ((uint32_t)(o) << 24 | (uint32_t)(i))

/* link.c: parse is done by the caller; this resolves, lays out, relocates. */
int gofn_link_unit(gofn_link *l, gofn_err *err);
/* gofn_link_unit in two: resolve (dedup, classification, host copies)
 * reads the objects' symbols, names and hashes, never a relocation or aux
 * entry, so it may run while goobj_check_deferred checks those; place
 * (reachability, layout, relocation) needs them checked. */
int gofn_link_resolve(gofn_link *l, gofn_err *err);
int gofn_link_place(gofn_link *l, gofn_err *err);
/* gofn_link_place in three, for a load that describes the unit while it
 * is relocated (module_load.c): lay (reachability, layout, every copy
 * given its owner's address), then lk_relocate, which may run on another
 * thread beside lk_describe (link.c lk_target_addr_any says what the two
 * share), then lk_protect once both are done. */
int gofn_link_lay(gofn_link *l, gofn_err *err);
void gofn_link_free(gofn_link *l);

/* The address of a symref's target (host, unit, or laid out). *addr = 0
 * with return 0 when `weak` and unresolved. Inline for the most frequent
 * case, a symbol of the object itself with its address known (a large
 * unit relocates ~110k references); lk_target_addr_any does the rest. */
int lk_target_addr_any(gofn_link *l, size_t oi, goobj_symref r, int weak, uintptr_t *addr,
		       gofn_err *err);

static inline int lk_target_addr(gofn_link *l, size_t oi, goobj_symref r, int weak, uintptr_t *addr,
				 gofn_err *err)
{
	uint32_t loc;
	if (goobj_local_of(l->objs[oi].o, r, &loc) && loc < l->objs[oi].o->ndefined &&
	    l->objs[oi].syms[loc].done) {
		*addr = l->objs[oi].syms[loc].addr;
		return 0;
	}
	return lk_target_addr_any(l, oi, r, weak, addr, err);
}

/* Looks a Go symbol name up: unit definitions first, then the host. */
int lk_lookup_name(gofn_link *l, const char *name, size_t len, int abi, uintptr_t *addr);

/* link_deadcode.c: loaded copies nothing reaches become LK_SKIP, so a
 * dupok helper pulled in by inlining cannot fail the load over a host
 * symbol it would never use (cmd/link/internal/ld/deadcode.go). */
int lk_deadcode(gofn_link *l, gofn_err *err);

/* The owner (LK_OWNER) of the unit symbol a symref designates, if the unit
 * defines it; 0 with *owner untouched otherwise. Inline for a symbol the
 * object defines itself (dead-code marking asks for every relocation);
 * lk_unit_target_any does the rest. */
int lk_unit_target_any(gofn_link *l, size_t oi, goobj_symref r, uint32_t *owner);

static inline int lk_unit_target(gofn_link *l, size_t oi, goobj_symref r, uint32_t *owner)
{
	uint32_t loc;
	if (goobj_local_of(l->objs[oi].o, r, &loc) && loc < l->objs[oi].o->ndefined) {
		*owner = l->objs[oi].syms[loc].owner;
		return 1;
	}
	return lk_unit_target_any(l, oi, r, owner);
}

/* link_layout.c */
int lk_layout(gofn_link *l, gofn_err *err);
void lk_unmap(gofn_link *l);
int lk_protect(gofn_link *l, gofn_err *err);

/* link_reloc.c */
int lk_relocate(gofn_link *l, gofn_err *err);

/* link_describe.c: the module builder's view of the unit. Frees with
 * lk_describe_free. */
typedef struct lk_desc {
	gofn_mb_unit u;
	void *arena; /* everything the description allocated */
} lk_desc;
int lk_describe(gofn_link *l, lk_desc *d, gofn_err *err);
void lk_describe_free(lk_desc *d);

static inline const char *lk_symname(const goobj_sym *s, size_t *len)
{
	*len = s->name.len;
	return s->name.p;
}

#endif
