/* What Go 1.27 changed as code: type links and itab links are gone.
 * runtime/symtab.go moduledata keeps type descriptors contiguous from
 * types+8 to types+typedesclen (walked by runtime/type.go moduleTypelinks
 * with abi.Type.DescriptorSize) and itabs in [types+itaboffset,
 * +itabsize) (runtime/iface.go addModuleItabs, stepping by ITab.Size). */
#include <string.h>

#include "loader/release_rt.h"

int gorel_host_itabs(const gort_moduledata *md, gorel_itab_fn fn, void *ctx)
{
	uintptr_t p = md->types + md->itaboffset, end = p + md->itabsize;

	if (md->itaboffset > md->etypes - md->types || md->itabsize > md->etypes - p)
		return 0; /* not this layout: check_host refuses later */
	while (p + GORT_ITAB_HEADER_SIZE <= end) {
		const gort_itab *it = (const gort_itab *)p;
		const uint8_t *inter = it->inter;
		intptr_t nm = 1;
		if ((uintptr_t)inter < md->types || (uintptr_t)inter >= md->etypes)
			break;
		int rc = fn(ctx, it);
		if (rc)
			return rc;
		if (it->fun[0])
			memcpy(&nm, inter + GORT_IFACE_METHODS_LEN_OFF, sizeof nm);
		if (nm < 1 || nm > 4096)
			break;
		p += GORT_ITAB_HEADER_SIZE + (uintptr_t)(nm - 1) * GORT_PTRSIZE;
	}
	return 0;
}

/* internal/abi/type.go (*Type).DescriptorSize: the kind's descriptor,
 * the UncommonType (16 bytes) if TFlagUncommon, the kind's trailing array
 * (func parameter types, interface Imethods, struct fields), then Mcount
 * Methods (16 bytes each); 0 for a kind the runtime would panic on. */
static size_t descriptor_size(const gort_type *t)
{
	const uint8_t *p = (const uint8_t *)t;
	size_t base, add = 0, mcount = 0;
	uint16_t in, out;
	intptr_t n;

	switch (t->kind & 31) {
	case GORT_KIND_ARRAY:
		base = sizeof(gort_arraytype);
		break;
	case GORT_KIND_CHAN: /* Type, Elem, Dir */
		base = sizeof(gort_type) + 16;
		break;
	case GORT_KIND_FUNC: /* Type, InCount, OutCount (top bit: variadic) */
		memcpy(&in, p + sizeof(gort_type), 2);
		memcpy(&out, p + sizeof(gort_type) + 2, 2);
		base = GORT_SIZEOF_FUNCTYPE;
		add = ((size_t)in + (out & 0x7fffu)) * GORT_PTRSIZE;
		break;
	case GORT_KIND_INTERFACE: /* Type, PkgPath, Methods []Imethod (8 bytes each) */
		memcpy(&n, p + GORT_IFACE_METHODS_LEN_OFF, sizeof n);
		base = sizeof(gort_type) + 8 + sizeof(gort_slice);
		add = (size_t)n * 8;
		break;
	case GORT_KIND_MAP:
		base = GORT_SIZEOF_MAPTYPE;
		break;
	case GORT_KIND_POINTER:
	case GORT_KIND_SLICE: /* Type, Elem */
		base = sizeof(gort_type) + GORT_PTRSIZE;
		break;
	case GORT_KIND_STRUCT:
		base = sizeof(gort_structtype);
		add = (size_t)((const gort_structtype *)t)->fields.len * sizeof(gort_structfield);
		break;
	default:
		if ((t->kind & 31) < 1 || (t->kind & 31) > GORT_KIND_UNSAFEPOINTER)
			return 0;
		base = sizeof(gort_type);
	}
	if (t->tflag & GORT_TFLAG_UNCOMMON) {
		uint16_t mc;
		memcpy(&mc, p + base + 4, 2); /* UncommonType{PkgPath int32; Mcount uint16; ...} */
		mcount = mc;
		base += 16;
	}
	return base + add + mcount * 16;
}

/* runtime/type.go moduleTypelinks: the descriptors that were typelinks
 * before 1.27 lie end to end in [types+8, types+typedesclen), each aligned
 * to a pointer, stepped over by DescriptorSize (cmd/link/internal/ld/data.go
 * dodataSect sorts them first). Named types and the type names follow,
 * sorted by size, so they cannot be walked: the itabs name some and the
 * types section scan (link_hosttypes.c) finds the rest. */
static int walk_typelinks(const gort_moduledata *md, gorel_type_fn fn, void *ctx)
{
	uintptr_t td = md->types + GORT_PTRSIZE, end = md->types + md->typedesclen;
	int rc = 0;

	if (md->typedesclen > md->etypes - md->types)
		return 0; /* not this layout: check_host refuses later */
	while (td < end) {
		td = (td + GORT_PTRSIZE - 1) & ~(uintptr_t)(GORT_PTRSIZE - 1);
		if (td + sizeof(gort_type) > end)
			break;
		const gort_type *t = (const gort_type *)td;
		size_t sz = descriptor_size(t);
		if (!sz || sz > end - td)
			break;
		rc |= fn(ctx, t);
		td += sz;
	}
	return rc;
}

typedef struct seed_ctx {
	gorel_type_fn fn;
	void *ctx;
	int rc;
} seed_ctx;

static int seed_itab(void *ctx, const gort_itab *it)
{
	seed_ctx *c = ctx;
	c->rc |= c->fn(c->ctx, (const gort_type *)it->inter);
	c->rc |= c->fn(c->ctx, it->type);
	return 0;
}

int gorel_host_types(const gort_moduledata *md, gorel_type_fn fn, void *ctx)
{
	seed_ctx c = {fn, ctx, 0};
	c.rc |= walk_typelinks(md, fn, ctx);
	gorel_host_itabs(md, seed_itab, &c);
	return c.rc;
}

int gorel_md_host_ok(const gort_moduledata *h)
{
	uintptr_t span = h->etypes - h->types;
	return h->typedesclen <= span && h->itaboffset <= span &&
	       h->itabsize <= span - h->itaboffset;
}

/* A loaded unit publishes no type or itab range: moduleTypelinks would
 * walk descriptors laid end to end from types+8, sorted by string, but a
 * unit's types section mixes them with names and other rodata. Instead
 * the worker puts the unit's sorted typelinks into the runtime's
 * moduleToTypelinks cache before modulesinit (module_go127.go), which is
 * what moduleTypelinks returns for it, and removes them at unload; itabs
 * are added one by one (itabAdd). */
void gorel_md_set_links(gort_moduledata *md, int32_t *typelinks, size_t ntypelinks, void **itabs,
			size_t nitabs)
{
	(void)typelinks, (void)ntypelinks, (void)itabs, (void)nitabs;
	md->typedesclen = 0;
	md->itaboffset = 0;
	md->itabsize = 0;
}
