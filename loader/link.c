/* Symbol resolution for one link unit: which copy of each defined symbol
 * owns its bytes, and which symbols resolve to the host instead of being
 * loaded. The rules follow cmd/link's loader (cmd/link/internal/loader):
 * content-hashed symbols are deduplicated by hash, dupok named symbols by
 * name (first definition wins), a non-dupok name defined twice is an
 * error. On top of that, a dupok symbol the host already has (type
 * descriptors, itabs, generic instantiations, equality functions)
 * resolves to the host's copy, so loaded and host code share one identity
 * for each type. */
#include "loader/link_internal.h"

#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "loader/bigalloc.h"
#include "loader/ident.h"
#include "loader/release_obj.h"

enum { KEY_NAME, KEY_HASH64, KEY_HASH };

/* A dedup slot: the owning symbol and the upper half of its key's hash.
 * The key itself (name and ABI, or content hash and kind) is read back
 * from the owner's goobj_sym: 8 bytes a slot instead of a copy of the key
 * keeps the table of a large unit to a few hundred pages, which a fresh
 * worker would otherwise fault in one by one. */
typedef struct lk_dedup {
	uint32_t owner1; /* owner + 1; 0 = empty */
	uint32_t h;
} lk_dedup;

#define SLOT_OWNER(d) ((d)->owner1 - 1)

/* Names go through FNV-1a. A content hash key is mixed as two words
 * instead: FNV's byte loop was most of dedup_slot's cost on a large unit,
 * and a hash64 key (short content zero-padded, e.g. small integers) is
 * not uniform, so its word still gets a full 64-bit mix (splitmix64's
 * finalizer). */
