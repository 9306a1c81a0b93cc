/* Builds the runtime's pclntab for a loaded unit in one pass, straight into
 * the buffer the image keeps (cmd/link/internal/ld/pcln.go (*Link).pclntab
 * encodes the same parts):
 *
 *   pcHeader | functab | findfunctab | cutab | funcnametab | filetab | pctab | gofunc
 *
 * A first walk over the functions sizes every part: functab, findfunctab and
 * cutab exactly, the deduplicated ones by their sum without deduplication.
 * Each part is then written in its region (no growing buffers, no copies),
 * and filetab, pctab and gofunc are moved down onto the end of the part
 * before them; the runtime reads every part through the pcHeader offsets
 * and moduledata slices, so their order is free. gofunc (the funcdata the
 * linker handed us, plus the inline trees we generate) comes last so that
 * moduledata.gofunc <= every funcdata < moduledata.epclntab, the range
 * runtime/stack.go uses to find the module of a stack object record. */
#include "loader/pcln.h"

#include <stdlib.h>
#include <string.h>

#include "loader/release_rt.h"
#include "loader/bigalloc.h"
#include "loader/pcln_tab.h"

#define PART_LIMIT (1u << 30) /* keeps every uint32 offset and the sum in range */

/* Identical funcdata are the same bytes (the link relocates one copy of
 * each content-hashed symbol in the unit's memory), and so are identical
 * pc tables (describe hands out the bytes of the copy the link chose for a
 * content hash), so a direct-mapped cache from the bytes' address to their
 * offset answers most lookups without hashing the content; a miss falls
 * back to the content set. */
typedef struct ptr_slot {
	const uint8_t *p;
	uint32_t n, off;
} ptr_slot;

typedef struct ptr_cache {
	ptr_slot *s;
	size_t mask;
} ptr_cache;

/* The parts' places in the buffer while they are built: the fixed-size
 * ones (functab, findfunctab, cutab) first, then the deduplicated ones,
 * each with room for its upper bound, moved together at the end. */
typedef struct layout {
	size_t functab_off, functab_len;
	size_t findfunctab_off, findfunctab_len;
	size_t cutab_off, cutab_n;
	size_t names_off, names_max;
	size_t files_off, files_max;
	size_t pctab_off, pctab_max;
	size_t gofunc_off, gofunc_max;
	size_t len;
	size_t nfd;    /* funcdata entries, for the cache */
	size_t npc;    /* pc tables (copies included), for the cache and pctab's set */
	size_t nnames; /* function and inlined callee names, for funcnametab's set */
} layout;

typedef struct builder {
	const gofn_mb_unit *u;
	gofn_err *err;
	layout lay;
	uint8_t *buf;
	pcln_tab names, files, pctab, gofunc;
	ptr_cache fds, pcs;
	uint8_t *scratch; /* the two caches, pctab's and funcnametab's sets, entries */
	size_t scratch_len;
	uint64_t *entries; /* findfunctab's: each function's entry - minpc */
	uint32_t *cuoffs;  /* per CU: its first cutab index */
	size_t cutab_n;
} builder;

static int validate_func(const gofn_mb_unit *u, size_t i, gofn_err *err)
{
	const gofn_mb_func *f = &u->funcs[i];
	const char *name = f->name ? f->name : "?";
	if (!f->name || !f->name[0])
		return gofn_errf(err, GOFN_EINVAL, "function %zu has no name", i);
	if (f->size == 0)
		return gofn_errf(err, GOFN_EINVAL, "function %s has size 0", name);
	if (f->entry < u->text.start || f->entry > u->text.end || u->text.end - f->entry < f->size)
		return gofn_errf(err, GOFN_EINVAL, "function %s outside the text range", name);
	if (i > 0 && u->funcs[i - 1].entry + u->funcs[i - 1].size > f->entry)
		return gofn_errf(err, GOFN_EINVAL, "function %s overlaps or precedes %s", name,
				 u->funcs[i - 1].name);
	if (f->cu != GOFN_MB_NOCU && f->cu >= u->ncus)
		return gofn_errf(err, GOFN_EINVAL, "function %s: CU %u out of range", name, f->cu);
	if (f->nfuncdata > 255 - GORT_FUNCDATA_InlTree || f->npcdata > 255)
		return gofn_errf(err, GOFN_EINVAL, "function %s: too many pcdata/funcdata tables",
				 name);
	if (f->deferreturn >= f->size)
		return gofn_errf(err, GOFN_EINVAL, "function %s: deferreturn offset outside it",
				 name);
	for (uint32_t k = 0; k < f->ninl; k++)
		if (!f->inl[k].callee || !f->inl[k].callee[0])
			return gofn_errf(err, GOFN_EINVAL,
					 "function %s: inline node %u has no callee", name, k);
	return 0;
}

