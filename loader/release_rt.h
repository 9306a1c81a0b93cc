/* The runtime layouts of the Go release this loader library is built for
 * (see release_obj.h for how the release is chosen). Every goNNN_rt.h
 * defines the same gort_* names and GOFN_GO_RELEASE. */
#ifndef GOFN_LOADER_RELEASE_RT_H
#define GOFN_LOADER_RELEASE_RT_H

#if !defined(GOFN_GO_MINOR)
#error "GOFN_GO_MINOR (the Go 1.NN release) must be defined by the build"
#elif GOFN_GO_MINOR == 26
#include "loader/go126_rt.h"
#elif GOFN_GO_MINOR == 27
#include "loader/go127_rt.h"
#else
#error "no loader/goNNN_rt.h for this GOFN_GO_MINOR"
#endif

#include <stddef.h>

#include "common/err.h"

/* What differs between releases as code, not layout (goNNN_rt.c). */

/* Calls fn for the type descriptors the host module's own tables name
 * (typelinks/itablinks up to 1.26; the itab range from 1.27); ORs the
 * results. The types section is also scanned, so this is a seed. */
typedef int (*gorel_type_fn)(void *ctx, const gort_type *t);
int gorel_host_types(const gort_moduledata *md, gorel_type_fn fn, void *ctx);

/* Checks every entry of the host module's type and itab tables (the ones
 * gorel_host_types and gorel_host_itabs walk): each lies in the types
 * section and has the size this release gives it. -1 with err naming the
 * first bad entry. The tables are the host executable's own (cmd/link
 * wrote them; the walks run at build time, -hosttab-write, or in a worker
 * before any loaded code has run), so no loaded object reaches them: this
 * catches a layout the loader misreads, cheaply (one pass). The walks
 * themselves never read past a bad entry either; they stop there. */
int gorel_host_tables_check(const gort_moduledata *md, gofn_err *err);

/* The release-specific fields of the host's own moduledata are sane. */
int gorel_md_host_ok(const gort_moduledata *h);

/* Calls fn for each itab of the host module (itablinks up to 1.26, the
 * itab range since 1.27) until fn returns nonzero, which it returns. */
typedef int (*gorel_itab_fn)(void *ctx, const gort_itab *it);
int gorel_host_itabs(const gort_moduledata *md, gorel_itab_fn fn, void *ctx);

/* Publishes a loaded module's typelinks (offsets from md->types, sorted)
 * and itabs in md as this release's runtime reads them. */
void gorel_md_set_links(gort_moduledata *md, int32_t *typelinks, size_t ntypelinks, void **itabs,
			size_t nitabs);

#endif
