/* The Go object parser: archives written by `go tool compile` / `go build
 * -buildmode=archive` and the Go object files inside them, for Go 1.26
 * linux/amd64.
 *
 * goobj_parse() validates everything up front. After it succeeds, every
 * string, symbol reference, relocation/aux/data range and data offset in the
 * result is known to be in bounds, so consumers (the run-time linker, the
 * moduledata builder, the -parse CLI) index freely without re-checking.
 *
 * Zero-copy: names, data, relocations and aux entries point into the
 * caller's buffer, which must outlive the goobj_archive unchanged (what
 * was checked is read again in place). The only large allocation is the
 * decoded symbol array, bounded by a small multiple of the input size.
 *
 * Format: $GOROOT/src/cmd/internal/goobj/objfile.go (layout and indexing),
 * cmd/internal/archive/archive.go (the !<arch> container), and the
 * release-specific numbering in the release's loader/goNNN_obj.h. */
#ifndef GOFN_LOADER_GOOBJ_H
#define GOFN_LOADER_GOOBJ_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/err.h"

/* Bytes in the caller's buffer: NOT NUL-terminated; print with "%.*s". */
typedef struct goobj_str {
	const char *p;
	uint32_t len;
} goobj_str;

/* A symbol reference {PkgIdx, SymIdx} as stored in the object (objfile.go
 * "Symbol indexing"). Resolve it with goobj_resolve(). */
typedef struct goobj_symref {
	uint32_t pkg;
	uint32_t idx;
} goobj_symref;

/* Reserved package indexes (objfile.go PkgIdx*). 1..npkgs-1 name imported
 * packages in goobj_object.pkgs; 0 with idx 0 is the nil reference. */
enum {
	GOOBJ_PKG_NONE = 0x7fffffff,	 /* non-package symbols (NonPkgDefs, then NonPkgRefs) */
	GOOBJ_PKG_HASHED64 = 0x7ffffffe, /* short content-addressable symbols */
	GOOBJ_PKG_HASHED = 0x7ffffffd,	 /* content-addressable symbols */
	GOOBJ_PKG_BUILTIN = 0x7ffffffc,	 /* runtime builtins (goobj/builtinlist.go) */
	GOOBJ_PKG_SELF = 0x7ffffffb,	 /* this package's SymbolDefs */
};

/* Which block a symbol came from; also the order of goobj_object.syms. */
typedef enum goobj_symclass {
	GOOBJ_DEF = 0,	   /* SymbolDefs: {PKG_SELF, i} */
	GOOBJ_HASHED64DEF, /* Hashed64Defs: {PKG_HASHED64, i} */
	GOOBJ_HASHEDDEF,   /* HashedDefs: {PKG_HASHED, i} */
	GOOBJ_NONPKGDEF,   /* NonPkgDefs: {PKG_NONE, i} */
	GOOBJ_NONPKGREF,   /* NonPkgRefs: {PKG_NONE, nNonPkgDefs + i}; no data, relocs or aux */
} goobj_symclass;

/* Symbol ABIs (cmd/internal/obj ABI0/ABIInternal; goobj SymABIstatic). */
enum {
	GOOBJ_ABI0 = 0,
	GOOBJ_ABIINTERNAL = 1,
	GOOBJ_ABI_STATIC = 0xffff, /* file-local symbol */
	GOOBJ_ABI_UNKNOWN =
	    -1, /* goobj_target.abi of an indexed external ref: the format does not say */
};

/* Sym.Flag bits (objfile.go). */
enum {
	GOOBJ_SYMFLAG_DUPOK = 1 << 0,
	GOOBJ_SYMFLAG_LOCAL = 1 << 1,
	GOOBJ_SYMFLAG_TYPELINK = 1 << 2,
	GOOBJ_SYMFLAG_LEAF = 1 << 3,
	GOOBJ_SYMFLAG_NOSPLIT = 1 << 4,
	GOOBJ_SYMFLAG_REFLECTMETHOD = 1 << 5,
	GOOBJ_SYMFLAG_GOTYPE = 1 << 6,
};

/* Sym.Flag2 bits move between releases (1.27 inserted LinknameStd):
 * GOREL_SYMFLAG2_* in the release's goNNN_obj.h. */