static int validate_unit(const gofn_mb_unit *u, gofn_err *err)
{
	if (u->nfuncs == 0)
		return gofn_errf(err, GOFN_EINVAL, "unit has no functions");
	if (u->nfuncs > (1u << 24))
		return gofn_errf(err, GOFN_ELIMIT, "unit has too many functions (%zu)", u->nfuncs);
	if (u->text.end < u->text.start || u->text.end - u->text.start > PART_LIMIT)
		return gofn_errf(err, GOFN_EINVAL, "bad text range");
	for (size_t i = 0; i < u->nfuncs; i++)
		if (validate_func(u, i, err) < 0)
			return -1;
	return 0;
}

static uint32_t cu_nfiles(const gofn_mb_unit *u, const gofn_mb_func *f)
{
	return f->cu == GOFN_MB_NOCU ? 0 : u->cus[f->cu].nfiles;
}

static size_t align_up(size_t x, size_t a)
{
	return (x + a - 1) / a * a;
}

/* The _func record's table counts: an inline tree needs
 * PCDATA_InlTreeIndex and FUNCDATA_InlTree slots even if the object's
 * FuncInfo has fewer. */
static uint32_t out_npcdata(const gofn_mb_func *f)
{
	uint32_t n = f->npcdata;
	return f->ninl > 0 && n < GORT_PCDATA_InlTreeIndex + 1 ? GORT_PCDATA_InlTreeIndex + 1 : n;
}

static uint32_t out_nfuncdata(const gofn_mb_func *f)
{
	uint32_t n = f->nfuncdata;
	return f->ninl > 0 && n < GORT_FUNCDATA_InlTree + 1 ? GORT_FUNCDATA_InlTree + 1 : n;
}

static size_t func_record_size(const gofn_mb_func *f)
{
	return sizeof(gort_func) + 4 * (size_t)out_npcdata(f) + 4 * (size_t)out_nfuncdata(f);
}

/* *acc += n, failing past PART_LIMIT (bounds are sums of input sizes). */
static int grow(size_t *acc, size_t n, const char *what, gofn_err *err)
{
	if (n > PART_LIMIT || *acc > PART_LIMIT - n)
		return gofn_errf(err, GOFN_ELIMIT, "pclntab: %s too large", what);
	*acc += n;
	return 0;
}

/* $GOROOT/... names are expanded as cmd/link does. */
static int goroot_prefixed(const gofn_mb_unit *u, const char *name)
{
	return u->goroot && strncmp(name, "$GOROOT/", 8) == 0;
}

static int size_files(const gofn_mb_unit *u, layout *l, gofn_err *err)
{
	size_t gl = u->goroot ? strlen(u->goroot) : 0;
	for (size_t c = 0; c < u->ncus; c++)
		for (uint32_t k = 0; k < u->cus[c].nfiles; k++) {
			const char *name = u->cus[c].files[k];
			if (!name)
				return gofn_errf(err, GOFN_EINVAL, "CU %zu file %u has no name", c,
						 k);
			size_t n = strlen(name) + 1 + (goroot_prefixed(u, name) ? gl : 0);
			if (grow(&l->cutab_n, 1, "cutab", err) < 0 ||
			    grow(&l->files_max, n, "filetab", err) < 0)
				return -1;
		}
	return 0;
}

