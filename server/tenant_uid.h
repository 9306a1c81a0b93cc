/* Which host uid a tenant's workers run as (when gofnd is root): one uid
 * per tenant out of --uid-range BASE:COUNT, so the kernel's per-user quotas
 * (queued signals, POSIX timers, pipe buffer pages, RLIMIT_NPROC outside a
 * user namespace) and the right to signal are per tenant. */
#ifndef GOFN_SERVER_TENANT_UID_H
#define GOFN_SERVER_TENANT_UID_H

#include "common/err.h"
#include "server/config.h"

/* Parses "BASE:COUNT" (or "off") into c->uid_base/uid_count. */
int gofn_uid_range_parse(gofn_config *c, const char *v, gofn_err *e);

/* The tenant's uid: first choice derived from its name (FNV-1a), so it is
 * the same after a restart unless two names collide; a collision takes the
 * next free uid, so no two tenants share one while gofnd runs. 0 when the
 * range is off or used up (the sandbox then uses nobody). */
unsigned gofn_tenant_uid(const gofn_config *c, const char *tenant);

#endif