static uint64_t mix64(uint64_t x)
{
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static uint64_t key_hash(const char *k, size_t n, int tag, int abi)
{
	uint64_t seed = (uint64_t)(tag * 31 + abi), w[2] = {0, 0};

	if (tag == KEY_NAME)
		return mix64(gofn_fnv1a(GOFN_FNV1A_INIT ^ seed, k, n));
	memcpy(w, k, 8); /* a content hash: 8 bytes (hash64) or 16 */
	if (n == 16)
		memcpy(&w[1], k + 8, 8);
	return mix64(w[0] ^ mix64(w[1] ^ seed));
}

static const goobj_sym *owner_goobj(gofn_link *l, uint32_t owner)
{
	return &l->objs[owner >> 24].o->syms[owner & (LK_MAX_SYMS - 1)];
}

/* The key a symbol is entered under (classify, choose_hashed_owners). */
static int key_tag(const goobj_sym *s)
{
	return s->cls == GOOBJ_HASHED64DEF ? KEY_HASH64
	       : s->cls == GOOBJ_HASHEDDEF ? KEY_HASH
					   : KEY_NAME;
}

static int slot_is(gofn_link *l, const lk_dedup *d, const char *k, size_t n, int tag, int abi)
{
	const goobj_sym *s = owner_goobj(l, SLOT_OWNER(d));
	const uint8_t *hash;
	if (key_tag(s) != tag)
		return 0;
	if (tag == KEY_NAME)
		return s->abi == abi && s->name.len == n && memcmp(s->name.p, k, n) == 0;
	uint64_t a[2] = {0, 0}, b[2] = {0, 0};
	hash = goobj_sym_hash(l->objs[SLOT_OWNER(d) >> 24].o, s);
	memcpy(a, hash, 8);
	memcpy(b, k, 8);
	if (n == 16) {
		memcpy(&a[1], hash + 8, 8);
		memcpy(&b[1], k + 8, 8);
	}
	return s->kind == abi && a[0] == b[0] && a[1] == b[1];
}

/* The slot holding the key, or the empty slot where it goes; *h is the
 * key's tag, which a caller filling the slot stores with owner1. A miss
 * writes nothing: once classified the table is only read, by relocation
 * on the load's helper thread and by describe beside it (module_load.c). */
static lk_dedup *dedup_slot(gofn_link *l, const char *k, size_t n, int tag, int abi, uint32_t *h)
{
	uint64_t hv = key_hash(k, n, tag, abi);
	size_t i = (size_t)hv & (l->dedup_cap - 1);
	*h = (uint32_t)(hv >> 32);
	for (;; i = (i + 1) & (l->dedup_cap - 1)) {
		lk_dedup *d = &l->dedup[i];
		if (!d->owner1 || (d->h == *h && slot_is(l, d, k, n, tag, abi)))
			return d;
	}
}

/* Fills the empty slot d for owner. */
static void dedup_fill(lk_dedup *d, uint32_t owner, uint32_t h)
{
	d->owner1 = owner + 1;
	d->h = h;
}

static int is_dwarf(int kind);

/* The dedup table, sized for what classify and choose_hashed_owners
 * enter (hashed symbols and named non-static loadable ones, not every
 * DWARF entry), and every object's lk_sym array: one block, which for a
 * large unit (2.4 MB for the 10.6 MiB object) is on huge pages
 * (bigalloc.h) instead of ~600 pages faulted in one by one. */
static int link_state_init(gofn_link *l)
{
	size_t total = 0;
	for (size_t oi = 0; oi < l->nobjs; oi++) {
		const goobj_object *o = l->objs[oi].o;
		for (uint32_t i = 0; i < o->ndefined; i++) {
			const goobj_sym *s = &o->syms[i];
			total += key_tag(s) != KEY_NAME ||
				 (s->abi != GOOBJ_ABI_STATIC && s->name.len && !is_dwarf(s->kind));
		}
	}
	l->dedup_cap = 64;
	while (l->dedup_cap < total * 2 + 2)
		l->dedup_cap <<= 1;
	/* Cleared by gofn_big_clear, not left to calloc's fresh pages: the
	 * probes read a slot before they fill it, so every page of the table
	 * faulted twice (1,024 faults for a large unit's 2 MB table instead
	 * of 512). */
	size_t len = l->dedup_cap * sizeof *l->dedup;
	for (size_t oi = 0; oi < l->nobjs; oi++)
		len += (size_t)l->objs[oi].o->nsyms * sizeof(lk_sym);
	int zeroed;
	if (!(l->state = gofn_big_alloc(len, &zeroed)))
		return -1;
	l->state_len = len;
	gofn_big_clear(l->state, len, zeroed);
	l->dedup = l->state;
	lk_sym *p = (lk_sym *)(l->dedup + l->dedup_cap);
	for (size_t oi = 0; oi < l->nobjs; oi++) {
		l->objs[oi].syms = p;
		p += l->objs[oi].o->nsyms;
	}
	return 0;
}

static int is_dwarf(int kind)
{
	return kind >= GOREL_SDWARFCUINFO && kind <= GOREL_SDWARFADDR;
}

static int sect_of(const goobj_sym *s)
{
	switch (s->kind) {
	case GOREL_STEXT:
	case GOREL_STEXTFIPS:
		return LK_TEXT;
	case GOREL_SRODATA:
	case GOREL_SRODATAFIPS:
		return LK_RODATA;
	case GOREL_SNOPTRDATA:
	case GOREL_SNOPTRDATAFIPS:
		return LK_NOPTRDATA;
	case GOREL_SDATA:
	case GOREL_SDATAFIPS:
		return LK_DATA;
	case GOREL_SBSS:
		return LK_BSS;
	case GOREL_SNOPTRBSS:
	case GOREL_SLIBFUZZER_8BIT_COUNTER:
	case GOREL_SCOVERAGE_COUNTER:
	case GOREL_SCOVERAGE_AUXVAR:
		return LK_NOPTRBSS;
	default:
		return -1;
	}
}

/* The host's copy of a named symbol: type descriptors from the type
 * table, everything else from the ELF symbol table, itabs the 1.27 linker
 * leaves out of it from the runtime's itab table. */
static uintptr_t host_addr(gofn_link *l, const char *name, size_t len, int abi)
{
	const gofn_hostsym *h;

	if (l->htypes && len > 5 && memcmp(name, "type:", 5) == 0 && name[5] != '.') {
		const void *t = gofn_hosttypes_find(l->htypes, name + 5, len - 5);
		if (t)
			return (uintptr_t)t;
	}
	h = gofn_symtab_lookup(l->host, name, len, abi);
	if (!h && l->htypes && len > 8 && memcmp(name, "go:itab.", 8) == 0)
		return (uintptr_t)gofn_hostitabs_find(l->htypes, name + 8, len - 8);
	return h ? (uintptr_t)h->addr : 0;
}

static int unit_owner(gofn_link *l, const char *name, size_t len, int abi, uint32_t *owner)
{
	int abis[2] = {abi, -1};
	if (abi < 0) {
		abis[0] = GOOBJ_ABIINTERNAL;
		abis[1] = GOOBJ_ABI0;
	}
	for (int k = 0; k < 2 && abis[k] >= 0; k++) {
		uint32_t h;
		lk_dedup *d = dedup_slot(l, name, len, KEY_NAME, abis[k], &h);
		if (d->owner1) {
			*owner = SLOT_OWNER(d);
			return 1;
		}
	}
	return 0;
}

static lk_sym *owner_sym(gofn_link *l, uint32_t owner)
{
	return &l->objs[owner >> 24].syms[owner & (LK_MAX_SYMS - 1)];
}

int lk_lookup_name(gofn_link *l, const char *name, size_t len, int abi, uintptr_t *addr)
{
	uint32_t owner;

	if (unit_owner(l, name, len, abi, &owner) && owner_sym(l, owner)->done) {
		*addr = owner_sym(l, owner)->addr;
		return 1;
	}
	*addr = host_addr(l, name, len, abi);
	return *addr != 0;
}

/* The cache slot of a symref's external target without resolving its
 * name (the same slot ext_of gives it, goobj.h ext): a runtime builtin
 * (the most frequent: morestack, write barriers, panics) by its index, a
 * reference by index to another package's symbol by its RefNames entry;
 * NULL for anything else. */
static lk_ext *known_ext(gofn_link *l, size_t oi, goobj_symref r)
{
	const goobj_object *o = l->objs[oi].o;
	if (!l->objs[oi].ext)
		return NULL;
	if (r.pkg == GOOBJ_PKG_BUILTIN)
		return r.idx < gorel_nbuiltins() ? &l->objs[oi].ext[o->nrefnames + r.idx] : NULL;
	uint32_t k = goobj_refname_ext(o, r);
	return k == GOOBJ_NO_EXT ? NULL : &l->objs[oi].ext[k];
}

/* The cache slot of an EXTERN target, or NULL. */
static lk_ext *ext_of(gofn_link *l, size_t oi, const goobj_target *t)
{
	if (t->kind != GOOBJ_TARGET_EXTERN || t->ext == GOOBJ_NO_EXT || !l->objs[oi].ext)
		return NULL;
	return &l->objs[oi].ext[t->ext];
}

int lk_unit_target_any(gofn_link *l, size_t oi, goobj_symref r, uint32_t *owner)
{
	const goobj_object *o = l->objs[oi].o;
	goobj_target t;
	uint32_t loc;

	if (goobj_local_of(o, r, &loc)) {
		lk_sym *ls = &l->objs[oi].syms[loc];
		if (loc < o->ndefined) {
			*owner = ls->owner;
			return 1;
		}
		/* a name this object refers to without a package: looked up
		 * once (the dedup table is complete once classified) */
		if (!ls->uref) {
			const goobj_sym *s = &o->syms[loc];
			ls->uref =
			    unit_owner(l, s->name.p, s->name.len, s->abi, &ls->owner) ? 1 : 2;
		}
		if (ls->uref == 1)
			*owner = ls->owner;
		return ls->uref == 1;
	}
	lk_ext *bx = known_ext(l, oi, r);
	if (bx && bx->unit) {
		*owner = bx->owner;
		return bx->unit == 1;
	}
	if (goobj_resolve(o, r, &t, NULL) || t.kind == GOOBJ_TARGET_NIL)
		return 0;
	if (t.kind == GOOBJ_TARGET_LOCAL && t.local < o->ndefined) {
		*owner = l->objs[oi].syms[t.local].owner;
		return 1;
	}
	lk_ext *x = ext_of(l, oi, &t);
	if (x && x->unit) {
		*owner = x->owner;
		return x->unit == 1;
	}
	int abi = t.abi == GOOBJ_ABI_UNKNOWN ? -1 : t.abi,
	    in = unit_owner(l, t.name.p, t.name.len, abi, owner);
	if (x) {
		x->unit = in ? 1 : 2;
		x->owner = in ? *owner : 0;
	}
	return in;
}

static uint32_t owner_size(gofn_link *l, uint32_t owner)
{
	return l->objs[owner >> 24].o->syms[owner & (LK_MAX_SYMS - 1)].size;
}

static lk_dedup *hashed_slot(gofn_link *l, const goobj_object *o, const goobj_sym *s, uint32_t *h)
{
	int tag = s->cls == GOOBJ_HASHED64DEF ? KEY_HASH64 : KEY_HASH;
	return dedup_slot(l, (const char *)goobj_sym_hash(o, s), tag == KEY_HASH64 ? 8 : 16, tag,
			  s->kind, h);
}

/* Content-hashed owners, before classification: a short symbol's hash64
 * is its content zero-padded to 8 bytes, so a 1-byte and an 8-byte zero
 * share it. The largest one owns the bytes, as cmd/link's loader keeps
 * the larger of two hashed64 symbols (cmd/link/internal/loader). Each
 * symbol's lk_sym.owner holds its slot's index until classify reads the
 * final owner from it: hashing every content key a second time was half
 * of dedup_slot's cost (a large unit has ~50k pc tables and funcdata). */
static void choose_hashed_owners(gofn_link *l)
{
	for (size_t oi = 0; oi < l->nobjs; oi++) {
		const goobj_object *o = l->objs[oi].o;
		for (uint32_t i = 0; i < o->ndefined; i++) {
			const goobj_sym *s = &o->syms[i];
			if (s->cls != GOOBJ_HASHED64DEF && s->cls != GOOBJ_HASHEDDEF)
				continue;
			uint32_t h;
			lk_dedup *d = hashed_slot(l, o, s, &h);
			if (!d->owner1 || s->size > owner_size(l, SLOT_OWNER(d)))
				dedup_fill(d, LK_OWNER(oi, i), h);
			l->objs[oi].syms[i].owner = (uint32_t)(d - l->dedup);
		}
	}
}

/* String literal data (dupok, named by content): one run of the host's
 * symbols, searched alone. */
#define STR_PREFIX     "go:string."
#define STR_PREFIX_LEN (sizeof STR_PREFIX - 1)

/* The host's copy of a name of object oi: one under the object's own
 * package prefix can only be among the host symbols with that prefix
 * (none, for any package but main: check_packages), and no type or itab
 * name starts with "pkg.". A large unit asks this for thousands of its
 * own dupok names (F.stkobj, F.arginfo1, ...). */
static uintptr_t host_addr_of(gofn_link *l, size_t oi, const char *name, size_t len, int abi)
{
	const lk_obj *ob = &l->objs[oi];
	const gofn_hostsym *h;
	if (ob->pfx_len && len > ob->pfx_len && memcmp(name, ob->pfx, ob->pfx_len) == 0)
		h = ob->host_pkg.lo == ob->host_pkg.hi
			? NULL
			: gofn_symtab_lookup_in(l->host, ob->host_pkg, name, len, abi);
	else if (len > STR_PREFIX_LEN && memcmp(name, STR_PREFIX, STR_PREFIX_LEN) == 0)
		h = gofn_symtab_lookup_in(l->host, l->host_strings, name, len, abi);
	else
		return host_addr(l, name, len, abi);
	return h ? (uintptr_t)h->addr : 0;
}

/* The object's package prefix and its run of host symbols. */
static int object_prefix(gofn_link *l, lk_obj *ob)
{
	goobj_str p = ob->o->pkgpath;
	char buf[1024];
	size_t n = p.len ? gofn_path_to_prefix(p.p, p.len, buf, sizeof buf - 1) : 0;

	if (!n)
		return 0;
	buf[n++] = '.';
	if (!(ob->pfx = malloc(n)))
		return -1;
	memcpy(ob->pfx, buf, n);
	ob->pfx_len = n;
	/* The host's own package main (the worker's) is another package than
	 * the unit's main: its "main." names are never the unit's, and the
	 * thousands of dupok names of a large main (F.stkobj, F.arginfo1...)
	 * need not be searched among them. */
	if (!(n == 5 && memcmp(buf, "main.", 5) == 0))
		ob->host_pkg = gofn_symtab_prefix_range(l->host, buf, n);
	return 0;
}

/* A named dupok symbol the host also has becomes the host's. */
static int use_host_copy(gofn_link *l, size_t oi, const goobj_sym *s, lk_sym *ls)
{
	uintptr_t h;

	if (!s->name.len || !(s->flag & GOOBJ_SYMFLAG_DUPOK))
		return 0;
	if (!(h = host_addr_of(l, oi, s->name.p, s->name.len, s->abi)))
		return 0;
	ls->sect = LK_HOST;
	ls->addr = h;
	ls->done = 1;
	return 1;
}

/* Classifies defined symbol i of object oi. */
static int classify(gofn_link *l, size_t oi, uint32_t i, gofn_err *err)
{
	const goobj_object *o = l->objs[oi].o;
	const goobj_sym *s = &o->syms[i];
	lk_sym *ls = &l->objs[oi].syms[i];
	int sect = sect_of(s);
	int hashed = s->cls == GOOBJ_HASHED64DEF || s->cls == GOOBJ_HASHEDDEF;
	lk_dedup *d = hashed ? &l->dedup[ls->owner] : NULL; /* choose_hashed_owners */

	ls->owner = LK_OWNER(oi, i);
	if (is_dwarf(s->kind) || s->kind == GOREL_SSEHUNWINDINFO) {
		ls->sect = LK_SKIP;
		return 0;
	}
	if (sect < 0)
		return gofn_errf(err, GOFN_EINVAL, "symbol %.*s: unsupported kind %s",
				 (int)s->name.len, s->name.p,
				 gorel_symkind_name(s->kind) ? gorel_symkind_name(s->kind) : "?");
	ls->sect = (uint8_t)sect;
	/* Content-hashed symbols may have names too (itabs, type data): the
	 * host's copy still wins, or a loaded itab would differ from the one
	 * host code compares against. */
	/* (most content-hashed symbols, pc tables and funcdata, have no name:
	 * the test here saves 48,000 calls on a large unit) */
	if (hashed && s->name.len && use_host_copy(l, oi, s, ls))
		return 0;
	if (hashed) {
		if (SLOT_OWNER(d) == ls->owner)
			return 0;
	} else if (s->abi != GOOBJ_ABI_STATIC && s->name.len) {
		uint32_t h;
		d = dedup_slot(l, s->name.p, s->name.len, KEY_NAME, s->abi, &h);
		if (!d->owner1) {
			dedup_fill(d, ls->owner, h);
			use_host_copy(l, oi, s, ls);
			return 0;
		}
		const goobj_sym *first = owner_goobj(l, SLOT_OWNER(d));
		if (!(s->flag & GOOBJ_SYMFLAG_DUPOK) && !(first->flag & GOOBJ_SYMFLAG_DUPOK) &&
		    s->size)
			return gofn_errf(err, GOFN_EINVAL,
					 "duplicate definition of %.*s in %s and %s",
					 (int)s->name.len, s->name.p,
					 l->objs[SLOT_OWNER(d) >> 24].o->name, o->name);
	} else {
		return 0; /* static: private to this object */
	}
	ls->owner = SLOT_OWNER(d);
	ls->sect = LK_HOST;
	return 0;
}

/* What relocation (on the load's helper thread) and describe (beside
 * it, module_load.c) learn of a name is cached where the other finds it:
 * a NonPkgRef's address in its lk_sym, an external name's in lk_ext.
 * Both compute the same address for the same name (layout and the host
 * are settled), so either may write it first; done is published after
 * addr, so a reader that sees done reads the address. Nothing else of the
 * link is written once relocation starts (dedup_slot, lk_target_addr_any
 * for defined copies). */
static int cached_sym(const lk_sym *s, uintptr_t *addr)
{
	if (!__atomic_load_n(&s->done, __ATOMIC_ACQUIRE))
		return 0;
	*addr = __atomic_load_n(&s->addr, __ATOMIC_RELAXED);
	return 1;
}

static void cache_sym(lk_sym *s, uintptr_t addr)
{
	__atomic_store_n(&s->addr, addr, __ATOMIC_RELAXED);
	__atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
}

static uintptr_t cached_ext(const lk_ext *x)
{
	return x ? __atomic_load_n(&x->addr, __ATOMIC_RELAXED) : 0;
}

int lk_target_addr_any(gofn_link *l, size_t oi, goobj_symref r, int weak, uintptr_t *addr,
		       gofn_err *err)
{
	const goobj_object *o = l->objs[oi].o;
	goobj_target t;
	uint32_t owner, loc;

	*addr = 0;
	if (goobj_local_of(o, r, &loc) && loc >= o->ndefined &&
	    cached_sym(&l->objs[oi].syms[loc], addr))
		return 0; /* a NonPkgRef resolved before */
	if (goobj_local_of(o, r, &loc) && loc < o->ndefined) {
		/* settle_copies gave every copy its owner's address: one
		 * without is a copy of a symbol that was not laid out */
		const lk_sym *s = &l->objs[oi].syms[loc];
		if (!s->done)
			return gofn_errf(err, GOFN_EINVAL, "symbol %.*s has no address",
					 (int)o->syms[loc].name.len, o->syms[loc].name.p);
		*addr = s->addr;
		return 0;
	}
	if ((*addr = cached_ext(known_ext(l, oi, r))))
		return 0;
	if (goobj_resolve(o, r, &t, err))
		return -1;
	if (t.kind == GOOBJ_TARGET_NIL)
		return weak ? 0 : gofn_errf(err, GOFN_EINVAL, "relocation to the nil symbol");
	if (t.kind == GOOBJ_TARGET_LOCAL && cached_sym(&l->objs[oi].syms[t.local], addr))
		return 0;
	lk_ext *x = ext_of(l, oi, &t);
	if ((*addr = cached_ext(x)))
		return 0;
	int abi = t.abi == GOOBJ_ABI_UNKNOWN ? -1 : t.abi;
	if (unit_owner(l, t.name.p, t.name.len, abi, &owner)) {
		lk_sym *w = owner_sym(l, owner);
		if (w->done) {
			*addr = w->addr;
			goto found;
		}
		x = NULL; /* laid out later: the host's copy stands in until then */
	}
	*addr = host_addr(l, t.name.p, t.name.len, abi);
	if (!*addr && !weak) {
		if (t.pkg.len)
			return gofn_errf(err, GOFN_EUNRESOLVED,
					 "unresolved symbol %.*s (package %.*s): not in the host",
					 (int)t.name.len, t.name.p, (int)t.pkg.len, t.pkg.p);
		return gofn_errf(err, GOFN_EUNRESOLVED, "unresolved symbol %.*s: not in the host",
				 (int)t.name.len, t.name.p);
	}
found:
	if (!*addr)
		return 0; /* weak and unresolved: asked again next time */
	if (x)
		__atomic_store_n(&x->addr, *addr, __ATOMIC_RELAXED);
	if (t.kind == GOOBJ_TARGET_LOCAL)
		cache_sym(&l->objs[oi].syms[t.local], *addr);
	return 0;
}

/* After layout: copies point at their owner's address. */
static void settle_copies(gofn_link *l)
{
	for (size_t oi = 0; oi < l->nobjs; oi++) {
		lk_obj *ob = &l->objs[oi];
		for (uint32_t i = 0; i < ob->o->ndefined; i++) {
			lk_sym *s = &ob->syms[i];
			if (s->done || s->owner == LK_OWNER(oi, i))
				continue;
			lk_sym *w = owner_sym(l, s->owner);
			s->addr = w->addr;
			s->done = w->done;
		}
	}
}

/* Whether addr lies in the Go part of the host: the spans cmd/link
 * brackets with runtime.text/etext, noptrdata/enoptrdata and so on, all
 * inside its own sections. C code and statics of the worker lie outside,
 * and their names can have dots too ("buf.0", a function's static). */
static int in_go_image(const gofn_symtab *t, uint64_t addr)
{
	static const char *const span[][2] = {{"runtime.text", "runtime.etext"},
					      {"runtime.noptrdata", "runtime.enoptrdata"},
					      {"runtime.data", "runtime.edata"},
					      {"runtime.bss", "runtime.ebss"},
					      {"runtime.noptrbss", "runtime.enoptrbss"}};
	for (size_t i = 0; i < sizeof span / sizeof span[0]; i++) {
		const gofn_hostsym *lo = gofn_symtab_find(t, span[i][0], strlen(span[i][0]));
		const gofn_hostsym *hi = gofn_symtab_find(t, span[i][1], strlen(span[i][1]));
		if (lo && hi && addr >= lo->addr && addr < hi->addr)
			return 1;
	}
	return 0;
}

/* Whether the host has Go package pkg: a Go symbol named "pkg.…". */
static int host_has_package(const gofn_symtab *t, const char *pkg, size_t len)
{
	char buf[1024];

	/* symbol names spell the path escaped (objabi.PathToPrefix) */
	len = gofn_path_to_prefix(pkg, len, buf, sizeof buf - 1);
	if (!len)
		return 0;
	buf[len++] = '.';
	const gofn_hostsym *s = gofn_symtab_first_prefix(t, buf, len);
	for (const gofn_hostsym *end = t->syms + t->nsyms; s && s < end; s++) {
		if (strncmp(gofn_hostsym_name(t, s), buf, len) != 0)
			break;
		if (in_go_image(t, s->addr))
			return 1;
	}
	return 0;
}

/* A unit package the host has too would be a second copy of it: two
 * sets of globals and a second init, while host code and the runtime's
 * type identity keep using the first. Merging them symbol by symbol
 * cannot be made right (the unit's functions see its own globals), so
 * such a unit is refused (docs/loader.md). The host's own main is not a
 * package anyone imports. */
static int check_packages(gofn_link *l, gofn_err *err)
{
	for (size_t oi = 0; oi < l->nobjs; oi++) {
		goobj_str p = l->objs[oi].o->pkgpath;
		if (!p.len || (p.len == 4 && !memcmp(p.p, "main", 4)))
			continue;
		if (host_has_package(l->host, p.p, p.len))
			return gofn_errf(err, GOFN_EINVAL,
					 "%s: package %.*s is part of the host; a unit may not "
					 "define it again",
					 l->objs[oi].o->name, (int)p.len, p.p);
	}
	return 0;
}

/* Standard packages that cannot work loaded (docs/hostsyms.md; the worker
 * keeps every other one, scripts/gen-keepalive/packages.go). An object
 * importing one is refused by name before anything is resolved. */
static const struct {
	const char *pkg, *why;
} refused_pkgs[] = {
    {"plugin", "it loads Go shared objects with dlopen; a function is itself a loaded "
	       "module and cannot host plugins"},
    {"runtime/cgo", "cgo: tenant code is compiled without a C toolchain and loaded code "
		    "cannot call into C"},
    {"runtime/race", "it exists only in -race builds; the worker is not one"},
};

static int check_refused_imports(gofn_link *l, gofn_err *err)
{
	for (size_t oi = 0; oi < l->nobjs; oi++) {
		const goobj_object *o = l->objs[oi].o;
		for (uint32_t k = 0; k < o->nautolib; k++)
			for (size_t r = 0; r < sizeof refused_pkgs / sizeof *refused_pkgs; r++) {
				goobj_str p = o->autolib[k].pkg;
				if (strlen(refused_pkgs[r].pkg) == p.len &&
				    !memcmp(p.p, refused_pkgs[r].pkg, p.len))
					return gofn_errf(err, GOFN_EINVAL,
							 "%s: imports package %s, which cannot be "
							 "used in a loaded function: %s",
							 o->name, refused_pkgs[r].pkg,
							 refused_pkgs[r].why);
			}
	}
	return 0;
}

int gofn_link_unit(gofn_link *l, gofn_err *err)
{
	return gofn_link_resolve(l, err) || gofn_link_place(l, err) ? -1 : 0;
}

int gofn_link_resolve(gofn_link *l, gofn_err *err)
{
	if (!(l->host = gofn_symtab_self(err)))
		return -1;
	if (check_refused_imports(l, err) || check_packages(l, err))
		return -1;
	/* NULL for a host without a Go runtime (the C unit tests): then no
	 * type:* reference resolves to the host */
	l->htypes = gofn_hosttypes_self(NULL);
	if (l->nobjs > LK_MAX_OBJS)
		return gofn_errf(err, GOFN_ELIMIT, "too many objects in one unit (max %u)",
				 LK_MAX_OBJS);
	for (size_t oi = 0; oi < l->nobjs; oi++)
		if (l->objs[oi].o->nsyms >= LK_MAX_SYMS)
			return gofn_errf(err, GOFN_ELIMIT, "%s: too many symbols",
					 l->objs[oi].o->name);
	if (link_state_init(l))
		return gofn_errf(err, GOFN_ENOMEM, "link: out of memory");
	l->host_strings = gofn_symtab_prefix_range(l->host, STR_PREFIX, STR_PREFIX_LEN);
	for (size_t oi = 0; oi < l->nobjs; oi++) {
		lk_obj *ob = &l->objs[oi];
		ob->ext = calloc(goobj_nexterns(ob->o) + 1, sizeof *ob->ext);
		if (!ob->ext || object_prefix(l, ob))
			return gofn_errf(err, GOFN_ENOMEM, "link: out of memory");
	}
	choose_hashed_owners(l);
	for (size_t oi = 0; oi < l->nobjs; oi++) {
		lk_obj *ob = &l->objs[oi];
		for (uint32_t i = 0; i < ob->o->ndefined; i++)
			if (classify(l, oi, i, err))
				return gofn_errctx(err, "%s", ob->o->name);
	}
	return 0;
}

int gofn_link_place(gofn_link *l, gofn_err *err)
{
	return gofn_link_lay(l, err) || lk_relocate(l, err) || lk_protect(l, err) ? -1 : 0;
}

int gofn_link_lay(gofn_link *l, gofn_err *err)
{
	if (lk_deadcode(l, err))
		return -1;
	const gofn_hostsym *dr = gofn_symtab_lookup(l->host, "runtime.deferreturn", 19, 1);
	l->deferreturn = dr ? dr->addr : 0;
	l->deferreturn_builtin = UINT32_MAX;
	for (uint32_t k = 0; k < gorel_nbuiltins(); k++)
		if (strcmp(gorel_builtin(k)->name, "runtime.deferreturn") == 0)
			l->deferreturn_builtin = k;
	if (lk_layout(l, err))
		return -1;
	settle_copies(l);
	return 0;
}

void gofn_link_free(gofn_link *l)
{
	lk_unmap(l);
	for (size_t i = 0; i < l->nobjs; i++) {
		free(l->objs[i].ext);
		free(l->objs[i].pfx);
	}
	free(l->objs);
	for (size_t i = 0; i < l->narchives; i++)
		goobj_free(l->archives[i]);
	free(l->archives);
	gofn_big_free(l->state, l->state_len); /* the dedup table and syms */
	memset(l, 0, sizeof *l);
}
