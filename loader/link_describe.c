/* The linked unit as the module builder sees it (loader/modbuild.h):
 * functions in address order with their FuncInfo and raw pc-value tables,
 * one CU (file table) per object, globals with their Go types, loaded type
 * and itab descriptors. Everything allocated here hangs off one arena
 * list released by lk_describe_free. */
#include "loader/link_internal.h"

#include <stdlib.h>
#include <string.h>

#include "loader/bigalloc.h"
#include "loader/pcln_inlname.h"
#include "loader/release_obj.h"

typedef struct arena_blk {
	struct arena_blk *next;
	size_t used, cap;
	size_t big; /* the whole block's size when from gofn_big_alloc, else 0 */
	int dirty;  /* a big block not known to be zero: aalloc clears */
	max_align_t data[];
} arena_blk;

#define ARENA_BLOCK ((size_t)64 << 10)

/* The first block of a large unit's description, sized from lk_describe's
 * count (bigalloc.h: a big one is on huge pages, so a fresh worker does
 * not fault ~1.5 MB of calloc'd heap in 4 KiB at a time, ~360 faults for
 * the 10.6 MiB object). One kept from an earlier load is not cleared as a
 * whole: aalloc clears what it hands out. */
static int arena_reserve(lk_desc *d, size_t n)
{
	size_t total = sizeof(arena_blk) + n;
	int zeroed;
	arena_blk *b = gofn_big_alloc(total, &zeroed);
	if (!b)
		return -1;
	*b = (arena_blk){.next = d->arena, .cap = n, .big = total, .dirty = !zeroed};
	d->arena = b;
	return 0;
}

/* Zeroed memory that lives until lk_describe_free: bump allocation from
 * 64 KiB blocks (a calloc per name and per table was a visible part of
 * describing thousands of functions); big requests get their own block. */
static void *aalloc(lk_desc *d, size_t n)
{
	arena_blk *b = d->arena;
	n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	if (!n)
		n = sizeof(max_align_t);
	if (!b || b->cap - b->used < n) {
		size_t cap = n > ARENA_BLOCK / 4 ? n : ARENA_BLOCK;
		if (!(b = calloc(1, sizeof *b + cap)))
			return NULL;
		b->cap = cap;
		if (cap == n && d->arena) { /* keep filling the current block */
			arena_blk *cur = d->arena;
			b->next = cur->next;
			cur->next = b;
		} else {
			b->next = d->arena;
			d->arena = b;
		}
	}
	void *p = (char *)b->data + b->used;
	b->used += n;
	return b->dirty ? memset(p, 0, n) : p;
}

static char *astrdup(lk_desc *d, const char *s, size_t n)
{
	char *p = aalloc(d, n + 1);
	if (p)
		memcpy(p, s, n);
	return p;
}

void lk_describe_free(lk_desc *d)
{
	arena_blk *b = d->arena;
	while (b) {
		arena_blk *n = b->next;
		if (b->big)
			gofn_big_free(b, b->big);
		else
			free(b);
		b = n;
	}
	memset(d, 0, sizeof *d);
}

/* The bytes of a local aux symbol (pc tables live in the object): those
 * of the copy the link chose for its content hash (choose_hashed_owners),
 * so that equal tables reach the module builder at one address and it
 * finds them by address instead of hashing each copy (pcln.c add_pc; the
 * funcdata already came that way). The owner's bytes start with the
 * symbol's own when their hashes agree (a hash64 is the content zero-
 * padded); an owner shorter than the symbol keeps the symbol's own. */
