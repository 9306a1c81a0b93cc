/* Reachability over the unit, as cmd/link/internal/ld/deadcode.go does
 * for a whole program but simpler: the roots are the symbols the unit's
 * packages define themselves (not dupok, not content-hashed); edges are
 * relocations that need an address and the aux symbols whose address
 * the module needs (Gotype, funcdata). A loaded copy no root reaches is
 * skipped: not laid out, not relocated, never asked to resolve against
 * the host. FuncInfo and the pc tables are not edges: the module builder
 * reads them from the object (goobj_funcinfo_get, link_describe.c
 * aux_bytes) and writes the pclntab from them, as cmd/link does; laying
 * them out copied ~270 KB of the large object nobody read there. */
#include "loader/link_internal.h"

#include <stdlib.h>

#include "loader/release_obj.h"

typedef struct stack {
	uint32_t *v;
	size_t n, cap;
} stack;

static int push(gofn_link *l, stack *s, uint32_t owner)
{
	lk_sym *ls = &l->objs[owner >> 24].syms[owner & (LK_MAX_SYMS - 1)];
	if (ls->live || ls->sect >= LK_NSECT)
		return 0;
	ls->live = 1;
	if (s->n == s->cap) {
		size_t c = s->cap ? s->cap * 2 : 256;
		uint32_t *v = realloc(s->v, c * sizeof *v);
		if (!v)
			return -1;
		s->v = v;
		s->cap = c;
	}
	s->v[s->n++] = owner;
	return 0;
}

/* Marker relocations need no address: following them would keep what
 * only the static linker cares about. */
static int is_edge(unsigned type)
{
	switch (type & ~GOREL_R_WEAK) {
	case GOREL_R_USEFIELD:
	case GOREL_R_USETYPE:
	case GOREL_R_USEIFACE:
	case GOREL_R_USEIFACEMETHOD:
	case GOREL_R_USENAMEDMETHOD:
	case GOREL_R_CALLIND:
		return 0;
	default:
		return 1;
	}
}

/* DWARF is never loaded; FuncInfo and pc tables are read in the object. */
static int aux_is_edge(unsigned a)
{
	if (a >= GOREL_AUX_DWARFINFO && a <= GOREL_AUX_DWARFLINES)
		return 0;
	return a != GOREL_AUX_FUNCINFO && (a < GOREL_AUX_PCSP || a > GOREL_AUX_PCDATA);
}

static int visit(gofn_link *l, stack *s, uint32_t owner)
{
	size_t oi = owner >> 24;
	const goobj_object *o = l->objs[oi].o;
	const goobj_sym *sym = &o->syms[owner & (LK_MAX_SYMS - 1)];
	const goobj_reloc *rel = goobj_sym_relocs(o, sym);
	const goobj_aux *aux = goobj_sym_auxs(o, sym);
	uint32_t t;

	for (uint32_t k = 0, n = goobj_sym_nrelocs(o, sym); k < n; k++)
		if (is_edge(rel[k].type) && lk_unit_target(l, oi, rel[k].sym, &t) && push(l, s, t))
			return -1;
	for (uint32_t k = 0, n = goobj_sym_nauxs(o, sym); k < n; k++) {
		if (!aux_is_edge(aux[k].type))
			continue;
		if (lk_unit_target(l, oi, aux[k].sym, &t) && push(l, s, t))
			return -1;
	}
	return 0;
}

int lk_deadcode(gofn_link *l, gofn_err *err)
{
	stack s = {0};
	int rc = 0;

	for (size_t oi = 0; oi < l->nobjs && !rc; oi++) {
		const goobj_object *o = l->objs[oi].o;
		for (uint32_t i = 0; i < o->ndefined && !rc; i++) {
			const goobj_sym *sym = &o->syms[i];
			if (sym->cls != GOOBJ_DEF || (sym->flag & GOOBJ_SYMFLAG_DUPOK))
				continue;
			rc = push(l, &s, l->objs[oi].syms[i].owner);
		}
	}
	while (s.n && !rc)
		rc = visit(l, &s, s.v[--s.n]);
	free(s.v);
	if (rc)
		return gofn_errf(err, GOFN_ENOMEM, "deadcode: out of memory");
	for (size_t oi = 0; oi < l->nobjs; oi++)
		for (uint32_t i = 0; i < l->objs[oi].o->ndefined; i++) {
			lk_sym *ls = &l->objs[oi].syms[i];
			if (ls->sect < LK_NSECT && ls->owner == LK_OWNER(oi, i) && !ls->live)
				ls->sect = LK_SKIP;
		}
	return 0;
}