/* Object header flags (objfile.go ObjFlag*). */
enum {
	GOOBJ_OBJFLAG_SHARED = 1 << 0,
	GOOBJ_OBJFLAG_FROMASSEMBLY = 1 << 2,
	GOOBJ_OBJFLAG_UNLINKABLE = 1 << 3,
	GOOBJ_OBJFLAG_STD = 1 << 4,
};

/* Relocations and aux entries are read in place: each struct below is its
 * record's exact little-endian layout in the object (objfile.go Reloc,
 * 23 bytes, and Aux, 9 bytes; the sizes are asserted against
 * GOREL_RELOC_SIZE/GOREL_AUX_SIZE in goobj_symbols.c), so a symbol's
 * relocs/auxs point into the caller's buffer instead of into a decoded
 * copy (a large object has ~110k relocations: 2.7 MB of fresh pages that
 * a worker's first load faulted in one by one). Packed: members are
 * unaligned, so read them by value, never through a pointer to a member.
 * x86-64 only, like the objects gofn loads. */
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "goobj_reloc/goobj_aux overlay little-endian object records"
#endif

/* One relocation (objfile.go Reloc); type numbers in the release's loader/goNNN_obj.h
 * (objabi.RelocType, possibly with the GOREL_R_WEAK bit). Guaranteed:
 * 0 <= off and off+size <= max(symbol size, data_len); size is 0, 1, 2, 4
 * or 8; the type is a known RelocType; sym resolves (goobj_resolve). */
typedef struct __attribute__((packed)) goobj_reloc {
	int32_t off;
	uint8_t size;
	uint16_t type;
	int64_t add;
	goobj_symref sym; /* may be nil {0,0} (e.g. R_CALLIND) */
} goobj_reloc;

/* One aux symbol (objfile.go Aux); type numbers in the release's loader/goNNN_obj.h. */
typedef struct __attribute__((packed)) goobj_aux {
	uint8_t type;
	goobj_symref sym;
} goobj_aux;

typedef struct goobj_sym {
	goobj_str name; /* may be empty for hashed (content-addressable) symbols */
	uint16_t abi;	/* GOOBJ_ABI0, GOOBJ_ABIINTERNAL or GOOBJ_ABI_STATIC */
	uint8_t kind;	/* objabi.SymKind; names in goNNN_obj.h */
	uint8_t flag;	/* GOOBJ_SYMFLAG_* */
	uint8_t flag2;	/* GOREL_SYMFLAG2_* */
	uint8_t cls;	/* goobj_symclass */
	uint32_t size;	/* usually >= data_len (BSS); DWARF CU info has size 0 + data */
	uint32_t align;
	/* 32 bytes a symbol, nothing an index can give: a large object has
	 * ~90k symbols, and a fresh worker faults in every page of them.
	 * Data, relocations, aux entries and the content hash are read
	 * through the object's own index blocks: goobj_sym_data,
	 * goobj_sym_relocs, goobj_sym_auxs, goobj_sym_hash. */
} goobj_sym;

/* An Autolib entry: an imported package and its fingerprint. */
typedef struct goobj_import {
	goobj_str pkg;
	const uint8_t *fingerprint; /* 8 bytes */
} goobj_import;