static gofn_mb_bytes aux_bytes(gofn_link *l, size_t oi, goobj_symref r)
{
	const goobj_object *o = l->objs[oi].o;
	uint32_t loc, n, on;
	gofn_mb_bytes b = {0};
	if (!goobj_local_of(o, r, &loc) || loc >= o->ndefined)
		return b;
	b.p = goobj_sym_data(o, &o->syms[loc], &n);
	b.n = n;
	uint32_t owner = l->objs[oi].syms[loc].owner;
	if (owner != LK_OWNER(oi, loc)) {
		const goobj_object *oo = l->objs[owner >> 24].o;
		const uint8_t *op = goobj_sym_data(oo, &oo->syms[owner & (LK_MAX_SYMS - 1)], &on);
		if (op && on >= n)
			b.p = op;
	}
	return b;
}

/* Funcdata must be the relocated copy: stack object records carry
 * R_ADDROFF offsets to their gcdata. */
static gofn_mb_funcdata funcdata_of(gofn_link *l, size_t oi, goobj_symref r)
{
	uintptr_t a;
	gofn_mb_funcdata fd = {0};
	if (r.pkg == 0) /* nil (or an invalid ref, which lk_target_addr refuses too) */
		return fd;
	if (lk_target_addr(l, oi, r, 1, &a, NULL) || !a)
		return fd;
	fd.p = (const uint8_t *)a;
	/* The size is the defining symbol's: an assembly function's args
	 * stack map (F.args_stackmap) is defined by the package's Go object,
	 * another object of the unit, and only referenced by name here. */
	uint32_t owner;
	if (lk_unit_target(l, oi, r, &owner))
		fd.n = l->objs[owner >> 24].o->syms[owner & (LK_MAX_SYMS - 1)].size;
	return fd;
}

/* A call to the builtin runtime.deferreturn is known by its index, and
 * one to a function of the unit cannot be the host's (the unit may not
 * define package runtime: check_packages): only the rest is resolved,
 * instead of every call of every function. */
static uint32_t deferreturn_off(gofn_link *l, size_t oi, const goobj_sym *s)
{
	const goobj_object *o = l->objs[oi].o;
	const goobj_reloc *rel = goobj_sym_relocs(l->objs[oi].o, s);
	for (uint32_t k = 0, n = goobj_sym_nrelocs(l->objs[oi].o, s); k < n; k++) {
		const goobj_reloc *r = &rel[k];
		uintptr_t a;
		uint32_t loc;
		if (r->type != GOREL_R_CALL || !l->deferreturn)
			continue;
		if (r->sym.pkg == GOOBJ_PKG_BUILTIN) {
			if (r->sym.idx != l->deferreturn_builtin)
				continue;
		} else if (goobj_local_of(o, r->sym, &loc) && loc < o->ndefined) {
			continue;
		}
		if (lk_target_addr(l, oi, r->sym, 1, &a, NULL) == 0 && a == l->deferreturn)
			return (uint32_t)(r->off -
					  1); /* pcln.go computeDeferReturn: the CALL opcode */
	}
	return 0;
}

static int describe_inl(gofn_link *l, lk_desc *d, size_t oi, uint32_t fn, const goobj_funcinfo *fi,
			gofn_mb_func *f)
{
	const goobj_object *o = l->objs[oi].o;
	gofn_mb_inl *v = aalloc(d, fi->ninl * sizeof *v);
	if (!v)
		return -1;
	for (uint32_t k = 0; k < fi->ninl; k++) {
		goobj_inlnode n;
		goobj_target t = {0};
		goobj_funcinfo cfi;
		goobj_funcinfo_inl(fi, k, &n);
		v[k].file = n.file;
		v[k].parent_pc = n.parent_pc;
		v[k].callee = "?";
		if (goobj_resolve(o, n.func, &t, NULL) == 0 && !t.name.len) /* cross-package */
			t.name = gofn_inl_callee_name(o, fn, fi, k, &v[k].callee_start_line);
		if (t.name.len && !(v[k].callee = astrdup(d, t.name.p, t.name.len)))
			return -1;
		if (t.kind == GOOBJ_TARGET_LOCAL && t.local < o->ndefined &&
		    goobj_funcinfo_get(o, t.local, &cfi, NULL) == 1) {
			v[k].callee_funcid = cfi.funcid;
			v[k].callee_start_line = cfi.startline;
		}
	}
	f->inl = v;
	f->ninl = fi->ninl;
	return 0;
}

