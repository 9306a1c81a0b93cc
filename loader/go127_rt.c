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

/* The host's itabs name interface and concrete types; the types section
 * scan (link_hosttypes.c) finds every other descriptor. */
int gorel_host_types(const gort_moduledata *md, gorel_type_fn fn, void *ctx)
{
	seed_ctx c = {fn, ctx, 0};
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