/* What one function adds to each part at most (nothing deduplicated). */
static int size_func(const gofn_mb_func *f, layout *l, gofn_err *err)
{
	size_t pc = f->pcsp.n + f->pcfile.n + f->pcline.n + (f->ninl ? f->pcinline.n : 0);
	size_t names = strlen(f->name) + 1;
	for (uint32_t k = 0; k < f->npcdata; k++)
		pc += f->pcdata[k].n;
	for (uint32_t k = 0; k < f->ninl; k++)
		names += strlen(f->inl[k].callee) + 1;
	for (uint32_t k = 0; k < f->nfuncdata; k++)
		if (!(f->ninl > 0 && k == GORT_FUNCDATA_InlTree) && f->funcdata[k].p &&
		    grow(&l->gofunc_max, f->funcdata[k].n + 7, "funcdata", err) < 0)
			return -1;
	size_t fd = f->ninl ? f->ninl * sizeof(gort_inlinedcall) + 3 : 0;
	l->nfd += f->nfuncdata;
	l->npc += 3 + (size_t)f->npcdata + (f->ninl ? 1 : 0);
	l->nnames += 1 + (size_t)f->ninl;
	l->functab_len = align_up(l->functab_len, GORT_PTRSIZE);
	return grow(&l->pctab_max, pc, "pctab", err) < 0 ||
		       grow(&l->names_max, names, "funcnametab", err) < 0 ||
		       grow(&l->gofunc_max, fd, "funcdata", err) < 0 ||
		       grow(&l->functab_len, func_record_size(f), "functab", err) < 0
		   ? -1
		   : 0;
}

static int plan(const gofn_mb_unit *u, layout *l, gofn_err *err)
{
	memset(l, 0, sizeof *l);
	l->functab_len = u->nfuncs * sizeof(gort_functab) + 4;
	l->names_max = 1; /* offset 0: no name */
	l->pctab_max = 1; /* offset 0: no table */
	for (size_t i = 0; i < u->nfuncs; i++)
		if (size_func(&u->funcs[i], l, err) < 0)
			return -1;
	if (size_files(u, l, err) < 0)
		return -1;
	const gofn_mb_func *last = &u->funcs[u->nfuncs - 1];
	l->findfunctab_len = gofn_findfunctab_size(last->entry + last->size - u->funcs[0].entry);
	size_t cur = sizeof(gort_pcheader);
	l->functab_off = align_up(cur, GORT_PTRSIZE);
	l->findfunctab_off = align_up(l->functab_off + l->functab_len, 4);
	l->cutab_off = align_up(l->findfunctab_off + l->findfunctab_len, 4);
	l->names_off = l->cutab_off + 4 * l->cutab_n;
	l->files_off = l->names_off + l->names_max;
	l->pctab_off = l->files_off + l->files_max;
	l->gofunc_off = align_up(l->pctab_off + l->pctab_max, GORT_PTRSIZE);
	l->len = l->gofunc_off + l->gofunc_max;
	if (l->len > 4 * (size_t)PART_LIMIT)
		return gofn_errf(err, GOFN_ELIMIT, "pclntab too large");
	return 0;
}

/* About one slot an entry, up to max. */
static size_t cache_slots(size_t n, size_t max)
{
	size_t slots = 64;
	while (slots < n && slots < max)
		slots *= 2;
	return slots;
}

/* The builder's scratch in one block (bigalloc.h): for a large unit its
 * pctab set (1 MiB for 28,000 pc tables) is on a huge page anyway, and
 * the caches, funcnametab's set and findfunctab's entries (~330 KB) share
 * it instead of ~80 4 KiB pages of their own. Cleared before use, new or
 * kept (gofn_big_clear): the probes read a slot before they fill it. */
static int scratch_init(builder *b)
{
	const layout *l = &b->lay;
	size_t nfd = cache_slots(l->nfd, 2048), npc = cache_slots(l->npc, 8192);
	size_t fd = nfd * sizeof(ptr_slot), pc = npc * sizeof(ptr_slot);
	size_t pcset = pcln_tab_set_bytes(l->npc), names = pcln_tab_set_bytes(l->nnames);
	size_t zeroed_len = fd + pc + pcset + names;
	int zeroed;
	b->scratch_len = zeroed_len + b->u->nfuncs * sizeof *b->entries;
	if (!(b->scratch = gofn_big_alloc(b->scratch_len, &zeroed)))
		return gofn_errf(b->err, GOFN_ENOMEM, "pclntab: out of memory");
	gofn_big_clear(b->scratch, zeroed_len, zeroed);
	/* every part a multiple of 16 bytes: each stays aligned */
	b->fds = (ptr_cache){(ptr_slot *)b->scratch, nfd - 1};
	b->pcs = (ptr_cache){(ptr_slot *)(b->scratch + fd), npc - 1};
	pcln_tab_reserve_in(&b->pctab, l->npc, b->scratch + fd + pc);
	pcln_tab_reserve_in(&b->names, l->nnames, b->scratch + fd + pc + pcset);
	b->entries = (uint64_t *)(b->scratch + zeroed_len);
	return 0;
}

