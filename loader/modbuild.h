/* The interface between the linker (loader/link*.c) and the module builder
 * (loader/pcln*.c, gcmask.c, moduledata.c, host/module.go).
 *
 * The linker lays the unit out in memory, applies every relocation, and then
 * describes the result here: each function with its final entry address and
 * the raw pc-value tables from its FuncInfo, the section ranges it mapped,
 * the data/bss variables with their Go types, and the type and itab
 * descriptors it placed. The builder turns that description into the
 * runtime's view of a module (pcHeader, funcnametab, cutab, filetab, pctab,
 * functab with _func records, findfunctab, gofunc data, GC masks, typelinks,
 * itablinks, moduledata) in memory it owns, and registers it with the
 * running Go runtime. Nothing here is Go-release specific; that lives in
 * loader/goNNN_rt.h (one per release).
 *
 * All pointers in a gofn_mb_unit are borrowed for the duration of
 * gofn_mb_build only: the builder copies what it keeps. */
#ifndef GOFN_LOADER_MODBUILD_H
#define GOFN_LOADER_MODBUILD_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

/* A borrowed byte range (e.g. a pcsp table from the object). Empty = absent. */
typedef struct gofn_mb_bytes {
	const uint8_t *p;
	size_t n;
} gofn_mb_bytes;

/* One funcdata entry, already relocated by the linker (stack object records
 * carry R_ADDROFF offsets relative to gofn_mb_unit.rodata). The builder copies
 * the bytes into the module's gofunc area, deduplicating identical bytes.
 * p == NULL means "no entry" (runtime sentinel ^0). */
typedef struct gofn_mb_funcdata {
	const uint8_t *p;
	size_t n;
} gofn_mb_funcdata;

/* One node of FuncInfo.InlTree (cmd/internal/goobj/funcinfo.go InlTreeNode),
 * with the callee's name and FuncInfo fields looked up by the linker. */
typedef struct gofn_mb_inl {
	const char *callee;	   /* name of the inlined function, e.g. "strings.Index" */
	uint8_t callee_funcid;	   /* abi.FuncID from the callee's FuncInfo; 0 if unknown */
	int32_t callee_start_line; /* the callee's FuncInfo.StartLine; 0 if unknown */
	uint32_t file;		   /* CU file index of the call site (InlTreeNode.File) */
	int32_t parent_pc;	   /* InlTreeNode.ParentPC */
} gofn_mb_inl;

#define GOFN_MB_NOCU UINT32_MAX

/* One laid-out function, in increasing address order within gofn_mb_unit. */
typedef struct gofn_mb_func {
	const char *name; /* full symbol name, e.g. "main.main" or "main.(*T).M" */
	uintptr_t entry;  /* final address of the first instruction */
	uint32_t size;	  /* symbol size in bytes */
	int32_t args;	  /* FuncInfo.Args */
	/* offset from entry of the CALL instruction to runtime.deferreturn
	 * (the R_CALL's offset minus 1 on amd64, as cmd/link/internal/ld/pcln.go
	 * computeDeferReturn does); 0 if the function has none. */
	uint32_t deferreturn;
	int32_t start_line; /* FuncInfo.StartLine */
	uint8_t funcid;	    /* FuncInfo.FuncID (abi.FuncID) */
	uint8_t flag;	    /* FuncInfo.FuncFlag (abi.FuncFlag) */
	uint32_t cu;	    /* index into gofn_mb_unit.cus, or GOFN_MB_NOCU */
	gofn_mb_bytes pcsp, pcfile, pcline, pcinline;
	const gofn_mb_bytes *pcdata; /* pcdata[i] for i < npcdata (empty = absent) */
	uint32_t npcdata;
	const gofn_mb_funcdata *funcdata; /* funcdata[i] for i < nfuncdata; the builder
					     fills FUNCDATA_InlTree itself from inl */
	uint32_t nfuncdata;
	const gofn_mb_inl *inl; /* FuncInfo.InlTree, in index order */
	uint32_t ninl;
} gofn_mb_func;

/* A compilation unit's file table (one per object/package): the strings
 * pcfile values and gofn_mb_inl.file index into. "$GOROOT/..." names are
 * expanded with gofn_mb_unit.goroot as cmd/link does. */