static int describe_func(gofn_link *l, lk_desc *d, size_t oi, uint32_t i, gofn_mb_func *f,
			 gofn_err *err)
{
	const goobj_object *o = l->objs[oi].o;
	const goobj_sym *s = &o->syms[i];
	goobj_funcinfo fi;
	uint32_t npc = 0, nfd = 0;
	int has;

	f->name = astrdup(d, s->name.p, s->name.len);
	f->entry = l->objs[oi].syms[i].addr;
	f->size = s->size;
	f->cu = (uint32_t)oi;
	if (!f->name)
		return gofn_errf(err, GOFN_ENOMEM, "describe: out of memory");
	if ((has = goobj_funcinfo_get(o, i, &fi, err)) < 0)
		return -1;
	if (!has)
		return 0;
	f->args = (int32_t)fi.args;
	f->funcid = fi.funcid;
	f->flag = fi.funcflag;
	f->start_line = fi.startline;
	f->deferreturn = deferreturn_off(l, oi, s);
	const goobj_aux *aux = goobj_sym_auxs(o, s);
	uint32_t naux = goobj_sym_nauxs(o, s);
	for (uint32_t k = 0; k < naux; k++) {
		npc += aux[k].type == GOREL_AUX_PCDATA;
		nfd += aux[k].type == GOREL_AUX_FUNCDATA;
	}
	gofn_mb_bytes *pcd = aalloc(d, npc * sizeof *pcd);
	gofn_mb_funcdata *fd = aalloc(d, nfd * sizeof *fd);
	if (!pcd || !fd)
		return gofn_errf(err, GOFN_ENOMEM, "describe: out of memory");
	npc = nfd = 0;
	for (uint32_t k = 0; k < naux; k++) {
		const goobj_aux *a = &aux[k];
		switch (a->type) {
		case GOREL_AUX_PCSP:
			f->pcsp = aux_bytes(l, oi, a->sym);
			break;
		case GOREL_AUX_PCFILE:
			f->pcfile = aux_bytes(l, oi, a->sym);
			break;
		case GOREL_AUX_PCLINE:
			f->pcline = aux_bytes(l, oi, a->sym);
			break;
		case GOREL_AUX_PCINLINE:
			f->pcinline = aux_bytes(l, oi, a->sym);
			break;
		case GOREL_AUX_PCDATA:
			pcd[npc++] = aux_bytes(l, oi, a->sym);
			break;
		case GOREL_AUX_FUNCDATA:
			fd[nfd++] = funcdata_of(l, oi, a->sym);
			break;
		}
	}
	f->pcdata = pcd;
	f->npcdata = npc;
	f->funcdata = fd;
	f->nfuncdata = nfd;
	if (fi.ninl && describe_inl(l, d, oi, i, &fi, f))
		return gofn_errf(err, GOFN_ENOMEM, "describe: out of memory");
	return 0;
}

static int cmp_func(const void *a, const void *b)
{
	uintptr_t x = ((const gofn_mb_func *)a)->entry, y = ((const gofn_mb_func *)b)->entry;
	return x < y ? -1 : x > y;
}

/* Layout places a unit's functions in symbol order, so they are usually
 * in address order already: glibc's merge sort still compared 4,000 of
 * them ~48,000 times (0.9 M instructions). */
static int in_address_order(const gofn_mb_func *f, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (f[i - 1].entry > f[i].entry)
			return 0;
	return 1;
}

