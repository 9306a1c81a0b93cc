/* FuncInfo aux data of a text symbol, decoded with every count and index
 * checked. Encoding: $GOROOT/src/cmd/internal/goobj/funcinfo.go. */
#include <string.h>

#include "loader/goobj_internal.h"

/* The local symbol holding `sym`'s FuncInfo, or -1 if it has none. */
static long funcinfo_sym(const goobj_object *o, const goobj_sym *s, gofn_err *err)
{
	const goobj_aux *aux = goobj_sym_auxs(o, s);
	for (uint32_t k = 0, n = goobj_sym_nauxs(o, s); k < n; k++) {
		goobj_target t;
		if (aux[k].type != GOREL_AUX_FUNCINFO)
			continue;
		if (goobj_resolve(o, aux[k].sym, &t, err) < 0)
			return -1;
		if (t.kind != GOOBJ_TARGET_LOCAL || t.local >= o->ndefined)
			return gofn_errf(err, GOFN_EINVAL,
					 "FuncInfo aux %u is not defined in this object", k);
		return (long)t.local;
	}
	return -2;
}

static int check_inl(const goobj_object *o, const goobj_funcinfo *fi, gofn_err *err)
{
	for (uint32_t k = 0; k < fi->ninl; k++) {
		goobj_inlnode n;
		goobj_funcinfo_inl(fi, k, &n);
		if (n.parent < -1 || (n.parent >= 0 && (uint32_t)n.parent >= k))
			return gofn_errf(err, GOFN_EINVAL,
					 "inline node %u: parent %d is not an earlier node", k,
					 n.parent);
		if (n.file >= o->nfiles)
			return gofn_errf(err, GOFN_EINVAL,
					 "inline node %u: file %u out of range (%u files)", k,
					 n.file, o->nfiles);
		if (goobj_check_symref(o, n.func, err) < 0)
			return gofn_errctx(err, "inline node %u: func", k);
	}
	return 0;
}

int goobj_funcinfo_get(const goobj_object *o, uint32_t symi, goobj_funcinfo *fi, gofn_err *err)
{
	const goobj_sym *s;
	const uint8_t *b;
	uint64_t need;
	uint32_t n;
	long fs;
	char d[128];

	if (symi >= o->ndefined)
		return gofn_errf(err, GOFN_EINVAL,
				 "%s: FuncInfo of symbol %u: not a defined symbol", o->name, symi);
	s = &o->syms[symi];
	fs = funcinfo_sym(o, s, err);
	if (fs == -2)
		return 0;
	if (fs < 0)
		return gofn_errctx(err, "%s: %s", o->name, goobj_symdesc(o, symi, d, sizeof d));
	b = goobj_sym_data(o, &o->syms[fs], &n);
	memset(fi, 0, sizeof *fi);
	if (n < GOREL_FUNCINFO_NUMFILE_OFF + 4)
		goto trunc;
	fi->args = goobj_le32(b);
	fi->locals = goobj_le32(b + 4);
	fi->funcid = b[8];
	fi->funcflag = b[9];
	fi->startline = (int32_t)goobj_le32(b + 12);
	fi->nfiles = goobj_le32(b + GOREL_FUNCINFO_NUMFILE_OFF);
	need = GOREL_FUNCINFO_NUMFILE_OFF + 4 + 4 * (uint64_t)fi->nfiles + 4;
	if (need > n)
		goto trunc;
	fi->files_raw = b + GOREL_FUNCINFO_NUMFILE_OFF + 4;
	fi->ninl = goobj_le32(b + need - 4);
	fi->inl_raw = b + need;
	if (need + (uint64_t)fi->ninl * GOREL_INLNODE_SIZE > n)
		goto trunc;
	for (uint32_t k = 0; k < fi->nfiles; k++)
		if (goobj_funcinfo_file(fi, k) >= o->nfiles)
			return gofn_errf(err, GOFN_EINVAL,
					 "%s: %s: FuncInfo file %u is %u, object has %u files",
					 o->name, goobj_symdesc(o, symi, d, sizeof d), k,
					 goobj_funcinfo_file(fi, k), o->nfiles);
	if (check_inl(o, fi, err) < 0)
		return gofn_errctx(err, "%s: %s: FuncInfo", o->name,
				   goobj_symdesc(o, symi, d, sizeof d));
	return 1;
trunc:
	return gofn_errf(err, GOFN_EINVAL, "%s: %s: FuncInfo (%u bytes) truncated", o->name,
			 goobj_symdesc(o, symi, d, sizeof d), n);
}

uint32_t goobj_funcinfo_file(const goobj_funcinfo *fi, uint32_t k)
{
	return goobj_le32(fi->files_raw + 4 * k);
}

void goobj_funcinfo_inl(const goobj_funcinfo *fi, uint32_t k, goobj_inlnode *out)
{
	const uint8_t *p = fi->inl_raw + (size_t)k * GOREL_INLNODE_SIZE;

	out->parent = (int32_t)goobj_le32(p);
	out->file = goobj_le32(p + 4);
	out->line = (int32_t)goobj_le32(p + 8);
	out->func = goobj_symref_at(p + 12);
	out->parent_pc = (int32_t)goobj_le32(p + 20);
}
