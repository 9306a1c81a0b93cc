/* The Go 1.26 side of what moved in Go 1.27: the host module's type and
 * itab tables are typelinks/itablinks slices (runtime/symtab.go
 * moduledata), and a loaded module publishes its own the same way. */
#include "loader/release_rt.h"

/* typelinks[i]: the offset of a descriptor from types (cmd/link
 * typelink.go); 0 with err unset if it lies in the types section. */
static int typelink_ok(const gort_moduledata *md, intptr_t i, gofn_err *err)
{
	int32_t off = ((const int32_t *)md->typelinks.ptr)[i];
	if (off > 0 && (uintptr_t)off <= md->etypes - md->types &&
	    md->etypes - md->types - (uintptr_t)off >= sizeof(gort_type))
		return 0;
	return err ? gofn_errf(err, GOFN_EVERSION,
			       "typelinks[%ld] = %#x is outside the types section (%#lx bytes)",
			       (long)i, (unsigned)off, (unsigned long)(md->etypes - md->types))
		   : -1;
}

static int in_types(const gort_moduledata *md, const void *t)
{
	return (uintptr_t)t >= md->types && (uintptr_t)t <= md->etypes - sizeof(gort_type);
}

/* itablinks[i]: a pointer to an itab in the module's image (cmd/link
 * typelink.go); its interface and concrete types are descriptors of the
 * types section. 0 with err unset if so. */
static int itablink_ok(const gort_moduledata *md, intptr_t i, gofn_err *err)
{
	const gort_itab *it = ((const gort_itab *const *)md->itablinks.ptr)[i];
	const char *why = NULL;
	if ((uintptr_t)it % GORT_PTRSIZE || (uintptr_t)it < md->text || (uintptr_t)it > md->end ||
	    md->end - (uintptr_t)it < sizeof *it)
		why = "is not in the module's image";
	else if (!in_types(md, it->inter) || !in_types(md, it->type))
		why = "has a type outside the types section";
	if (!why)
		return 0;
	return err ? gofn_errf(err, GOFN_EVERSION, "itablinks[%ld] = %p %s", (long)i,
			       (const void *)it, why)
		   : -1;
}

/* With err, the first bad entry is an error; without, bad entries are
 * skipped (never dereferenced). */
static int walk(const gort_moduledata *md, gorel_type_fn fn, void *ctx, gofn_err *err)
{
	int rc = 0;
	const int32_t *tl = md->typelinks.ptr;
	for (intptr_t i = 0; i < md->typelinks.len; i++) {
		if (typelink_ok(md, i, err) == 0)
			rc |= fn(ctx, (const gort_type *)(md->types + (uintptr_t)tl[i]));
		else if (err)
			return -1;
	}
	const gort_itab *const *il = md->itablinks.ptr;
	for (intptr_t i = 0; i < md->itablinks.len; i++) {
		if (itablink_ok(md, i, err) == 0) {
			rc |= fn(ctx, (const gort_type *)il[i]->inter);
			rc |= fn(ctx, il[i]->type);
		} else if (err) {
			return -1;
		}
	}
	return rc;
}

int gorel_host_types(const gort_moduledata *md, gorel_type_fn fn, void *ctx)
{
	return gorel_md_host_ok(md) ? walk(md, fn, ctx, NULL) : 0;
}

static int no_type(void *ctx, const gort_type *t)
{
	(void)ctx, (void)t;
	return 0;
}

int gorel_host_tables_check(const gort_moduledata *md, gofn_err *err)
{
	if (!gorel_md_host_ok(md))
		return gofn_errf(err, GOFN_EVERSION,
				 "host runtime type tables (%s layout): typelinks or itablinks "
				 "is not a slice",
				 GOFN_GO_RELEASE);
	if (walk(md, no_type, NULL, err) < 0)
		return gofn_errctx(err, "host runtime type tables (%s layout)", GOFN_GO_RELEASE);
	return 0;
}

int gorel_md_host_ok(const gort_moduledata *h)
{
	return h->typelinks.len >= 0 && h->typelinks.len <= h->typelinks.cap &&
	       (h->typelinks.ptr || !h->typelinks.len) && h->itablinks.len >= 0 &&
	       h->itablinks.len <= h->itablinks.cap && (h->itablinks.ptr || !h->itablinks.len) &&
	       h->types <= h->etypes;
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
	if (!gorel_md_host_ok(md))
		return 0;
	const gort_itab *const *il = md->itablinks.ptr;
	for (intptr_t i = 0; i < md->itablinks.len; i++) {
		if (itablink_ok(md, i, NULL) < 0)
			continue;
		int rc = fn(ctx, il[i]);
		if (rc)
			return rc;
	}
	return 0;
}
