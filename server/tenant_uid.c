#include "server/tenant_uid.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"

int gofn_uid_range_parse(gofn_config *c, const char *v, gofn_err *e)
{
	char *end;
	unsigned long long base, count;

	if (strcmp(v, "off") == 0) {
		c->uid_base = c->uid_count = 0;
		return 0;
	}
	errno = 0;
	base = strtoull(v, &end, 10);
	if (errno || end == v || *end != ':' || v[0] == '-')
		return gofn_errf(e, GOFN_EINVAL, "--uid-range %s: want BASE:COUNT or off", v);
	const char *n = end + 1;
	count = strtoull(n, &end, 10);
	if (errno || end == n || *end || n[0] == '-' || count == 0 || base < 1000 ||
	    base + count > UINT32_MAX - 1)
		return gofn_errf(e, GOFN_EINVAL,
				 "--uid-range %s: want BASE:COUNT, BASE >= 1000, within 32 bits",
				 v);
	c->uid_base = (unsigned)base;
	c->uid_count = (unsigned)count;
	return 0;
}

/* Tenants seen so far and the uid each got; a tenant keeps its uid for the
 * life of the process (its workers may still run under it). */
typedef struct assigned {
	char *tenant;
	unsigned uid;
} assigned;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static assigned *table;
static size_t used, cap;

static const assigned *find(const char *tenant, unsigned uid)
{
	for (size_t i = 0; i < used; i++)
		if ((tenant && strcmp(table[i].tenant, tenant) == 0) ||
		    (!tenant && table[i].uid == uid))
			return &table[i];
	return NULL;
}

static unsigned assign(const gofn_config *c, const char *tenant)
{
	const assigned *a = find(tenant, 0);

	if (a)
		return a->uid;
	if (used == c->uid_count)
		return 0;
	if (used == cap) {
		size_t ncap = cap ? cap * 2 : 64;
		assigned *t = realloc(table, ncap * sizeof *t);
		if (!t)
			return 0;
		table = t;
		cap = ncap;
	}
	/* An attacker choosing names to collide only gets the next free uid. */
	unsigned off =
	    (unsigned)(gofn_fnv1a(GOFN_FNV1A_INIT, tenant, strlen(tenant)) % c->uid_count);
	while (find(NULL, c->uid_base + off))
		off = (off + 1) % c->uid_count;
	char *name = strdup(tenant);
	if (!name)
		return 0;
	table[used++] = (assigned){.tenant = name, .uid = c->uid_base + off};
	return c->uid_base + off;
}

unsigned gofn_tenant_uid(const gofn_config *c, const char *tenant)
{
	if (!c->uid_count || !tenant)
		return 0;
	pthread_mutex_lock(&mu);
	unsigned uid = assign(c, tenant);
	pthread_mutex_unlock(&mu);
	return uid;
}