typedef struct gofn_mb_cu {
	const char *const *files;
	uint32_t nfiles;
} gofn_mb_cu;

/* A global in data or bss with the address of its type descriptor
 * (an abi.Type in memory: the host's or a loaded one). Globals in
 * noptrdata/noptrbss need not be listed. */
typedef struct gofn_mb_var {
	uintptr_t addr;
	uint64_t size;
	const void *gotype;
	const char *name; /* for error messages */
} gofn_mb_var;

/* [start, end) of one mapped region; start == end == 0 when empty. */
typedef struct gofn_mb_range {
	uintptr_t start, end;
} gofn_mb_range;

typedef struct gofn_mb_unit {
	const char *modulename; /* e.g. "gofn:main"; copied */
	const char *goroot;	/* expansion of "$GOROOT" in file names; NULL keeps it */

	const gofn_mb_func *funcs; /* sorted by entry, non-overlapping, inside text */
	size_t nfuncs;
	const gofn_mb_cu *cus;
	size_t ncus;

	gofn_mb_range text; /* RX; every func lies inside */
	/* The host's text, when loaded descriptors (method tables, WrapInfo
	 * funcdata) hold text offsets (R_ADDROFF/R_METHODOFF) to host functions.
	 * The runtime zero-extends text offsets (moduledata.textAddr), so
	 * negative ones cannot work; instead the builder adds a second text
	 * section: offset gofn_mb_hosttext_off(text) + (f - host_text.start)
	 * means host function f. Empty: no such offsets. */
	gofn_mb_range host_text;
	gofn_mb_range rodata;	 /* base of stack-object gcdata offsets (R_ADDROFF) */
	gofn_mb_range types;	 /* type descriptors + the names their nameOffs reach */
	gofn_mb_range noptrdata; /* ranges may be empty */
	gofn_mb_range data;
	gofn_mb_range bss;
	gofn_mb_range noptrbss;

	const gofn_mb_var *vars; /* globals of data and bss with pointers */
	size_t nvars;

	/* Loaded type descriptors the object marks Typelink (SymFlagTypelink);
	 * all inside `types`. The builder sorts them by type string. */
	const uintptr_t *typelinks;
	size_t ntypelinks;
	/* Loaded itab descriptors (go:itab.* symbols defined by the unit). */
	const uintptr_t *itabs;
	size_t nitabs;
} gofn_mb_unit;

/* Where host text starts in the unit's text-offset space (see host_text):
 * strictly past the unit's own text, so the end-of-text sentinel offset of
 * ftab never falls into the host section. */
static inline uint64_t gofn_mb_hosttext_off(gofn_mb_range text)
{
	return ((uint64_t)(text.end - text.start) + 4096) & ~(uint64_t)4095;
}

typedef struct gofn_mb_image gofn_mb_image;

/* Builds the runtime tables and moduledata for `u`. Validates the
 * description (sorted funcs inside text, vars inside data/bss, pc tables
 * bounded) and fails with a one-line error naming the culprit. */
int gofn_mb_build(const gofn_mb_unit *u, gofn_mb_image **out, gofn_err *err);

/* Links the module into the runtime's module list and itab table. After
 * this, tracebacks, GC and type assertions see the loaded code. */
int gofn_mb_register(gofn_mb_image *img, gofn_err *err);

/* Undoes register: waits (briefly) until no goroutine has the unit's code
 * on its stack, removes the module's itabs (and any the runtime built for
 * its types), resets type-assertion caches, unlinks the moduledata and runs
 * a GC so no runtime structure still refers into the unit. Returns 0 when
 * done (or not registered): the caller may unmap the unit's memory. Returns
 * -1 with err set (GOFN_ELIMIT) if goroutines still run the unit's code: the
 * module stays registered and its memory MUST stay mapped. */
int gofn_mb_unregister(gofn_mb_image *img, gofn_err *err);

/* Unregisters and frees the image; NULL is fine. Returns -1 (the image is
 * then kept, registered) when gofn_mb_unregister refused: leave the unit
 * mapped. */
int gofn_mb_free(gofn_mb_image *img);

/* The runtime moduledata the image built (for tests and diagnostics). */
const void *gofn_mb_moduledata(const gofn_mb_image *img);

#endif
