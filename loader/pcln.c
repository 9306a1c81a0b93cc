/* Builds the runtime's pclntab for a loaded unit, part by part in the order
 * cmd/link/internal/ld/pcln.go (*Link).pclntab emits them, then assembles
 * the parts into one buffer laid out like the .gopclntab section:
 *
 *   pcHeader | funcnametab | cutab | filetab | pctab | functab | findfunctab | gofunc
 *
 * gofunc (the funcdata the linker handed us, plus the inline trees we
 * generate) comes last so that moduledata.gofunc <= every funcdata <
 * moduledata.epclntab, the range runtime/stack.go uses to find the module of
 * a stack object record. */
#include "loader/pcln.h"

#include <stdlib.h>
#include <string.h>

#include "loader/release_rt.h"
#include "loader/pcln_tab.h"

#define PART_LIMIT (1u << 30) /* keeps every uint32 offset and the sum in range */

/* Per-function offsets computed while the parts are built. */
typedef struct func_offs {
	uint32_t nameoff;
	uint32_t pcsp, pcfile, pcln, pcinline;
	uint32_t *pcdata;   /* npcdata entries */
	uint32_t *funcdata; /* nfuncdata entries; GORT_NOFUNCDATA when absent */
	uint32_t npcdata, nfuncdata;
	uint32_t funcoff; /* offset of the _func record in functab */
} func_offs;

