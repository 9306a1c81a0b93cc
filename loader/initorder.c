/* Package initialisation of a unit in dependency order. Since Go 1.21 the
 * static linker orders init tasks (cmd/link/internal/ld/inittask.go); a
 * run-time linker has to do it itself: a package of the unit initialises
 * after every unit package it imports (its Autolib list). Host packages
 * were initialised when the worker started, and their tasks are never
 * run again (the initTask state says so). */
#include "loader/initorder.h"
#include "loader/ident.h"

#include <stdlib.h>
#include <string.h>

static int pkg_eq(goobj_str a, goobj_str b)
{
	return a.len == b.len && memcmp(a.p, b.p, a.len) == 0;
}

static goobj_str pkg_of(const goobj_object *o)
{
	if (o->pkgpath.len)
		return o->pkgpath;
	return (goobj_str){"main", 4};
}

/* Depth-first post-order over unit imports; state 1 = on stack. */
static int visit(const gofn_link *l, size_t i, uint8_t *state, size_t *order, size_t *n,
		 gofn_err *err)
{
	const goobj_object *o = l->objs[i].o;
	if (state[i] == 2)
		return 0;
	if (state[i] == 1)
		return gofn_errf(err, GOFN_EINVAL, "import cycle through %.*s", (int)pkg_of(o).len,
				 pkg_of(o).p);
	state[i] = 1;
	for (uint32_t k = 0; k < o->nautolib; k++)
		for (size_t j = 0; j < l->nobjs; j++)
			if (j != i && pkg_eq(o->autolib[k].pkg, pkg_of(l->objs[j].o)) &&
			    visit(l, j, state, order, n, err))
				return -1;
	state[i] = 2;
	order[(*n)++] = i;
	return 0;
}

int gofn_init_order(const gofn_link *l, size_t *order, gofn_err *err)
{
	uint8_t *state = calloc(l->nobjs ? l->nobjs : 1, 1);
	size_t n = 0;
	int rc = 0;

	if (!state)
		return gofn_errf(err, GOFN_ENOMEM, "init order: out of memory");
	for (size_t i = 0; i < l->nobjs && !rc; i++)
		rc = visit(l, i, state, order, &n, err);
	free(state);
	return rc;
}

uintptr_t gofn_init_task(const gofn_link *l, size_t oi)
{
	const goobj_object *o = l->objs[oi].o;
	goobj_str pkg = pkg_of(o);
	static const char suffix[] = "..inittask";
	size_t sl = sizeof suffix - 1;
	char pre[1024]; /* the path as symbol names spell it: x/lib%2ev2..inittask */
	size_t pl = gofn_path_to_prefix(pkg.p, pkg.len, pre, sizeof pre);

	for (uint32_t i = 0; pl && i < o->ndefined; i++) {
		const goobj_sym *s = &o->syms[i];
		if (s->name.len != pl + sl || memcmp(s->name.p, pre, pl) != 0 ||
		    memcmp(s->name.p + pl, suffix, sl) != 0)
			continue;
		const lk_sym *ls = &l->objs[oi].syms[i];
		return ls->done ? ls->addr : 0;
	}
	return 0;
}