static ptr_slot *cache_at(const ptr_cache *c, const uint8_t *p)
{
	uint64_t h = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ull;
	return &c->s[(h >> 40) & c->mask];
}

static int cache_get(const ptr_cache *c, const uint8_t *p, size_t n, uint32_t *off)
{
	const ptr_slot *s = cache_at(c, p);
	if (s->p != p || s->n != n)
		return 0;
	*off = s->off;
	return 1;
}

static void cache_put(ptr_cache *c, const uint8_t *p, size_t n, uint32_t off)
{
	*cache_at(c, p) = (ptr_slot){p, (uint32_t)n, off};
}

static int add_file(builder *b, const char *name, uint32_t *off)
{
	if (goroot_prefixed(b->u, name)) {
		static const size_t pl = sizeof "$GOROOT" - 1;
		size_t gl = strlen(b->u->goroot), nl = strlen(name + pl);
		char *full = malloc(gl + nl + 1);
		if (!full)
			return gofn_errf(b->err, GOFN_ENOMEM, "filetab: out of memory");
		memcpy(full, b->u->goroot, gl);
		memcpy(full + gl, name + pl, nl + 1);
		int rc = pcln_tab_add(&b->files, full, gl + nl, 1, 1, 1, off, b->err);
		free(full);
		return rc;
	}
	return pcln_tab_add(&b->files, name, strlen(name), 1, 1, 1, off, b->err);
}

/* cutab/filetab: each CU's whole file table, in CU order, so a function's
 * file number k is cutab[cuoffs[cu] + k] (runtime/symtab.go funcfile). */
static int build_files(builder *b)
{
	const gofn_mb_unit *u = b->u;
	b->cuoffs = calloc(u->ncus ? u->ncus : 1, sizeof *b->cuoffs);
	if (!b->cuoffs)
		return gofn_errf(b->err, GOFN_ENOMEM, "cutab: out of memory");
	uint8_t *cutab = b->buf + b->lay.cutab_off;
	for (size_t c = 0; c < u->ncus; c++) {
		b->cuoffs[c] = (uint32_t)b->cutab_n;
		for (uint32_t k = 0; k < u->cus[c].nfiles; k++) {
			uint32_t off;
			if (add_file(b, u->cus[c].files[k], &off) < 0)
				return -1;
			memcpy(cutab + 4 * b->cutab_n++, &off, 4);
		}
	}
	return 0;
}

/* funcnametab: every function's name and every inlined callee's, once.
 * Offset 0 reads as "no name" (runtime/symtab.go moduledata.funcName), so
 * the table starts with a NUL that no name uses. */
static int add_names(builder *b, const gofn_mb_func *f, uint32_t *nameoff)
{
	if (pcln_tab_add(&b->names, f->name, strlen(f->name), 1, 1, 1, nameoff, b->err) < 0)
		return -1;
	for (uint32_t k = 0; k < f->ninl; k++) {
		uint32_t off;
		const char *c = f->inl[k].callee;
		if (pcln_tab_add(&b->names, c, strlen(c), 1, 1, 1, &off, b->err) < 0)
			return -1;
	}
	return 0;
}

static int add_pc(builder *b, const gofn_mb_func *f, const char *what, gofn_mb_bytes t, int64_t lo,
		  int64_t hi, uint32_t *off)
{
	*off = 0; /* offset 0 means "no table" to the runtime */
	if (t.n == 0)
		return 0;
	if (!t.p) {
		gofn_errf(b->err, GOFN_EINVAL, "missing bytes");
		return gofn_errctx(b->err, "function %s: %s", f->name, what);
	}
	/* Every table in pctab was checked before it went in, against bounds
	 * within int32's: the same bytes need no second check when any int32
	 * value will do (pcsp, pcline, pcdata; pcfile and pcinline have
	 * narrower bounds of their own). Functions of one shape share most
	 * tables, and checking every copy was a third of building pctab. */
	int any = lo == INT32_MIN && hi == INT32_MAX;
	int found = cache_get(&b->pcs, t.p, t.n, off);
	pcln_tab_pos pos;
	if (!found && (found = pcln_tab_lookup(&b->pctab, t.p, t.n, off, &pos, b->err)) < 0)
		return -1;
	if (!(found && any) && gofn_pcvalue_check(t.p, t.n, lo, hi, b->err) < 0)
		return gofn_errctx(b->err, "function %s: %s", f->name, what);
	if (!found && pcln_tab_put(&b->pctab, &pos, t.p, t.n, 0, 1, off, b->err) < 0)
		return -1;
	cache_put(&b->pcs, t.p, t.n, *off);
	return 0;
}

