/* Named, versioned functions (issue 17), HTTP aside: a deploy by name
 * whose objects may be sent or referenced by digest, removal and rollback
 * by name. Beside server/functions.c, which loads and stores one version. */
#ifndef GOFN_SERVER_FN_VERSIONS_H
#define GOFN_SERVER_FN_VERSIONS_H

#include "server/server.h"
#include "server/worker.h"

/* Function names: 1-63 of [A-Za-z0-9_.-], starting with a letter or digit,
 * not with "fn_" (that is how ids start, and ?function= takes both). */
int gofn_fn_name_valid(const char *name);

/* A deploy's link unit: manifest is the JSON list of every object's sha256
 * in link order; each is one of the sent objects or one the tenant's
 * functions already use (read from the object store). objs[i] with
 * owned[i] set is malloc'd: free with gofn_unit_free. GOFN_EINVAL for a bad
 * manifest or a sent object it does not list, GOFN_ENOTFOUND for a digest
 * neither sent nor the tenant's, GOFN_ELIMIT past the count or total size. */
int gofn_unit_from_manifest(gofn_server *s, const char *tenant, const char *manifest,
			    const gofn_objbuf *sent, size_t nsent, gofn_objbuf *objs, int *owned,
			    size_t *n, gofn_err *e);
void gofn_unit_free(gofn_objbuf *objs, const int *owned, size_t n);

/* Deploys objs as NAME: if its current version has exactly these objects
 * nothing is created (*f is that version, *unchanged 1); else a new
 * version, load-checked, made current (gofn_fn_create_named). */
int gofn_fn_deploy(gofn_server *s, const char *tenant, const char *name, const gofn_objbuf *objs,
		   size_t nobjs, gofn_function *f, int *unchanged, gofn_err *e);

/* Removes by reference: an id (that version), NAME (every version) or
 * NAME@N; GOFN_ENOTFOUND if it names nothing of the tenant's. */
int gofn_fn_remove_ref(gofn_server *s, const char *tenant, const char *ref, gofn_err *e);

/* Makes version current; *f is it. GOFN_ENOTFOUND without such a version. */
int gofn_fn_rollback(gofn_server *s, const char *tenant, const char *name, int64_t version,
		     gofn_function *f, gofn_err *e);

#endif
