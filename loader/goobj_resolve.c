/* Symbol references to names: local symbols by index, other packages
 * through the RefNames block, runtime builtins through the builtin list
 * ($GOROOT/src/cmd/internal/goobj/objfile.go "Symbol indexing",
 * builtinlist.go). */
#include <stdlib.h>
#include <string.h>

#include "loader/goobj_internal.h"

static uint32_t refhash_of(goobj_symref r)
{
	uint64_t x = (uint64_t)r.pkg << 32 | r.idx;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull; /* splitmix64's finalizer */
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return (uint32_t)(x ^ (x >> 31));
}

/* The hash of the sorted RefNames: at most half full, so a miss (a
 * reference without a name, which the parse then refuses) ends soon.
 * The first of equal symrefs wins. */
static int index_refhash(goobj_object *o, gofn_err *err)
{
	uint32_t cap = 16;
	while (cap < 2 * (uint64_t)o->nrefnames)
		cap <<= 1;
	o->refhash = calloc(cap, sizeof *o->refhash);
	if (!o->refhash)
		return gofn_errf(err, GOFN_ENOMEM, "out of memory for %u names", o->nrefnames);
	o->refhash_mask = cap - 1;
	for (uint32_t n = 0; n < o->nrefnames; n++) {
		goobj_symref r = o->refnames[n].sym;
		uint32_t i = refhash_of(r) & o->refhash_mask;
		while (o->refhash[i] && (o->refnames[o->refhash[i] - 1].sym.pkg != r.pkg ||
					 o->refnames[o->refhash[i] - 1].sym.idx != r.idx))
			i = (i + 1) & o->refhash_mask;
		if (!o->refhash[i])
			o->refhash[i] = n + 1;
	}
	return 0;
}

int goobj_index_refnames(goobj_object *o, const goobj_bin *bin, gofn_err *err)
{
	const uint8_t *p = bin->b + bin->off[GOREL_BLK_REFNAME];

	o->nrefnames = goobj_blklen(bin, GOREL_BLK_REFNAME) / GOREL_REFNAME_SIZE;
	o->refnames = calloc(o->nrefnames ? o->nrefnames : 1, sizeof *o->refnames);
	if (!o->refnames)
		return gofn_errf(err, GOFN_ENOMEM, "out of memory for %u names", o->nrefnames);
	for (uint32_t i = 0; i < o->nrefnames; i++, p += GOREL_REFNAME_SIZE) {
		struct goobj_refname *r = &o->refnames[i];
		r->sym = goobj_symref_at(p);
		if (r->sym.pkg == 0 || r->sym.pkg >= o->npkgs)
			return gofn_errf(err, GOFN_EINVAL,
					 "ref name %u: package index %u is not an imported package "
					 "(object has %u)",
					 i, r->sym.pkg, o->npkgs);
		if (goobj_strref(bin, p + 8, &r->name, err) < 0)
			return gofn_errctx(err, "ref name %u", i);
	}
	return index_refhash(o, err);
}

static const struct goobj_refname *refname_of(const goobj_object *o, goobj_symref r)
{
	for (uint32_t i = refhash_of(r) & o->refhash_mask;; i = (i + 1) & o->refhash_mask) {
		uint32_t k = o->refhash[i];
		if (!k)
			return NULL;
		if (o->refnames[k - 1].sym.pkg == r.pkg && o->refnames[k - 1].sym.idx == r.idx)
			return &o->refnames[k - 1];
	}
}

const goobj_str *goobj_refname(const goobj_object *o, goobj_symref r)
{
	const struct goobj_refname *hit = refname_of(o, r);
	return hit ? &hit->name : NULL;
}

uint32_t goobj_nexterns(const goobj_object *o)
{
	return o->nrefnames + gorel_nbuiltins();
}

uint32_t goobj_refname_ext(const goobj_object *o, goobj_symref r)
{
	if (r.pkg == 0 || r.pkg >= GOOBJ_PKG_SELF || !o->refhash)
		return GOOBJ_NO_EXT;
	const struct goobj_refname *n = refname_of(o, r);
	return n ? (uint32_t)(n - o->refnames) : GOOBJ_NO_EXT;
}

/* Position of a symref of this object in o->syms. */
static uint32_t local_index(const goobj_object *o, goobj_symref r)
{
	switch (r.pkg) {
	case GOOBJ_PKG_SELF:
		return r.idx;
	case GOOBJ_PKG_HASHED64:
		return o->nsymdefs + r.idx;
	case GOOBJ_PKG_HASHED:
		return o->nsymdefs + o->nhashed64 + r.idx;
	default: /* GOOBJ_PKG_NONE: NonPkgDefs then NonPkgRefs */
		return o->nsymdefs + o->nhashed64 + o->nhashed + r.idx;
	}
}

int goobj_resolve(const goobj_object *o, goobj_symref r, goobj_target *t, gofn_err *err)
{
	memset(t, 0, sizeof *t);
	if (goobj_check_symref(o, r, err) < 0)
		return -1;
	if (r.pkg == 0) {
		t->kind = GOOBJ_TARGET_NIL;
		return 0;
	}
	if (r.pkg == GOOBJ_PKG_BUILTIN) {
		const struct gorel_builtin *b = gorel_builtin(r.idx);
		t->kind = GOOBJ_TARGET_EXTERN;
		t->name = (goobj_str){b->name, (uint32_t)strlen(b->name)};
		t->abi = b->abi;
		t->pkg = (goobj_str){"runtime", 7};
		t->ext = o->nrefnames + r.idx;
		return 0;
	}
	if (r.pkg < GOOBJ_PKG_SELF) {
		const struct goobj_refname *n = refname_of(o, r);
		t->kind = GOOBJ_TARGET_EXTERN;
		t->name = n ? n->name : (goobj_str){"", 0};
		t->abi = GOOBJ_ABI_UNKNOWN;
		t->ext = n ? (uint32_t)(n - o->refnames) : GOOBJ_NO_EXT;
		t->pkg = o->pkgs[r.pkg];
		return 0;
	}
	t->kind = GOOBJ_TARGET_LOCAL;
	t->local = local_index(o, r);
	t->name = o->syms[t->local].name;
	t->abi = o->syms[t->local].abi;
	return 0;
}

long goobj_find_sym(const goobj_object *o, const char *name, int abi)
{
	size_t n = strlen(name);

	for (uint32_t i = 0; i < o->nsyms; i++) {
		const goobj_sym *s = &o->syms[i];
		if (s->name.len == n && memcmp(s->name.p, name, n) == 0 &&
		    (abi < 0 || s->abi == abi))
			return (long)i;
	}
	return -1;
}
