/* The host's itabs by linker name, "go:itab.T,I" without the prefix.
 * Up to Go 1.26 the ELF symbol table names them; since 1.27 cmd/link keeps
 * them in the types section without symbols, so a loaded reference to the
 * host's itab (which host code compares against) is found here: each itab
 * of the runtime's table (gorel_host_itabs) named from its concrete and
 * interface types (gofn_hosttypes_name, cmd/compile's LinkString).
 * Naming them walks every host type (about 1.5 MB of names kept for the
 * worker's life), so the build precomputes the index into the host table
 * (hosttab.h) and a worker with the table only searches it. */
#include "loader/link_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/hosttab.h"
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

/* Orders an entry's name against name[0:len]. */
static int name_cmp(const char *entry, const char *name, size_t len)
{
	int c = strncmp(entry, name, len);
	return c == 0 && entry[len] != 0 ? 1 : c;
}

/* The precomputed index (hosttab.h), or NULL when the host has none. */
static const void *find_precomputed(const char *name, size_t len, int *have)
{
	const gofn_hosttype_rec *r;
	const char *names;
	size_t lo = 0, hi;

	if (!(*have = gofn_hosttab_itabs(&r, &hi, &names)))
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = name_cmp(names + r[mid].name, name, len);
		if (c == 0)
			return (const void *)(uintptr_t)r[mid].addr;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static const itab_index *walked_index(const gofn_hosttypes *h)
{
	self_h = h;
	pthread_once(&self_once, build_self);
	return &self_ix;
}

const void *gofn_hostitabs_find(const gofn_hosttypes *h, const char *name, size_t len)
{
	int have;
	if (h != gofn_hosttypes_self(NULL))
		return NULL; /* the index describes the running host only */
	const void *it = find_precomputed(name, len, &have);
	if (have)
		return it;
	const itab_index *ix = walked_index(h);
	size_t lo = 0, hi = ix->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = name_cmp(ix->v[mid].name, name, len);
		if (c == 0)
			return ix->v[mid].itab;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int gofn_hostitabs_export(gofn_hosttype_rec **recs, size_t *n, char **names, size_t *names_len,
			  gofn_err *err)
{
	const gofn_hosttypes *h = gofn_hosttypes_self(err);
	if (!h)
		return -1;
	const itab_index *ix = walked_index(h);
	size_t len = 0;
	for (size_t i = 0; i < ix->n; i++)
		len += strlen(ix->v[i].name) + 1;
	gofn_hosttype_rec *r = calloc(ix->n ? ix->n : 1, sizeof *r);
	char *nm = malloc(len ? len : 1);
	if (ix->oom || !r || !nm || len > UINT32_MAX) {
		free(r);
		free(nm);
		return gofn_errf(err, GOFN_ENOMEM, "host itabs: out of memory");
	}
	size_t off = 0;
	for (size_t i = 0; i < ix->n; i++) {
		size_t l = strlen(ix->v[i].name) + 1;
		memcpy(nm + off, ix->v[i].name, l);
		r[i] = (gofn_hosttype_rec){.addr = (uintptr_t)ix->v[i].itab, .name = (uint32_t)off};
		off += l;
	}
	*recs = r;
	*n = ix->n;
	*names = nm;
	*names_len = off;
	return 0;
}
