#include "loader/pcln_inlname.h"

#include <string.h>

#include "loader/release_obj.h"

/* cmd/internal/objabi/reloctype.go R_DWARFSECREF; cmd/internal/dwarf/dwarf.go
 * abbrev codes (DW_ABRV_NULL = 0, ...). */
enum {
	R_DWARFSECREF = 31,
	ABRV_INLINED_SUBROUTINE = 8,	    /* origin, low_pc addr, high_pc addr, file, line */
	ABRV_INLINED_SUBROUTINE_RANGES = 9, /* origin, ranges sec_offset, file, line */
	ABRV_FUNCTION_ABSTRACT = 5,	    /* name string, inline data1, decl_line udata, ... */
};

static const char info_prefix[] = "go:info.";
static const char abstract_suffix[] = "$abstract";

/* One inlined-subroutine DIE: its call site and its callee's name. */
typedef struct inl_die {
	uint32_t file; /* CU file index (DW_AT_call_file - 1) */
	uint32_t line;
	goobj_str callee;
	int32_t start_line; /* from the callee's abstract DIE; 0 if unknown */
} inl_die;

static int uleb32(const uint8_t *p, const uint8_t *end, uint32_t *v)
{
	uint32_t x = 0;
	for (unsigned shift = 0; p < end && shift < 35; shift += 7, p++) {
		x |= (uint32_t)(*p & 0x7f) << shift;
		if (!(*p & 0x80)) {
			*v = x;
			return 0;
		}
	}
	return -1;
}

/* "go:info.<name>$abstract" -> "<name>". */
static int callee_of(goobj_str t, goobj_str *name)
{
	size_t pl = sizeof info_prefix - 1, sl = sizeof abstract_suffix - 1;
	if (t.len <= pl + sl || memcmp(t.p, info_prefix, pl) != 0 ||
	    memcmp(t.p + t.len - sl, abstract_suffix, sl) != 0)
		return -1;
	name->p = t.p + pl;
	name->len = (uint32_t)(t.len - pl - sl);
	return 0;
}

/* DW_AT_decl_line of an abstract function DIE: abbrev, name NUL, inline
 * byte, then the line. */
static int32_t decl_line(const goobj_object *o, const goobj_target *t)
{
	uint32_t line;
	if (t->kind != GOOBJ_TARGET_LOCAL || t->local >= o->ndefined)
		return 0;
	const goobj_sym *s = &o->syms[t->local];
	uint32_t n;
	const uint8_t *p = goobj_sym_data(o, s, &n), *end = p + n;
	if (!p || p == end || *p != ABRV_FUNCTION_ABSTRACT)
		return 0;
	const uint8_t *nul = memchr(p + 1, 0, (size_t)(end - p - 1));
	if (!nul || end - nul < 3 || uleb32(nul + 2, end, &line) < 0 || line > INT32_MAX)
		return 0;
	return (int32_t)line;
}

/* Decodes the DIE whose abstract-origin relocation is r, if it is an
 * inlined subroutine. */
static int die_at(const goobj_object *o, const goobj_sym *info, const goobj_reloc *r, inl_die *d)
{
	goobj_target t;
	if (r->type != R_DWARFSECREF || r->add != 0 || r->size != 4 || r->off < 1 ||
	    goobj_resolve(o, r->sym, &t, NULL) < 0 || callee_of(t.name, &d->callee) < 0)
		return -1;
	uint32_t n;
	const uint8_t *p = goobj_sym_data(o, info, &n), *end = p + n;
	size_t at = (size_t)r->off + 4;
	switch (p[r->off - 1]) {
	case ABRV_INLINED_SUBROUTINE_RANGES:
		at += 4;
		break;
	case ABRV_INLINED_SUBROUTINE:
		at += 16;
		break;
	default:
		return -1;
	}
	uint32_t file;
	if (at + 4 >= n)
		return -1;
	memcpy(&file, p + at, 4); /* little-endian host, as the loader requires */
	if (file == 0 || uleb32(p + at + 4, end, &d->line) < 0)
		return -1;
	d->file = file - 1;
	d->start_line = decl_line(o, &t);
	return 0;
}

static int dwarf_info_of(const goobj_object *o, uint32_t fn, const goobj_sym **info)
{
	const goobj_sym *s = &o->syms[fn];
	const goobj_aux *aux = goobj_sym_auxs(o, s);
	for (uint32_t k = 0, n = goobj_sym_nauxs(o, s); k < n; k++) {
		goobj_target t;
		if (aux[k].type != GOREL_AUX_DWARFINFO ||
		    goobj_resolve(o, aux[k].sym, &t, NULL) < 0 || t.kind != GOOBJ_TARGET_LOCAL ||
		    t.local >= o->ndefined || !goobj_sym_data_len(o, &o->syms[t.local]))
			continue;
		*info = &o->syms[t.local];
		return 0;
	}
	return -1;
}

/* Node k is the rank-th node with its (file, line); the answer is the
 * rank-th DIE with that call site, or any DIE there if all name one callee. */
goobj_str gofn_inl_callee_name(const goobj_object *o, uint32_t fn, const goobj_funcinfo *fi,
			       uint32_t k, int32_t *start_line)
{
	goobj_str none = {0};
	const goobj_sym *info;
	goobj_inlnode node;
	if (fn >= o->ndefined || k >= fi->ninl || dwarf_info_of(o, fn, &info) < 0)
		return none;
	goobj_funcinfo_inl(fi, k, &node);
	uint32_t rank = 0;
	for (uint32_t j = 0; j < k; j++) {
		goobj_inlnode n;
		goobj_funcinfo_inl(fi, j, &n);
		rank += n.file == node.file && n.line == node.line;
	}
	goobj_str first = none, ranked = none;
	int32_t first_line = 0, ranked_line = 0;
	int same = 1;
	uint32_t seen = 0;
	if (start_line)
		*start_line = 0;
	const goobj_reloc *rel = goobj_sym_relocs(o, info);
	for (uint32_t i = 0, n = goobj_sym_nrelocs(o, info); i < n; i++) {
		inl_die d;
		if (die_at(o, info, &rel[i], &d) < 0 || d.file != node.file ||
		    d.line != (uint32_t)node.line)
			continue;
		if (seen == 0)
			first = d.callee, first_line = d.start_line;
		else if (d.callee.len != first.len || memcmp(d.callee.p, first.p, first.len) != 0)
			same = 0;
		if (seen++ == rank)
			ranked = d.callee, ranked_line = d.start_line;
	}
	if (seen == 0)
		return none;
	if (start_line)
		*start_line = same ? first_line : ranked_line;
	return same ? first : ranked;
}
