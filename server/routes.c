#include "server/routes.h"

#include <stdio.h>
#include <string.h>

static const gofn_route routes[] = {
    {"POST", "/tenants", GOFN_AUTH_ADMIN, GOFN_BODY_SMALL, gofn_h_tenant_create},
    {"GET", "/tenants", GOFN_AUTH_ADMIN, GOFN_BODY_NONE, gofn_h_tenant_list},
    {"DELETE", "/tenants/{name}", GOFN_AUTH_ADMIN, GOFN_BODY_NONE, gofn_h_tenant_delete},
    {"POST", "/functions", GOFN_AUTH_TENANT, GOFN_BODY_OBJECT, gofn_h_fn_upload},
    {"GET", "/functions", GOFN_AUTH_TENANT, GOFN_BODY_NONE, gofn_h_fn_list},
    {"GET", "/functions/{id}", GOFN_AUTH_TENANT, GOFN_BODY_NONE, gofn_h_fn_get},
    {"DELETE", "/functions/{id}", GOFN_AUTH_TENANT, GOFN_BODY_NONE, gofn_h_fn_delete},
    {"POST", "/invoke/{symbol}", GOFN_AUTH_TENANT, GOFN_BODY_SMALL, gofn_h_invoke},
    {"GET", "/healthz", GOFN_AUTH_NONE, GOFN_BODY_NONE, gofn_h_healthz},
    {"GET", "/metrics", GOFN_AUTH_ADMIN, GOFN_BODY_NONE, gofn_h_metrics},
    {"GET", "/profiles", GOFN_AUTH_TENANT, GOFN_BODY_NONE, gofn_h_profile_list},
    {"GET", "/profiles/{id}", GOFN_AUTH_NONE, GOFN_BODY_NONE, gofn_h_profile_get},
    {"DELETE", "/profiles/{id}", GOFN_AUTH_TENANT, GOFN_BODY_NONE, gofn_h_profile_delete},
    {"POST", "/functions/{id}/profile", GOFN_AUTH_TENANT, GOFN_BODY_NONE, gofn_h_fn_profile},
    {"GET", "/functions/{name}/versions", GOFN_AUTH_TENANT, GOFN_BODY_NONE, gofn_h_fn_versions},
    {"POST", "/functions/{name}/rollback", GOFN_AUTH_TENANT, GOFN_BODY_SMALL, gofn_h_fn_rollback},
    {"POST", "/objects/missing", GOFN_AUTH_TENANT, GOFN_BODY_SMALL, gofn_h_objects_missing},
};

/* Matches "/functions/{id}" against "/functions/abc": the literal prefix,
 * then one non-empty segment without '/', then the literal rest if any
 * ("/functions/{id}/profile"). */
static int path_match(const char *pattern, const char *url, char *param, size_t cap)
{
	const char *brace = strchr(pattern, '{');

	if (!brace)
		return strcmp(pattern, url) == 0;
	size_t pre = (size_t)(brace - pattern);
	if (strncmp(pattern, url, pre) != 0)
		return 0;
	const char *seg = url + pre;
	const char *rest = strchr(brace, '}') + 1;
	size_t n = strlen(seg), nrest = strlen(rest);
	if (n <= nrest || strcmp(seg + n - nrest, rest) != 0)
		return 0;
	n -= nrest;
	if (n == 0 || n >= cap || memchr(seg, '/', n))
		return 0;
	memcpy(param, seg, n);
	param[n] = 0;
	return 1;
}

const gofn_route *gofn_route_match(const char *method, const char *url, char *param, size_t cap,
				   int *method_mismatch)
{
	*method_mismatch = 0;
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		if (!path_match(routes[i].pattern, url, param, cap))
			continue;
		if (strcmp(routes[i].method, method) == 0)
			return &routes[i];
		*method_mismatch = 1;
	}
	return NULL;
}

void gofn_routes_print(void)
{
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		printf("%s %s\n", routes[i].method, routes[i].pattern);
}