typedef struct builder {
	const gofn_mb_unit *u;
	gofn_err *err;
	pcln_tab names, files, pctab, gofunc;
	uint32_t *cutab;
	size_t cutab_n;
	uint32_t *cuoffs; /* per CU: its first cutab index */
	func_offs *fo;
	uint32_t *offs; /* the pcdata and funcdata arrays of fo */
	uint8_t *functab;
	size_t functab_len;
	uint8_t *findfunctab;
	size_t findfunctab_len;
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

/* funcnametab: every function's name and every inlined callee's, once.
 * Offset 0 reads as "no name" (runtime/symtab.go moduledata.funcName), so
 * the table starts with a NUL that no name uses. */
static int build_names(builder *b)
{
	if (pcln_tab_zero(&b->names, 1, b->err) < 0)
		return -1;
	for (size_t i = 0; i < b->u->nfuncs; i++) {
		const gofn_mb_func *f = &b->u->funcs[i];
		if (pcln_tab_add(&b->names, f->name, strlen(f->name), 1, 1, 1, &b->fo[i].nameoff,
				 b->err) < 0)
			return -1;
		for (uint32_t k = 0; k < f->ninl; k++) {
			uint32_t off;
			const char *c = f->inl[k].callee;
			if (pcln_tab_add(&b->names, c, strlen(c), 1, 1, 1, &off, b->err) < 0)
				return -1;
		}
	}
	return 0;
}

static int add_file(builder *b, const char *name, uint32_t *off)
{
	static const char prefix[] = "$GOROOT";
	size_t pl = sizeof prefix - 1;
	if (b->u->goroot && strncmp(name, prefix, pl) == 0 && name[pl] == '/') {
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
	size_t total = 0;
	for (size_t c = 0; c < u->ncus; c++) {
		if (u->cus[c].nfiles > PART_LIMIT / 4 - total)
			return gofn_errf(b->err, GOFN_ELIMIT, "too many file names");
		total += u->cus[c].nfiles;
	}
	b->cutab = calloc(total ? total : 1, sizeof *b->cutab);
	b->cuoffs = calloc(u->ncus ? u->ncus : 1, sizeof *b->cuoffs);
	if (!b->cutab || !b->cuoffs)
		return gofn_errf(b->err, GOFN_ENOMEM, "cutab: out of memory");
	for (size_t c = 0; c < u->ncus; c++) {
		b->cuoffs[c] = (uint32_t)b->cutab_n;
		for (uint32_t k = 0; k < u->cus[c].nfiles; k++) {
			const char *name = u->cus[c].files[k];
			if (!name)
				return gofn_errf(b->err, GOFN_EINVAL, "CU %zu file %u has no name",
						 c, k);
			if (add_file(b, name, &b->cutab[b->cutab_n++]) < 0)
				return -1;
		}
	}
	return 0;
}

static int add_pc(builder *b, const gofn_mb_func *f, const char *what, gofn_mb_bytes t, int64_t lo,
		  int64_t hi, uint32_t *off)
{
	*off = 0; /* offset 0 means "no table" to the runtime */
	if (t.n == 0)
		return 0;
	/* Every table in pctab was checked before it went in, against bounds
	 * within int32's: the same bytes need no second check when any int32
	 * value will do (pcsp, pcline, pcdata; pcfile and pcinline have
	 * narrower bounds of their own). Functions of one shape share most
	 * tables, and checking every copy was a third of building pctab. */
	if (t.p && lo == INT32_MIN && hi == INT32_MAX && pcln_tab_find(&b->pctab, t.p, t.n, off))
		return 0;
	if (!t.p || gofn_pcvalue_check(t.p, t.n, lo, hi, b->err) < 0) {
		if (!t.p)
			gofn_errf(b->err, GOFN_EINVAL, "missing bytes");
		return gofn_errctx(b->err, "function %s: %s", f->name, what);
	}
	return pcln_tab_add(&b->pctab, t.p, t.n, 0, 1, 1, off, b->err);
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

/* Every function's pcdata and funcdata offsets in one zeroed array
 * rather than two allocations per function. */
static int alloc_offsets(builder *b)
{
	size_t total = 0, at = 0;
	for (size_t i = 0; i < b->u->nfuncs; i++)
		total += out_npcdata(&b->u->funcs[i]) + out_nfuncdata(&b->u->funcs[i]);
	b->offs = calloc(total ? total : 1, sizeof *b->offs);
	if (!b->offs)
		return gofn_errf(b->err, GOFN_ENOMEM, "pclntab: out of memory");
	for (size_t i = 0; i < b->u->nfuncs; i++) {
		func_offs *o = &b->fo[i];
		o->npcdata = out_npcdata(&b->u->funcs[i]);
		o->nfuncdata = out_nfuncdata(&b->u->funcs[i]);
		o->pcdata = b->offs + at;
		o->funcdata = b->offs + at + o->npcdata;
		at += o->npcdata + o->nfuncdata;
	}
	return 0;
}

/* pctab: deduplicated pc-value tables; byte 0 is padding so no real table
 * has offset 0 (cmd/link generatePctab). */
static int build_pctab(builder *b, size_t i)
{
	const gofn_mb_func *f = &b->u->funcs[i];
	func_offs *o = &b->fo[i];
	const int64_t any_lo = INT32_MIN, any_hi = INT32_MAX;
	if (add_pc(b, f, "pcsp", f->pcsp, any_lo, any_hi, &o->pcsp) < 0 ||
	    add_pc(b, f, "pcfile", f->pcfile, 0, (int64_t)cu_nfiles(b->u, f) - 1, &o->pcfile) < 0 ||
	    add_pc(b, f, "pcline", f->pcline, any_lo, any_hi, &o->pcln) < 0)
		return -1;
	for (uint32_t k = 0; k < f->npcdata; k++)
		if (add_pc(b, f, "pcdata", f->pcdata[k], any_lo, any_hi, &o->pcdata[k]) < 0)
			return -1;
	if (f->ninl > 0 && add_pc(b, f, "pcinline", f->pcinline, -1, (int64_t)f->ninl - 1,
				  &o->pcdata[GORT_PCDATA_InlTreeIndex]) < 0)
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
static int build_funcdata(builder *b, size_t i)
{
	const gofn_mb_func *f = &b->u->funcs[i];
	func_offs *o = &b->fo[i];
	for (uint32_t k = 0; k < o->nfuncdata; k++) {
		o->funcdata[k] = GORT_NOFUNCDATA;
		if (f->ninl > 0 && k == GORT_FUNCDATA_InlTree) {
			if (add_inltree(b, f, &o->funcdata[k]) < 0)
				return -1;
			continue;
		}
		if (k >= f->nfuncdata || !f->funcdata[k].p)
			continue;
		if (f->funcdata[k].n == 0 || f->funcdata[k].n > PART_LIMIT)
			return gofn_errf(b->err, GOFN_EINVAL, "function %s: funcdata %u size %zu",
					 f->name, k, f->funcdata[k].n);
		if (pcln_tab_add(&b->gofunc, f->funcdata[k].p, f->funcdata[k].n, 0, 8, 1,
				 &o->funcdata[k], b->err) < 0)
			return -1;
	}
	return 0;
}

static size_t align_up(size_t x, size_t a)
{
	return (x + a - 1) / a * a;
}

static size_t func_record_size(const func_offs *o)
{
	return sizeof(gort_func) + 4 * (size_t)o->npcdata + 4 * (size_t)o->nfuncdata;
}

static void write_func(builder *b, size_t i, uint8_t *rec)
{
	const gofn_mb_func *f = &b->u->funcs[i];
	const func_offs *o = &b->fo[i];
	gort_func fn;
	memset(&fn, 0, sizeof fn);
	fn.entry_off = (uint32_t)(f->entry - b->u->text.start);
	fn.name_off = (int32_t)o->nameoff;
	fn.args = f->args;
	fn.deferreturn = f->deferreturn;
	fn.pcsp = o->pcsp;
	fn.pcfile = o->pcfile;
	fn.pcln = o->pcln;
	fn.npcdata = o->npcdata;
	fn.cu_offset = f->cu == GOFN_MB_NOCU ? UINT32_MAX : b->cuoffs[f->cu];
	fn.start_line = f->start_line;
	fn.funcid = f->funcid;
	fn.flag = f->flag;
	fn.nfuncdata = (uint8_t)o->nfuncdata;
	memcpy(rec, &fn, sizeof fn);
	memcpy(rec + sizeof fn, o->pcdata, 4 * (size_t)o->npcdata);
	memcpy(rec + sizeof fn + 4 * (size_t)o->npcdata, o->funcdata, 4 * (size_t)o->nfuncdata);
}

/* functab: nfunc (entryoff, funcoff) pairs, the end-pc sentinel, then the
 * 8-aligned _func records (cmd/link calculateFunctabSize, writePCToFunc,
 * writeFuncs). */
static int build_functab(builder *b)
{
	const gofn_mb_unit *u = b->u;
	size_t n = u->nfuncs, size = n * sizeof(gort_functab) + 4;
	for (size_t i = 0; i < n; i++) {
		size = align_up(size, GORT_PTRSIZE);
		b->fo[i].funcoff = (uint32_t)size;
		size += func_record_size(&b->fo[i]);
		if (size > PART_LIMIT)
			return gofn_errf(b->err, GOFN_ELIMIT, "functab too large");
	}
	b->functab = calloc(1, size);
	if (!b->functab)
		return gofn_errf(b->err, GOFN_ENOMEM, "functab: out of memory");
	b->functab_len = size;
	for (size_t i = 0; i < n; i++) {
		gort_functab ft = {(uint32_t)(u->funcs[i].entry - u->text.start), b->fo[i].funcoff};
		memcpy(b->functab + i * sizeof ft, &ft, sizeof ft);
		write_func(b, i, b->functab + b->fo[i].funcoff);
	}
	const gofn_mb_func *last = &u->funcs[n - 1];
	uint32_t end = (uint32_t)(last->entry + last->size - u->text.start);
	memcpy(b->functab + n * sizeof(gort_functab), &end, 4);
	return 0;
}

static int build_findfunctab(builder *b)
{
	const gofn_mb_unit *u = b->u;
	uintptr_t minpc = u->funcs[0].entry;
	const gofn_mb_func *last = &u->funcs[u->nfuncs - 1];
	uint64_t max_off = last->entry + last->size - minpc;
	uint64_t *entry = malloc(u->nfuncs * sizeof *entry);
	if (!entry)
		return gofn_errf(b->err, GOFN_ENOMEM, "findfunctab: out of memory");
	for (size_t i = 0; i < u->nfuncs; i++)
		entry[i] = u->funcs[i].entry - minpc;
	b->findfunctab_len = gofn_findfunctab_size(max_off);
	b->findfunctab = calloc(1, b->findfunctab_len);
	int rc = b->findfunctab
		     ? gofn_findfunctab_fill(entry, u->nfuncs, max_off, b->findfunctab, b->err)
		     : gofn_errf(b->err, GOFN_ENOMEM, "findfunctab: out of memory");
	free(entry);
	return rc;
}

/* Places one part at the next `align` boundary of the layout. */
static size_t place(size_t *cursor, size_t len, size_t align)
{
	size_t off = align_up(*cursor, align);
	*cursor = off + len;
	return off;
}

/* Empty parts may have no buffer at all. */
static void put(uint8_t *buf, size_t off, const void *p, size_t n)
{
	if (n)
		memcpy(buf + off, p, n);
}

static int assemble(builder *b, gofn_pcln *out)
{
	size_t cur = sizeof(gort_pcheader);
	out->funcnametab_off = place(&cur, out->funcnametab_len = b->names.len, 1);
	out->cutab_off = place(&cur, 4 * (out->cutab_n = b->cutab_n), 4);
	out->filetab_off = place(&cur, out->filetab_len = b->files.len, 1);
	out->pctab_off = place(&cur, out->pctab_len = b->pctab.len, 1);
	out->functab_off = place(&cur, out->functab_len = b->functab_len, GORT_PTRSIZE);
	out->findfunctab_off = place(&cur, out->findfunctab_len = b->findfunctab_len, 4);
	out->gofunc_off = place(&cur, b->gofunc.len, GORT_PTRSIZE);
	out->len = cur;
	out->buf = calloc(1, out->len);
	if (!out->buf)
		return gofn_errf(b->err, GOFN_ENOMEM, "pclntab: out of memory");
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
	put(out->buf, 0, &h, sizeof h);
	put(out->buf, out->funcnametab_off, b->names.p, b->names.len);
	put(out->buf, out->cutab_off, b->cutab, 4 * b->cutab_n);
	put(out->buf, out->filetab_off, b->files.p, b->files.len);
	put(out->buf, out->pctab_off, b->pctab.p, b->pctab.len);
	put(out->buf, out->functab_off, b->functab, b->functab_len);
	put(out->buf, out->findfunctab_off, b->findfunctab, b->findfunctab_len);
	put(out->buf, out->gofunc_off, b->gofunc.p, b->gofunc.len);
	out->nfunc = b->u->nfuncs;
	out->text = b->u->text.start;
	out->minpc = b->u->funcs[0].entry;
	out->maxpc = b->u->funcs[b->u->nfuncs - 1].entry + b->u->funcs[b->u->nfuncs - 1].size;
	return 0;
}

static int build_parts(builder *b)
{
	if (alloc_offsets(b) < 0 || build_names(b) < 0 || build_files(b) < 0 ||
	    pcln_tab_zero(&b->pctab, 1, b->err) < 0)
		return -1;
	for (size_t i = 0; i < b->u->nfuncs; i++)
		if (build_pctab(b, i) < 0 || build_funcdata(b, i) < 0)
			return -1;
	return build_functab(b) < 0 || build_findfunctab(b) < 0 ? -1 : 0;
}

static void builder_free(builder *b)
{
	pcln_tab_free(&b->names);
	pcln_tab_free(&b->files);
	pcln_tab_free(&b->pctab);
	pcln_tab_free(&b->gofunc);
	free(b->cutab);
	free(b->cuoffs);
	free(b->offs);
	free(b->fo);
	free(b->functab);
	free(b->findfunctab);
}

int gofn_pcln_build(const gofn_mb_unit *u, gofn_pcln *out, gofn_err *err)
{
	memset(out, 0, sizeof *out);
	if (validate_unit(u, err) < 0)
		return -1;
	builder b = {.u = u, .err = err};
	pcln_tab_init(&b.names, PART_LIMIT);
	pcln_tab_init(&b.files, PART_LIMIT);
	pcln_tab_init(&b.pctab, PART_LIMIT);
	pcln_tab_init(&b.gofunc, PART_LIMIT);
	b.fo = calloc(u->nfuncs, sizeof *b.fo);
	int rc = b.fo ? build_parts(&b) : gofn_errf(err, GOFN_ENOMEM, "pclntab: out of memory");
	if (rc == 0)
		rc = assemble(&b, out);
	builder_free(&b);
	if (rc < 0)
		gofn_pcln_free(out);
	return rc;
}

void gofn_pcln_free(gofn_pcln *p)
{
	free(p->buf);
	memset(p, 0, sizeof *p);
}