/* pctab: deduplicated pc-value tables; byte 0 is padding so no real table
 * has offset 0 (cmd/link generatePctab). */
static int build_pctab(builder *b, const gofn_mb_func *f, gort_func *fn, uint32_t *pcdata)
{
	const int64_t any_lo = INT32_MIN, any_hi = INT32_MAX;
	if (add_pc(b, f, "pcsp", f->pcsp, any_lo, any_hi, &fn->pcsp) < 0 ||
	    add_pc(b, f, "pcfile", f->pcfile, 0, (int64_t)cu_nfiles(b->u, f) - 1, &fn->pcfile) <
		0 ||
	    add_pc(b, f, "pcline", f->pcline, any_lo, any_hi, &fn->pcln) < 0)
		return -1;
	for (uint32_t k = 0; k < f->npcdata; k++)
		if (add_pc(b, f, "pcdata", f->pcdata[k], any_lo, any_hi, &pcdata[k]) < 0)
			return -1;
	if (f->ninl > 0 && add_pc(b, f, "pcinline", f->pcinline, -1, (int64_t)f->ninl - 1,
				  &pcdata[GORT_PCDATA_InlTreeIndex]) < 0)
		return -1;
	return 0;
}

/* The FUNCDATA_InlTree table: runtime inlinedCall records (cmd/link
 * genInlTreeSym). */
static int add_inltree(builder *b, const gofn_mb_func *f, uint32_t *off)
{
	gort_inlinedcall *calls = calloc(f->ninl, sizeof *calls);
	if (!calls)
		return gofn_errf(b->err, GOFN_ENOMEM, "inline tree: out of memory");
	int rc = 0;
	for (uint32_t k = 0; k < f->ninl && rc == 0; k++) {
		const gofn_mb_inl *n = &f->inl[k];
		uint32_t nameoff;
		rc = pcln_tab_add(&b->names, n->callee, strlen(n->callee), 1, 1, 1, &nameoff,
				  b->err);
		if (n->file >= cu_nfiles(b->u, f))
			rc = gofn_errf(b->err, GOFN_EINVAL, "function %s: inline node %u file %u",
				       f->name, k, n->file);
		if (n->parent_pc < 0 || (uint32_t)n->parent_pc >= f->size)
			rc = gofn_errf(b->err, GOFN_EINVAL,
				       "function %s: inline node %u parent pc outside it", f->name,
				       k);
		calls[k].funcid = n->callee_funcid;
		calls[k].name_off = (int32_t)nameoff;
		calls[k].parent_pc = n->parent_pc;
		calls[k].start_line = n->callee_start_line;
	}
	if (rc == 0)
		rc = pcln_tab_add(&b->gofunc, calls, f->ninl * sizeof *calls, 0, 4, 1, off, b->err);
	free(calls);
	return rc;
}

/* gofunc: the funcdata bytes, copied and deduplicated, 8-aligned. */
static int build_funcdata(builder *b, const gofn_mb_func *f, uint32_t *funcdata, uint32_t nfd)
{
	for (uint32_t k = 0; k < nfd; k++) {
		funcdata[k] = GORT_NOFUNCDATA;
		if (f->ninl > 0 && k == GORT_FUNCDATA_InlTree) {
			if (add_inltree(b, f, &funcdata[k]) < 0)
				return -1;
			continue;
		}
		if (k >= f->nfuncdata || !f->funcdata[k].p)
			continue;
		const gofn_mb_funcdata *d = &f->funcdata[k];
		if (d->n == 0 || d->n > PART_LIMIT)
			return gofn_errf(b->err, GOFN_EINVAL, "function %s: funcdata %u size %zu",
					 f->name, k, d->n);
		if (cache_get(&b->fds, d->p, d->n, &funcdata[k]))
			continue;
		if (pcln_tab_add(&b->gofunc, d->p, d->n, 0, 8, 1, &funcdata[k], b->err) < 0)
			return -1;
		cache_put(&b->fds, d->p, d->n, funcdata[k]);
	}
	return 0;
}

