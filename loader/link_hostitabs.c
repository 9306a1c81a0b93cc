/* The host's itabs by linker name, "go:itab.T,I" without the prefix.
 * Up to Go 1.26 the ELF symbol table names them; since 1.27 cmd/link keeps
 * them in the types section without symbols, so a loaded reference to the
 * host's itab (which host code compares against) is found here: each itab
 * of the runtime's table (gorel_host_itabs) named from its concrete and
 * interface types (gofn_hosttypes_name, cmd/compile's LinkString). */
#include "loader/link_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/release_rt.h"

typedef struct itab_entry {
	char *name;
	const void *itab;
} itab_entry;

typedef struct itab_index {
	itab_entry *v; /* sorted by name */
	size_t n, cap;
	int oom;
} itab_index;

typedef struct collect {
	const gofn_hosttypes *h;
	itab_index *ix;
} collect;

static int add_itab(void *ctx, const gort_itab *it)
{
	collect *c = ctx;
	const char *tn = gofn_hosttypes_name(c->h, it->type);
	const char *in = gofn_hosttypes_name(c->h, it->inter);
	if (!tn || !in)
		return 0; /* not nameable: no object can ask for it by name */
	if (c->ix->n == c->ix->cap) {
		size_t cap = c->ix->cap ? 2 * c->ix->cap : 256;
		itab_entry *v = realloc(c->ix->v, cap * sizeof *v);
		if (!v)
			return c->ix->oom = 1;
		c->ix->v = v;
		c->ix->cap = cap;
	}
	size_t len = strlen(tn) + 1 + strlen(in) + 1;
	char *name = malloc(len);
	if (!name)
		return c->ix->oom = 1;
	snprintf(name, len, "%s,%s", tn, in);
	c->ix->v[c->ix->n++] = (itab_entry){name, it};
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const itab_entry *)a)->name, ((const itab_entry *)b)->name);
}

static itab_index self_ix;
static const gofn_hosttypes *self_h;
static pthread_once_t self_once = PTHREAD_ONCE_INIT;

static void build_self(void)
{
	const gofn_symtab *st = gofn_symtab_self(NULL);
	const gofn_hostsym *fm = st ? gofn_symtab_find(st, "runtime.firstmoduledata", 23) : NULL;
	if (!fm)
		return;
	collect c = {self_h, &self_ix};
	gorel_host_itabs((const gort_moduledata *)(uintptr_t)fm->addr, add_itab, &c);
	qsort(self_ix.v, self_ix.n, sizeof *self_ix.v, by_name);
}

const void *gofn_hostitabs_find(const gofn_hosttypes *h, const char *name, size_t len)
{
	if (h != gofn_hosttypes_self(NULL))
		return NULL; /* the index describes the running host only */
	self_h = h;
	pthread_once(&self_once, build_self);
	size_t lo = 0, hi = self_ix.n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strncmp(self_ix.v[mid].name, name, len);
		if (c == 0 && self_ix.v[mid].name[len] != 0)
			c = 1;
		if (c == 0)
			return self_ix.v[mid].itab;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