/* One Go object file (an `_go_.o`-like archive member, or a bare object). */
typedef struct goobj_object {
	const char *name;    /* "file.a(_go_.o)" or the blob name; for messages */
	goobj_str pkgpath;   /* e.g. "main", "example.com/lib"; empty if the object does not say */
	goobj_str header;    /* first text line: "go object linux amd64 go1.26.8 ... X:..." */
	goobj_str goversion; /* "go1.26.8" */
	goobj_str goos, goarch;	    /* "linux", "amd64" */
	int is_main;		    /* header names package main */
	uint32_t flags;		    /* GOOBJ_OBJFLAG_* */
	const uint8_t *fingerprint; /* 8 bytes */

	goobj_import *autolib; /* nautolib entries */
	uint32_t nautolib;
	goobj_str *pkgs; /* PkgIndex: pkgs[i] is the path of package index i; pkgs[0] is "" */
	uint32_t npkgs;
	goobj_str *files; /* file table (CU file indexes of FuncInfo refer here) */
	uint32_t nfiles;

	/* All symbols in the order the format indexes them: SymbolDefs,
	 * Hashed64Defs, HashedDefs, NonPkgDefs, NonPkgRefs. The first
	 * ndefined have data/relocs/aux. */
	goobj_sym *syms;
	uint32_t nsyms;
	uint32_t ndefined;
	uint32_t nsymdefs, nhashed64, nhashed, nnonpkgdefs, nnonpkgrefs;

	/* The RelocIdx, AuxIdx and DataIdx blocks (ndefined+1 little-endian
	 * uint32 each, checked non-decreasing and within their blocks) and
	 * the Data block, in the object's bytes: goobj_sym_data & co. */
	const uint8_t *relocidx, *auxidx, *dataidx, *datablk;
	uint32_t idxlen[3];  /* the three index blocks' lengths in bytes */
	uint32_t ndatabytes; /* the Data block's length */

	const goobj_reloc *relocs; /* all relocations, in the object's bytes */
	uint32_t nrelocs;
	const goobj_aux *auxs; /* all aux entries, in the object's bytes */
	uint32_t nauxs;

	/* The Hash64 and Hash blocks: the content hashes of Hashed64Defs
	 * (8 bytes each) and HashedDefs (16); use goobj_sym_hash. */
	const uint8_t *hash64, *hash;

	/* RefNames block (external indexed ref -> name), in the object's
	 * order. Internal; use goobj_resolve. */
	struct goobj_refname *refnames;
	uint32_t nrefnames;
	/* refnames index + 1 by symref, open addressing (0 = empty): a large
	 * unit resolves ~50k relocations to other packages' symbols, and a
	 * binary search of the RefNames per resolution was a visible part of
	 * the link. Internal, like refnames. */
	uint32_t *refhash;
	uint32_t refhash_mask;

	/* The whole object (from "go object" on), for anyone needing raw bytes. */
	const uint8_t *raw;
	size_t raw_len;
	/* Parsed by goobj_parse_deferred: its index blocks, relocations and
	 * aux entries are not checked until goobj_check_deferred clears this. */
	int checks_pending;
} goobj_object;

/* The result of one parse: one archive (or bare object) = one package. */
typedef struct goobj_archive {
	const char *name;
	goobj_str pkgdef; /* __.PKGDEF member contents; empty for a bare object */
	goobj_object *objs;
	uint32_t nobjs;
	int defer_checks; /* goobj_parse_deferred */
} goobj_archive;

/* Entry k of one of the object's index blocks (k <= ndefined). */
static inline uint32_t goobj_idx_at(const uint8_t *blk, size_t k)
{
	uint32_t v;
	memcpy(&v, blk + 4 * k, 4); /* little-endian: asserted above */
	return v;
}

/* Where symbol s (in o->syms) starts in one index block, and how many
 * entries it has: none for a NonPkgRef (beyond ndefined). */
static inline uint32_t goobj_sym_count(const goobj_object *o, const uint8_t *blk,
				       const goobj_sym *s, uint32_t *first)
{
	size_t i = (size_t)(s - o->syms);
	if (i >= o->ndefined) {
		*first = 0;
		return 0;
	}
	*first = goobj_idx_at(blk, i);
	return goobj_idx_at(blk, i + 1) - *first;
}

/* A symbol's relocations (goobj_sym_nrelocs of them) and aux entries
 * (goobj_sym_nauxs), in the object's bytes. */
static inline uint32_t goobj_sym_nrelocs(const goobj_object *o, const goobj_sym *s)
{
	uint32_t first;
	return goobj_sym_count(o, o->relocidx, s, &first);
}

static inline const goobj_reloc *goobj_sym_relocs(const goobj_object *o, const goobj_sym *s)
{
	uint32_t first;
	goobj_sym_count(o, o->relocidx, s, &first);
	return o->relocs + first;
}

static inline uint32_t goobj_sym_nauxs(const goobj_object *o, const goobj_sym *s)
{
	uint32_t first;
	return goobj_sym_count(o, o->auxidx, s, &first);
}