/* One function's names, tables and _func record (written in place at
 * functab+funcoff) and its ftab entry (cmd/link writePCToFunc,
 * writeFuncs). */
static int build_func(builder *b, size_t i, uint32_t funcoff)
{
	const gofn_mb_func *f = &b->u->funcs[i];
	uint32_t tabs[2 * 256];
	uint32_t npc = out_npcdata(f), nfd = out_nfuncdata(f);
	gort_func fn;
	memset(&fn, 0, sizeof fn);
	memset(tabs, 0, 4 * (size_t)npc);
	uint32_t nameoff;
	if (add_names(b, f, &nameoff) < 0 || build_pctab(b, f, &fn, tabs) < 0 ||
	    build_funcdata(b, f, tabs + npc, nfd) < 0)
		return -1;
	fn.entry_off = (uint32_t)(f->entry - b->u->text.start);
	fn.name_off = (int32_t)nameoff;
	fn.args = f->args;
	fn.deferreturn = f->deferreturn;
	fn.npcdata = npc;
	fn.cu_offset = f->cu == GOFN_MB_NOCU ? UINT32_MAX : b->cuoffs[f->cu];
	fn.start_line = f->start_line;
	fn.funcid = f->funcid;
	fn.flag = f->flag;
	fn.nfuncdata = (uint8_t)nfd;
	uint8_t *functab = b->buf + b->lay.functab_off;
	memcpy(functab + funcoff, &fn, sizeof fn);
	memcpy(functab + funcoff + sizeof fn, tabs, 4 * ((size_t)npc + nfd));
	gort_functab ft = {fn.entry_off, funcoff};
	memcpy(functab + i * sizeof ft, &ft, sizeof ft);
	return 0;
}

/* functab: nfunc (entryoff, funcoff) pairs, the end-pc sentinel, then the
 * 8-aligned _func records (cmd/link calculateFunctabSize). */
static int build_functab(builder *b)
{
	const gofn_mb_unit *u = b->u;
	uint8_t *functab = b->buf + b->lay.functab_off;
	size_t n = u->nfuncs, at = n * sizeof(gort_functab) + 4;
	const gofn_mb_func *last = &u->funcs[n - 1];
	uint32_t end = (uint32_t)(last->entry + last->size - u->text.start);
	memcpy(functab + n * sizeof(gort_functab), &end, 4);
	for (size_t i = 0; i < n; i++) {
		size_t rec = align_up(at, GORT_PTRSIZE);
		memset(functab + at, 0, rec - at);
		if (build_func(b, i, (uint32_t)rec) < 0)
			return -1;
		at = rec + func_record_size(&u->funcs[i]);
	}
	return 0;
}

static int build_findfunctab(builder *b)
{
	const gofn_mb_unit *u = b->u;
	uintptr_t minpc = u->funcs[0].entry;
	const gofn_mb_func *last = &u->funcs[u->nfuncs - 1];
	uint64_t max_off = last->entry + last->size - minpc;
	uint64_t *entry = b->entries;
	for (size_t i = 0; i < u->nfuncs; i++)
		entry[i] = u->funcs[i].entry - minpc;
	return gofn_findfunctab_fill(entry, u->nfuncs, max_off, b->buf + b->lay.findfunctab_off,
				     b->err);
}

/* Moves filetab, pctab and gofunc down onto the end of the part before
 * them (each had room for its bound), zeroes the gaps the alignment
 * leaves, writes the pcHeader and gives back the room left unused. */
