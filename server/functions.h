/* What happens to functions, HTTP aside: an upload checked by loading it in
 * a worker before anything is stored, a function's or a tenant's removal,
 * and the garbage collection of object files no function references.
 * Beside server/exec.c, which acquires the workers that run them; handlers
 * (h_functions.c, h_tenants.c) only translate requests and gofn_err
 * classes (server/http_error.c). */
#ifndef GOFN_SERVER_FUNCTIONS_H
#define GOFN_SERVER_FUNCTIONS_H

#include "server/server.h"
#include "server/worker.h"

/* Refuses what is not go tool compile output before a worker sees it
 * (GOFN_EINVAL naming the object), and reads the toolchain it names. */
int gofn_fn_sniff(const gofn_objbuf *objs, size_t nobjs, char *go_version, size_t cap, gofn_err *e);

/* Creates tenant's function from its objects (in link order): the tenant's
 * function cap, a load in a pooled worker (kept warm for it), the object
 * files, then the row. *f is filled (free with gofn_function_clear) and
 * the error classes say why not: GOFN_ECONFLICT (cap), GOFN_EBUSY/EAGAIN
 * (no worker), the loader's classes, GOFN_ENOSPACE, GOFN_EUNAVAIL. */
int gofn_fn_create(gofn_server *s, const char *tenant, const gofn_objbuf *objs, size_t nobjs,
		   gofn_function *f, gofn_err *e);

/* The same for a named function (name non-NULL): stored as the name's
 * next version and made current, if its current version is still base
 * (0: no such name), else GOFN_ESTALE. */
int gofn_fn_create_named(gofn_server *s, const char *tenant, const char *name, int64_t base,
			 const gofn_objbuf *objs, size_t nobjs, gofn_function *f, gofn_err *e);
/* The digests a create would give f (objects' and the unit's). */
void gofn_fn_digest(const gofn_objbuf *objs, size_t nobjs, gofn_function *f);

/* Removes the function (GOFN_ENOTFOUND if the tenant has no such one), its
 * warm workers, and its object files if nothing else uses them. */
int gofn_fn_remove(gofn_server *s, const char *tenant, const char *id, gofn_err *e);

/* Removes the tenant with its functions, workers and now unused objects. */
int gofn_tenant_remove(gofn_server *s, const char *name, gofn_err *e);

#endif