static inline const goobj_aux *goobj_sym_auxs(const goobj_object *o, const goobj_sym *s)
{
	uint32_t first;
	goobj_sym_count(o, o->auxidx, s, &first);
	return o->auxs + first;
}

/* A symbol's data: *len bytes (usually <= size; BSS has none), NULL
 * when there are none. */
static inline const uint8_t *goobj_sym_data(const goobj_object *o, const goobj_sym *s,
					    uint32_t *len)
{
	uint32_t first;
	*len = goobj_sym_count(o, o->dataidx, s, &first);
	return *len ? o->datablk + first : NULL;
}

static inline uint32_t goobj_sym_data_len(const goobj_object *o, const goobj_sym *s)
{
	uint32_t first;
	return goobj_sym_count(o, o->dataidx, s, &first);
}

/* A symbol's content hash (s in o->syms): 8 bytes for a Hashed64Def, 16
 * for a HashedDef (objfile.go Hash64Size, HashSize), NULL otherwise. */
static inline const uint8_t *goobj_sym_hash(const goobj_object *o, const goobj_sym *s)
{
	size_t i = (size_t)(s - o->syms);
	if (s->cls == GOOBJ_HASHED64DEF)
		return o->hash64 + (i - o->nsymdefs) * 8;
	if (s->cls == GOOBJ_HASHEDDEF)
		return o->hash + (i - o->nsymdefs - o->nhashed64) * 16;
	return NULL;
}

/* Parses and validates `data` (an archive, or a bare object starting with
 * "go object "). `name` appears in error messages. On error returns -1
 * with err set (GOFN_EINVAL malformed, GOFN_EVERSION other Go/GOOS/GOARCH,
 * GOFN_ENOMEM) and *out untouched. */
int goobj_parse(const char *name, const uint8_t *data, size_t len, goobj_archive **out,
		gofn_err *err);

/* goobj_parse without the checks of the relocation, aux and data index
 * blocks and of every relocation and aux entry (a large object's 112k
 * and 80k: most of the parse), which
 * goobj_check_deferred then runs, on another thread if the caller likes:
 * a loader overlaps it with the link's first stages, which read symbols,
 * names and hashes only. Until goobj_check_deferred has succeeded nothing
 * may read a symbol's relocations, aux entries or data (goobj_sym_relocs,
 * goobj_sym_nrelocs, goobj_sym_auxs, goobj_sym_nauxs, goobj_sym_data,
 * goobj_resolve of their refs, goobj_funcinfo_get); every other guarantee
 * of goobj_parse holds on return. */
int goobj_parse_deferred(const char *name, const uint8_t *data, size_t len, goobj_archive **out,
			 gofn_err *err);

/* The checks goobj_parse_deferred left out, with goobj_parse's errors; 0
 * once they pass (at once for an archive goobj_parse made). Reads the
 * archive only: may run beside readers of its symbols. */
int goobj_check_deferred(goobj_archive *a, gofn_err *err);

void goobj_free(goobj_archive *a);

/* What a symref designates. */
typedef enum goobj_target_kind {
	GOOBJ_TARGET_NIL = 0, /* {0,0} */
	GOOBJ_TARGET_LOCAL,   /* syms[local] of this object (defined or NonPkgRef) */
	GOOBJ_TARGET_EXTERN,  /* defined in another package or the runtime */
} goobj_target_kind;

typedef struct goobj_target {
	goobj_target_kind kind;
	uint32_t local; /* LOCAL: index into obj->syms. NonPkgRefs are LOCAL but
			 * undefined: resolve them by syms[local].name and .abi */
	goobj_str name; /* EXTERN: full symbol name ("fmt.Println"); LOCAL: syms[local].name.
			 * EXTERN with len 0: the object carries no name (only
			 * possible for aux or inline-tree refs; never for reloc targets) */
	int abi;	/* EXTERN: GOOBJ_ABI0/ABIINTERNAL for builtins, GOOBJ_ABI_UNKNOWN for
			 * indexed refs (try ABIInternal then ABI0); LOCAL: syms[local].abi */
	goobj_str pkg;	/* EXTERN indexed: the package path from PkgIndex; builtins: "runtime" */
	uint32_t ext;	/* EXTERN: this name's slot among the object's external names,
			 * < goobj_nexterns(o): RefNames first, then the builtins, so a
			 * linker can resolve each name once (GOOBJ_NO_EXT if unnamed) */
} goobj_target;

