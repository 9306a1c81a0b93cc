/* What a tenant's workers are confined with, kept in the store (both
 * backends) so it survives restarts and is the same on every replica:
 *  - its CPU weight and cap (table tenant_cpu, deleted with the tenant;
 *    a column left NULL means the flags' default);
 *  - its host uid from --uid-range (table tenant_uids: uid is the primary
 *    key and tenant unique, so two tenants never share a uid, also across
 *    PostgreSQL replicas, where allocation runs in one transaction under
 *    an advisory lock). A uid row outlives its tenant's deletion until
 *    the tenant's workers are gone (server/tenant_uid.c frees it). */
#ifndef GOFN_SERVER_STORE_TENANTS_H
#define GOFN_SERVER_STORE_TENANTS_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "server/store.h"

typedef struct gofn_tenant_ops {
	int (*cpu_set)(gofn_store *s, const char *name, int weight, int64_t quota, gofn_err *e);
	int (*uid)(gofn_store *s, const char *name, unsigned base, unsigned count, unsigned *uid,
		   gofn_err *e);
	int (*uid_free)(gofn_store *s, const char *name, gofn_err *e);
} gofn_tenant_ops;

/* The tenant's row (as in gofn_store_tenant_list): 0, or 1 if none. */
int gofn_store_tenant_get(gofn_store *s, const char *name, gofn_tenant_row *row, gofn_err *e);
/* Sets the tenant's CPU weight (0: back to the default) and cap in
 * millicores (0: none, -1: back to the default): 0, or 1 if no such tenant. */
int gofn_store_tenant_cpu_set(gofn_store *s, const char *name, int weight, int64_t quota,
			      gofn_err *e);
/* The tenant's uid within [base, base + count): the one it has, else a
 * free one allocated now (a stored one outside the range is replaced).
 * 0 with *uid; 1 if there is no such tenant; 2 if every uid of the range
 * belongs to another tenant. */
int gofn_store_tenant_uid(gofn_store *s, const char *name, unsigned base, unsigned count,
			  unsigned *uid, gofn_err *e);
/* Frees the uid of name (NULL: of every tenant) that no longer exists; a
 * tenant that exists (again) keeps its uid. */
int gofn_store_tenant_uid_free(gofn_store *s, const char *name, gofn_err *e);

/* For the backends: the uid to allocate to name, given the range's taken
 * uids (sorted ascending): its FNV-1a hash's place in the range first, so
 * a tenant's uid does not depend on the order tenants first ran, else the
 * next free one after it. 0 when all are taken. */
unsigned gofn_tenant_uid_pick(const char *name, unsigned base, unsigned count,
			      const unsigned *taken, size_t ntaken);

#endif
