/* What Go 1.27 changed as code: type links and itab links are gone.
 * runtime/symtab.go moduledata keeps type descriptors contiguous from
 * types+8 to types+typedesclen (walked by runtime/type.go moduleTypelinks
 * with abi.Type.DescriptorSize) and itabs in [types+itaboffset,
 * +itabsize) (runtime/iface.go addModuleItabs, stepping by ITab.Size). */
#include <string.h>

#include "loader/release_rt.h"

/* internal/abi/type.go (*Type).DescriptorSize: the kind's descriptor,
 * the UncommonType (16 bytes) if TFlagUncommon, the kind's trailing array
 * (func parameter types, interface Imethods, struct fields), then Mcount
 * Methods (16 bytes each). 0 for a kind the runtime would panic on, or
 * when the descriptor (any field read here, or its whole size) does not
 * fit in the avail bytes at t: counts are read from the descriptor, and
 * a negative or huge one must not wrap the sum into a plausible size. */
static size_t descriptor_size(const gort_type *t, size_t avail)
{
	const uint8_t *p = (const uint8_t *)t;
	size_t base, add = 0, size;
	uint16_t in, out, mcount = 0;
	intptr_t n;

	switch (t->kind & 31) {
	case GORT_KIND_ARRAY:
		base = sizeof(gort_arraytype);
		break;
	case GORT_KIND_CHAN: /* Type, Elem, Dir */
		base = sizeof(gort_type) + 16;
		break;
	case GORT_KIND_FUNC: /* Type, InCount, OutCount (top bit: variadic) */
		if ((base = GORT_SIZEOF_FUNCTYPE) > avail)
			return 0;
		memcpy(&in, p + sizeof(gort_type), 2);
		memcpy(&out, p + sizeof(gort_type) + 2, 2);
		add = ((size_t)in + (out & 0x7fffu)) * GORT_PTRSIZE; /* < 2^20 */
		break;
	case GORT_KIND_INTERFACE: /* Type, PkgPath, Methods []Imethod (8 bytes each) */
		if ((base = sizeof(gort_type) + 8 + sizeof(gort_slice)) > avail)
			return 0;
		memcpy(&n, p + GORT_IFACE_METHODS_LEN_OFF, sizeof n);
		if (n < 0 || (size_t)n > avail / 8)
			return 0;
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
		if ((base = sizeof(gort_structtype)) > avail)
			return 0;
		n = ((const gort_structtype *)t)->fields.len;
		if (n < 0 || (size_t)n > avail / sizeof(gort_structfield))
			return 0;
		add = (size_t)n * sizeof(gort_structfield);
		break;
	default:
		if ((t->kind & 31) < 1 || (t->kind & 31) > GORT_KIND_UNSAFEPOINTER)
			return 0;
		base = sizeof(gort_type);
	}
	if (t->tflag & GORT_TFLAG_UNCOMMON) {
		if (base + 16 > avail) /* base and avail are both below 2^63 here */
			return 0;
		memcpy(&mcount, p + base + 4,
		       2); /* UncommonType{PkgPath int32; Mcount uint16; ...} */
		base += 16;
	}
	/* base <= avail, add <= avail, mcount * 16 < 2^20: no wrap */
	size = base + add + (size_t)mcount * 16;
	return size <= avail ? size : 0;
}

/* runtime/type.go moduleTypelinks: the descriptors that were typelinks
 * before 1.27 lie end to end in [types+8, types+typedesclen), each aligned
 * to a pointer, stepped over by DescriptorSize (cmd/link/internal/ld/data.go
 * dodataSect sorts them first). Named types and the type names follow,
 * sorted by size, so they cannot be walked: the itabs name some and the
 * types section scan (link_hosttypes.c) finds the rest. A descriptor that
 * does not fit ends the walk; with err, that is an error naming it. */