#define GOOBJ_NO_EXT UINT32_MAX

/* How many goobj_target.ext slots the object's EXTERN targets use. */
uint32_t goobj_nexterns(const goobj_object *o);

/* goobj_resolve's ext for a reference to another package's symbol by
 * index (a RefNames entry), without the rest of its answer; GOOBJ_NO_EXT
 * for any other symref or one without a name. For a linker's cache of
 * external names, asked ~40,000 times by a large unit's dead-code
 * marking. Reads nothing a symref could point outside of. */
uint32_t goobj_refname_ext(const goobj_object *o, goobj_symref r);

/* Resolves a symref of a parsed object. Every reloc and aux symref of a
 * successfully parsed object resolves; returns -1 with err set (err may be
 * NULL) only for refs that did not come from the object. */
int goobj_resolve(const goobj_object *o, goobj_symref r, goobj_target *t, gofn_err *err);

/* The fast path of goobj_resolve for the linker's hot loops: 1 with
 * *local set when r names a symbol of this object's own (SymbolDefs,
 * hashed, non-package) and is in range, the same index goobj_resolve
 * gives as target.local; 0 for anything else (nil, another package, a
 * builtin, out of range), which goobj_resolve then handles. */
static inline int goobj_local_of(const goobj_object *o, goobj_symref r, uint32_t *local)
{
	uint32_t base, lim;
	switch (r.pkg) {
	case GOOBJ_PKG_SELF:
		base = 0, lim = o->nsymdefs;
		break;
	case GOOBJ_PKG_HASHED64:
		base = o->nsymdefs, lim = o->nhashed64;
		break;
	case GOOBJ_PKG_HASHED:
		base = o->nsymdefs + o->nhashed64, lim = o->nhashed;
		break;
	case GOOBJ_PKG_NONE:
		base = o->nsymdefs + o->nhashed64 + o->nhashed,
		lim = o->nnonpkgdefs + o->nnonpkgrefs;
		break;
	default:
		return 0;
	}
	if (r.idx >= lim)
		return 0;
	*local = base + r.idx;
	return 1;
}

/* Decoded FuncInfo aux data (goobj/funcinfo.go). */
typedef struct goobj_inlnode {
	int32_t parent;
	uint32_t file; /* CU file index (into obj->files) */
	int32_t line;
	goobj_symref func;
	int32_t parent_pc;
} goobj_inlnode;

typedef struct goobj_funcinfo {
	uint32_t args;
	uint32_t locals;
	uint8_t funcid;	  /* internal/abi.FuncID */
	uint8_t funcflag; /* internal/abi.FuncFlag */
	int32_t startline;
	uint32_t nfiles;
	const uint8_t
	    *files_raw; /* nfiles little-endian uint32 CU file indexes; use goobj_funcinfo_file */
	uint32_t ninl;
	const uint8_t *inl_raw; /* ninl 24-byte nodes; use goobj_funcinfo_inl */
} goobj_funcinfo;

/* Decodes the FuncInfo aux of text symbol `symi` (its AuxFuncInfo target
 * must be a local symbol). Checks every count and index (file indexes
 * against obj->nfiles, inline parents, inline func symrefs). Returns 1 and
 * fills *fi if the symbol has a FuncInfo, 0 if it has none, -1 on error. */
int goobj_funcinfo_get(const goobj_object *o, uint32_t symi, goobj_funcinfo *fi, gofn_err *err);

/* Element k of a decoded FuncInfo (k < nfiles / k < ninl; not re-checked). */
uint32_t goobj_funcinfo_file(const goobj_funcinfo *fi, uint32_t k);
void goobj_funcinfo_inl(const goobj_funcinfo *fi, uint32_t k, goobj_inlnode *out);

/* Finds the first local symbol of `o` named `name` with the given abi
 * (or any abi when abi < 0); returns its index or -1. Linear. */
long goobj_find_sym(const goobj_object *o, const char *name, int abi);

#endif