static int assemble(builder *b, gofn_pcln *out)
{
	const layout *l = &b->lay;
	uint8_t *buf = b->buf;
	memset(buf + sizeof(gort_pcheader), 0, l->functab_off - sizeof(gort_pcheader));
	memset(buf + l->functab_off + l->functab_len, 0,
	       l->findfunctab_off - l->functab_off - l->functab_len);
	memset(buf + l->findfunctab_off + l->findfunctab_len, 0,
	       l->cutab_off - l->findfunctab_off - l->findfunctab_len);
	out->funcnametab_off = l->names_off;
	out->funcnametab_len = b->names.len;
	out->filetab_off = out->funcnametab_off + out->funcnametab_len;
	out->filetab_len = b->files.len;
	memmove(buf + out->filetab_off, buf + l->files_off, b->files.len);
	out->pctab_off = out->filetab_off + out->filetab_len;
	out->pctab_len = b->pctab.len;
	memmove(buf + out->pctab_off, buf + l->pctab_off, b->pctab.len);
	size_t pcend = out->pctab_off + out->pctab_len;
	out->gofunc_off = align_up(pcend, GORT_PTRSIZE);
	memset(buf + pcend, 0, out->gofunc_off - pcend);
	memmove(buf + out->gofunc_off, buf + l->gofunc_off, b->gofunc.len);
	out->len = out->gofunc_off + b->gofunc.len;
	out->cutab_off = l->cutab_off;
	out->cutab_n = b->cutab_n;
	out->functab_off = l->functab_off;
	out->functab_len = l->functab_len;
	out->findfunctab_off = l->findfunctab_off;
	out->findfunctab_len = l->findfunctab_len;
	gort_pcheader h = {
	    .magic = GORT_PCLNTAB_MAGIC,
	    .min_lc = GORT_PCQUANTUM,
	    .ptr_size = GORT_PTRSIZE,
	    .nfunc = (intptr_t)b->u->nfuncs,
	    .nfiles = b->files.nused,
	    .funcname_offset = out->funcnametab_off,
	    .cu_offset = out->cutab_off,
	    .filetab_offset = out->filetab_off,
	    .pctab_offset = out->pctab_off,
	    .pcln_offset = out->functab_off,
	};
	memcpy(buf, &h, sizeof h);
	out->buf = gofn_big_shrink(buf, l->len, out->len);
	out->cap = l->len;
	b->buf = NULL;
	out->nfunc = b->u->nfuncs;
	out->text = b->u->text.start;
	out->minpc = b->u->funcs[0].entry;
	out->maxpc = b->u->funcs[b->u->nfuncs - 1].entry + b->u->funcs[b->u->nfuncs - 1].size;
	return 0;
}

static int build_parts(builder *b)
{
	const layout *l = &b->lay;
	/* not zeroed: room a bound leaves unused is never touched, and every
	 * byte the tables keep is written below. A large unit's (1.2 MB for
	 * 4,000 functions) is on a huge page (bigalloc.h): written in 4 KiB
	 * pages it was ~250 of a fresh load's ~430 first-touch faults, ~1.3 us
	 * each against ~55 us for one 2 MiB page (measured side by side). */
	int zeroed;
	b->buf = gofn_big_alloc(l->len, &zeroed);
	if (!b->buf)
		return gofn_errf(b->err, GOFN_ENOMEM, "pclntab: out of memory");
	pcln_tab_init(&b->names, b->buf + l->names_off, l->names_max);
	pcln_tab_init(&b->files, b->buf + l->files_off, l->files_max);
	pcln_tab_init(&b->pctab, b->buf + l->pctab_off, l->pctab_max);
	pcln_tab_init(&b->gofunc, b->buf + l->gofunc_off, l->gofunc_max);
	if (scratch_init(b) < 0 || build_files(b) < 0 || pcln_tab_zero(&b->names, 1, b->err) < 0 ||
	    pcln_tab_zero(&b->pctab, 1, b->err) < 0)
		return -1;
	return build_functab(b) < 0 || build_findfunctab(b) < 0 ? -1 : 0;
}

static void builder_free(builder *b)
{
	pcln_tab_free(&b->names);
	pcln_tab_free(&b->files);
	pcln_tab_free(&b->pctab);
	pcln_tab_free(&b->gofunc);
	gofn_big_free(b->scratch, b->scratch_len);
	free(b->cuoffs);
	gofn_big_free(b->buf, b->lay.len);
}

int gofn_pcln_build(const gofn_mb_unit *u, gofn_pcln *out, gofn_err *err)
{
	memset(out, 0, sizeof *out);
	builder b = {.u = u, .err = err};
	if (validate_unit(u, err) < 0 || plan(u, &b.lay, err) < 0)
		return -1;
	int rc = build_parts(&b);
	if (rc == 0)
		rc = assemble(&b, out);
	builder_free(&b);
	if (rc < 0)
		gofn_pcln_free(out);
	return rc;
}

void gofn_pcln_free(gofn_pcln *p)
{
	gofn_big_free(p->buf, p->cap);
	memset(p, 0, sizeof *p);
}
