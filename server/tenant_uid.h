/* What a tenant's workers are confined with beyond the common sandbox:
 *  - the host uid they run as (when gofnd is root): one uid per tenant
 *    out of --uid-range BASE:COUNT, kept in the store (store_tenants.h) so
 *    a tenant keeps it across restarts and no two tenants ever share one,
 *    so the kernel's per-user quotas (queued signals, POSIX timers, pipe
 *    buffer pages, RLIMIT_NPROC outside a user namespace) and the right to
 *    signal are per tenant;
 *  - its CPU group's weight and cap (its own, else --cpu-weight and
 *    --cpu-quota-pct), applied to the group its workers share.
 * With --uid-range off every tenant's workers run as the shared nobody
 * uid and share one CPU group with the flags' settings. */
#ifndef GOFN_SERVER_TENANT_UID_H
#define GOFN_SERVER_TENANT_UID_H

#include "common/err.h"
#include "server/config.h"
#include "server/server.h"
#include "server/spawn.h"
#include "server/store.h"

/* Parses "BASE:COUNT" (or "off") into c->uid_base/uid_count. */
int gofn_uid_range_parse(gofn_config *c, const char *v, gofn_err *e);
/* "BASE:COUNT" for a uid flag: BASE >= 1000, the span within 32 bits below
 * (uid_t)-1. Shared by --uid-range and --prepared-uids. */
int gofn_uid_span_parse(const char *flag, const char *v, unsigned *base, unsigned *count,
			gofn_err *e);

/* The tenant's host uid: the one it has, else one allocated now. 0 with
 * *uid (0 only with --uid-range off: the shared nobody); -1 with e:
 * GOFN_EAGAIN (503) naming --uid-range when every uid of the range belongs
 * to another tenant (never a fallback to a shared uid), GOFN_ENOTFOUND if
 * there is no such tenant, or the store's error. For everything that
 * starts or binds a worker to a tenant. */
int gofn_tenant_uid(gofn_server *s, const char *tenant, unsigned *uid, gofn_err *e);

/* The tenant's uid and CPU settings, as its worker is spawned with: uid 0
 * (none) unless gofnd is root and confines workers. */
int gofn_tenant_box_get(gofn_server *s, const char *tenant, gofn_tenant_box *box, gofn_err *e);

/* The CPU settings a tenant's row stands for (the flags' where unset). */
void gofn_tenant_cpu_of(const gofn_config *c, const gofn_tenant_row *t, unsigned *weight,
			unsigned *quota_mcpu);

/* Writes the row's CPU settings into its workers' CPU group, if it has a
 * uid and the group exists here (running workers feel it at once). */
int gofn_tenant_cpu_apply(gofn_server *s, const gofn_tenant_row *t, gofn_err *e);

/* After the tenant was deleted: frees its uid once this gofnd has none of
 * its workers left (idle ones are stopped; a busy one ends its call):
 * now, or at the next worker start (of any tenant) after that. */
void gofn_tenant_uid_retire(gofn_server *s, const char *tenant);

#endif