static int walk_typelinks(const gort_moduledata *md, gorel_type_fn fn, void *ctx, gofn_err *err)
{
	uintptr_t td = md->types + GORT_PTRSIZE, end = md->types + md->typedesclen;
	int rc = 0;

	if (md->typedesclen > md->etypes - md->types)
		return err ? gofn_errf(err, GOFN_EVERSION,
				       "typedesclen %#lx is past the types section (%#lx bytes)",
				       (unsigned long)md->typedesclen,
				       (unsigned long)(md->etypes - md->types))
			   : 0;
	while (td < end) {
		td = (td + GORT_PTRSIZE - 1) & ~(uintptr_t)(GORT_PTRSIZE - 1);
		if (td >= end)
			break;
		const gort_type *t = (const gort_type *)td;
		size_t sz = end - td >= sizeof(gort_type) ? descriptor_size(t, end - td) : 0;
		if (!sz)
			return err ? gofn_errf(err, GOFN_EVERSION,
					       "the type descriptor at types+%#lx (kind %d) does "
					       "not fit before typedesclen %#lx",
					       (unsigned long)(td - md->types),
					       end - td >= sizeof(gort_type) ? t->kind & 31 : -1,
					       (unsigned long)md->typedesclen)
				   : rc;
		rc |= fn(ctx, t);
		td += sz;
	}
	return rc;
}

/* The itab range [types+itaboffset, +itabsize), each itab stepped over
 * by its method count (runtime/iface.go addModuleItabs). An itab whose
 * interface is outside the types section, or whose method table does not
 * fit, ends the walk; with err, that is an error naming it. */
static int walk_itabs(const gort_moduledata *md, gorel_itab_fn fn, void *ctx, gofn_err *err)
{
	uintptr_t span = md->etypes - md->types;
	uintptr_t p = md->types + md->itaboffset, end = p + md->itabsize;
	const char *why = NULL;

	if (md->itaboffset > span || md->itabsize > span - md->itaboffset)
		return err ? gofn_errf(err, GOFN_EVERSION,
				       "the itab range (+%#lx, %#lx bytes) is past the types "
				       "section (%#lx bytes)",
				       (unsigned long)md->itaboffset, (unsigned long)md->itabsize,
				       (unsigned long)span)
			   : 0;
	while (p < end) {
		const gort_itab *it = (const gort_itab *)p;
		uintptr_t inter = (uintptr_t)it->inter;
		intptr_t nm = 1;
		if (end - p < GORT_ITAB_HEADER_SIZE) {
			why = "is cut off by the end of the range";
			break;
		}
		if (inter < md->types || inter >= md->etypes ||
		    md->etypes - inter < GORT_IFACE_METHODS_LEN_OFF + sizeof nm) {
			why = "has its interface type outside the types section";
			break;
		}
		if (it->type && ((uintptr_t)it->type < md->types ||
				 (uintptr_t)it->type > md->etypes - sizeof(gort_type))) {
			why = "has its concrete type outside the types section";
			break;
		}
		if (it->fun[0]) /* 0: the type does not implement it, one slot */
			memcpy(&nm, (const uint8_t *)inter + GORT_IFACE_METHODS_LEN_OFF, sizeof nm);
		if (nm < 1 || (size_t)(nm - 1) > (end - p - GORT_ITAB_HEADER_SIZE) / GORT_PTRSIZE) {
			why = "has a method count that does not fit the range";
			break;
		}
		int rc = fn(ctx, it);
		if (rc)
			return rc;
		p += GORT_ITAB_HEADER_SIZE + (uintptr_t)(nm - 1) * GORT_PTRSIZE;
	}
	if (why && err)
		return gofn_errf(err, GOFN_EVERSION, "the itab at types+%#lx %s",
				 (unsigned long)(p - md->types), why);
	return 0;
}

int gorel_host_itabs(const gort_moduledata *md, gorel_itab_fn fn, void *ctx)
{
	return walk_itabs(md, fn, ctx, NULL);
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
	c.rc |= walk_typelinks(md, fn, ctx, NULL);
	gorel_host_itabs(md, seed_itab, &c);
	return c.rc;
}

static int no_type(void *ctx, const gort_type *t)
{
	(void)ctx, (void)t;
	return 0;
}

static int no_itab(void *ctx, const gort_itab *it)
{
	(void)ctx, (void)it;
	return 0;
}

int gorel_host_tables_check(const gort_moduledata *md, gofn_err *err)
{
	if (walk_typelinks(md, no_type, NULL, err) < 0 || walk_itabs(md, no_itab, NULL, err) < 0)
		return gofn_errctx(err, "host runtime type tables (%s layout)", GOFN_GO_RELEASE);
	return 0;
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