static int describe_cus(gofn_link *l, lk_desc *d)
{
	gofn_mb_cu *cus = aalloc(d, l->nobjs * sizeof *cus);
	if (!cus)
		return -1;
	for (size_t oi = 0; oi < l->nobjs; oi++) {
		const goobj_object *o = l->objs[oi].o;
		const char **files = aalloc(d, o->nfiles * sizeof *files);
		if (!files)
			return -1;
		for (uint32_t k = 0; k < o->nfiles; k++)
			if (!(files[k] = astrdup(d, o->files[k].p, o->files[k].len)))
				return -1;
		cus[oi].files = files;
		cus[oi].nfiles = o->nfiles;
	}
	d->u.cus = cus;
	d->u.ncus = l->nobjs;
	return 0;
}

/* The Go type of global s. An object names a type another package
 * defines (type:sync.Map) only by index into that package's symbols when
 * nothing but the Gotype aux refers to it: the compiler writes names for
 * relocation targets only (cmd/internal/obj/objfile.go refNames). The
 * index is then read back through the host's type index, checked against
 * the fingerprint the object's Autolib records for that package. */
static int gotype_addr(gofn_link *l, size_t oi, goobj_symref r, uintptr_t *ta, gofn_err *err)
{
	const goobj_object *o = l->objs[oi].o;
	goobj_target t;
	const void *p;

	if (goobj_resolve(o, r, &t, err))
		return -1;
	if (t.kind != GOOBJ_TARGET_EXTERN || t.name.len || !t.pkg.len)
		return lk_target_addr(l, oi, r, 0, ta, err);
	/* A type another package of the unit defines: the index is into that
	 * object's own symbol definitions. */
	for (size_t oj = 0; oj < l->nobjs; oj++) {
		const goobj_object *d = l->objs[oj].o;
		if (oj == oi || d->pkgpath.len != t.pkg.len ||
		    memcmp(d->pkgpath.p, t.pkg.p, t.pkg.len))
			continue;
		if (r.idx >= d->ndefined || d->syms[r.idx].cls != GOOBJ_DEF)
			return gofn_errf(
			    err, GOFN_EINVAL,
			    "a type of package %.*s named by index %u, which %s does not define",
			    (int)t.pkg.len, t.pkg.p, r.idx, d->name);
		return lk_target_addr(l, oj, (goobj_symref){GOOBJ_PKG_SELF, r.idx}, 0, ta, err);
	}
	if (!l->htypes)
		return lk_target_addr(l, oi, r, 0, ta, err);
	for (uint32_t k = 0; k < o->nautolib; k++) {
		const goobj_import *imp = &o->autolib[k];
		if (imp->pkg.len != t.pkg.len || memcmp(imp->pkg.p, t.pkg.p, t.pkg.len))
			continue;
		if (!(p = gofn_hosttypes_by_index(l->htypes, t.pkg.p, t.pkg.len, imp->fingerprint,
						  r.idx, err)))
			return -1;
		*ta = (uintptr_t)p;
		return 0;
	}
	return gofn_errf(err, GOFN_EUNRESOLVED,
			 "a type of package %.*s named only by index, and the object does not "
			 "list that package among its imports",
			 (int)t.pkg.len, t.pkg.p);
}

/* Counts (pass 0) or fills (pass 1) funcs, vars, typelinks and itabs;
 * pass 0 also adds up about what pass 1 will aalloc for a function (its
 * name and aux tables, twice over for the inline trees, which only the
 * FuncInfo tells) into *est. */
