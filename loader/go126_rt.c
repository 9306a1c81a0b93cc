/* The Go 1.26 side of what moved in Go 1.27: the host module's type and
 * itab tables are typelinks/itablinks slices (runtime/symtab.go
 * moduledata), and a loaded module publishes its own the same way. */
#include "loader/release_rt.h"

int gorel_host_types(const gort_moduledata *md, gorel_type_fn fn, void *ctx)
{
	int rc = 0;
	const int32_t *tl = md->typelinks.ptr;
	for (intptr_t i = 0; i < md->typelinks.len; i++)
		if (tl[i] > 0)
			rc |= fn(ctx, (const gort_type *)(md->types + (uintptr_t)tl[i]));
	const gort_itab *const *il = md->itablinks.ptr;
	for (intptr_t i = 0; i < md->itablinks.len; i++) {
		rc |= fn(ctx, (const gort_type *)il[i]->inter);
		rc |= fn(ctx, il[i]->type);
	}
	return rc;
}

int gorel_md_host_ok(const gort_moduledata *h)
{
	return h->typelinks.len >= 0 && h->typelinks.len <= h->typelinks.cap &&
	       h->itablinks.len >= 0 && h->itablinks.len <= h->itablinks.cap;
}

/* typelinks feed typelinksinit's typemap and reflect's typesByString;
 * itablinks are only read by itabsinit at startup (the bridge adds a
 * loaded module's itabs itself), but are filled as cmd/link would. */
void gorel_md_set_links(gort_moduledata *md, int32_t *typelinks, size_t ntypelinks, void **itabs,
			size_t nitabs)
{
	md->typelinks = (gort_slice){typelinks, (intptr_t)ntypelinks, (intptr_t)ntypelinks};
	md->itablinks = (gort_slice){itabs, (intptr_t)nitabs, (intptr_t)nitabs};
}

int gorel_host_itabs(const gort_moduledata *md, gorel_itab_fn fn, void *ctx)
{
	const gort_itab *const *il = md->itablinks.ptr;
	for (intptr_t i = 0; i < md->itablinks.len; i++) {
		int rc = fn(ctx, il[i]);
		if (rc)
			return rc;
	}
	return 0;
}
