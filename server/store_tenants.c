/* server/store_tenants.h: dispatch to the backend, and what both share. */
#include "server/store_impl.h"

#include <stdlib.h>
#include <string.h>

#include "common/hash.h"

int gofn_store_tenant_get(gofn_store *s, const char *name, gofn_tenant_row *row, gofn_err *e)
{
	return s->ops->tenant_get(s, name, row, e);
}

int gofn_store_tenant_cpu_set(gofn_store *s, const char *name, int weight, int64_t quota,
			      gofn_err *e)
{
	return s->ops->ten->cpu_set(s, name, weight, quota, e);
}

int gofn_store_tenant_uid(gofn_store *s, const char *name, unsigned base, unsigned count,
			  unsigned *uid, gofn_err *e)
{
	*uid = 0;
	return s->ops->ten->uid(s, name, base, count, uid, e);
}

int gofn_store_tenant_uid_free(gofn_store *s, const char *name, gofn_err *e)
{
	return s->ops->ten->uid_free(s, name, e);
}

static int taken_has(const unsigned *taken, size_t n, unsigned uid)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (taken[mid] == uid)
			return 1;
		if (taken[mid] < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

unsigned gofn_tenant_uid_pick(const char *name, unsigned base, unsigned count,
			      const unsigned *taken, size_t ntaken)
{
	if (!count || ntaken >= count)
		return 0;
	/* An attacker choosing names to collide only gets the next free uid;
	 * at most ntaken + 1 probes, since ntaken < count. */
	unsigned off = (unsigned)(gofn_fnv1a(GOFN_FNV1A_INIT, name, strlen(name)) % count);
	for (size_t probe = 0; probe <= ntaken; probe++) {
		if (!taken_has(taken, ntaken, base + off))
			return base + off;
		off = (off + 1) % count;
	}
	return 0;
}