static int walk(gofn_link *l, lk_desc *d, int pass, size_t *nf, size_t *nv, size_t *nt, size_t *ni,
		size_t *est, gofn_err *err)
{
	gofn_mb_unit *u = &d->u;
	*nf = *nv = *nt = *ni = 0;
	for (size_t oi = 0; oi < l->nobjs; oi++) {
		lk_obj *ob = &l->objs[oi];
		for (uint32_t i = 0; i < ob->o->ndefined; i++) {
			const goobj_sym *s = &ob->o->syms[i];
			lk_sym *ls = &ob->syms[i];
			if (ls->sect >= LK_NSECT || ls->owner != LK_OWNER(oi, i))
				continue;
			/* A closure the compiler inlined everywhere stays as an empty
			 * text symbol; it has no code for the pc tables to cover. */
			if (ls->sect == LK_TEXT && s->size) {
				if (pass &&
				    describe_func(l, d, oi, i, (gofn_mb_func *)&u->funcs[*nf], err))
					return gofn_errctx(err, "%s: %.*s", ob->o->name,
							   (int)s->name.len, s->name.p);
				if (!pass)
					*est +=
					    2 * (sizeof(gofn_mb_func) + s->name.len + 32 +
						 goobj_sym_nauxs(ob->o, s) * sizeof(gofn_mb_bytes));
				(*nf)++;
			}
			if (ls->sect == LK_DATA || ls->sect == LK_BSS) {
				for (uint32_t k = 0; k < goobj_sym_nauxs(ob->o, s); k++) {
					uintptr_t ta;
					const goobj_aux *a = &goobj_sym_auxs(ob->o, s)[k];
					if (a->type != GOREL_AUX_GOTYPE)
						continue;
					if (pass) {
						if (gotype_addr(l, oi, a->sym, &ta, err))
							return gofn_errctx(err, "type of %.*s",
									   (int)s->name.len,
									   s->name.p);
						gofn_mb_var *v = (gofn_mb_var *)&u->vars[*nv];
						v->addr = ls->addr;
						v->size = s->size;
						v->gotype = (const void *)ta;
						v->name = astrdup(d, s->name.p, s->name.len);
					}
					(*nv)++;
					break;
				}
			}
			if (ls->sect == LK_RODATA && (s->flag & GOOBJ_SYMFLAG_TYPELINK)) {
				if (pass)
					((uintptr_t *)u->typelinks)[*nt] = ls->addr;
				(*nt)++;
			}
			if ((s->flag2 & GOREL_SYMFLAG2_ITAB) && ls->sect < LK_NSECT) {
				if (pass)
					((uintptr_t *)u->itabs)[*ni] = ls->addr;
				(*ni)++;
			}
		}
	}
	return 0;
}

int lk_describe(gofn_link *l, lk_desc *d, gofn_err *err)
{
	size_t nf, nv, nt, ni, est = 0;
	gofn_mb_unit *u = &d->u;

	memset(d, 0, sizeof *d);
	walk(l, d, 0, &nf, &nv, &nt, &ni, &est, err);
	est += nv * (sizeof *u->vars + 64) + (nt + ni) * sizeof(uintptr_t);
	if (est > ARENA_BLOCK && arena_reserve(d, est))
		return gofn_errf(err, GOFN_ENOMEM, "describe: out of memory");
	u->funcs = aalloc(d, nf * sizeof *u->funcs);
	u->vars = aalloc(d, nv * sizeof *u->vars);
	u->typelinks = aalloc(d, nt * sizeof *u->typelinks);
	u->itabs = aalloc(d, ni * sizeof *u->itabs);
	if (!u->funcs || !u->vars || !u->typelinks || !u->itabs || describe_cus(l, d))
		return gofn_errf(err, GOFN_ENOMEM, "describe: out of memory");
	if (walk(l, d, 1, &nf, &nv, &nt, &ni, &est, err))
		return -1;
	u->nfuncs = nf;
	u->nvars = nv;
	u->ntypelinks = nt;
	u->nitabs = ni;
	if (!in_address_order(u->funcs, nf))
		qsort((void *)u->funcs, nf, sizeof *u->funcs, cmp_func);
	u->text = l->sect[LK_TEXT];
	u->host_text = (gofn_mb_range){l->host->text_lo, l->host->text_hi};
	u->rodata = l->sect[LK_RODATA];
	u->types = l->sect[LK_RODATA];
	u->noptrdata = l->sect[LK_NOPTRDATA];
	u->data = l->sect[LK_DATA];
	u->bss = l->sect[LK_BSS];
	u->noptrbss = l->sect[LK_NOPTRBSS];
	return 0;
}
