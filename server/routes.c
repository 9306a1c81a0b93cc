#include "server/routes.h"

#include <stdio.h>
#include <string.h>

static const gofn_route routes[] = {
    {"POST", "/tenants", GOFN_AUTH_ADMIN, GOFN_BODY_SMALL, gofn_h_tenant_create},
    {"GET", "/tenants", GOFN_AUTH_ADMIN, GOFN_BODY_NONE, gofn_h_tenant_list},
    {"GET", "/tenants/{name}", GOFN_AUTH_ADMIN, GOFN_BODY_NONE, gofn_h_tenant_get},
    {"PATCH", "/tenants/{name}", GOFN_AUTH_ADMIN, GOFN_BODY_SMALL, gofn_h_tenant_patch},
    {"DELETE", "/tenants/{name}", GOFN_AUTH_ADMIN, GOFN_BODY_NONE, gofn_h_tenant_delete},
    {"POST", "/functions", GOFN_AUTH_TENANT, GOFN_BODY_OBJECT, gofn_h_fn_upload},
    {"GET", "/functions", GOFN_AUTH_TENANT, GOFN_BODY_NONE, gofn_h_fn_list},
    {"GET", "/functions/{id}", GOFN_AUTH_TENANT, GOFN_BODY_NONE, gofn_h_fn_get},
    {"DELETE", "/functions/{id}", GOFN_AUTH_TENANT, GOFN_BODY_NONE, gofn_h_fn_delete},
    {"POST", "/invoke/{symbol...}", GOFN_AUTH_TENANT, GOFN_BODY_SMALL, gofn_h_invoke},
    /* HTTP functions (issue 17) take any method. */
    {"GET", "/invoke/{symbol...}", GOFN_AUTH_TENANT, GOFN_BODY_SMALL, gofn_h_invoke},
    {"PUT", "/invoke/{symbol...}", GOFN_AUTH_TENANT, GOFN_BODY_SMALL, gofn_h_invoke},
    {"PATCH", "/invoke/{symbol...}", GOFN_AUTH_TENANT, GOFN_BODY_SMALL, gofn_h_invoke},
    {"DELETE", "/invoke/{symbol...}", GOFN_AUTH_TENANT, GOFN_BODY_SMALL, gofn_h_invoke},
    {"HEAD", "/invoke/{symbol...}", GOFN_AUTH_TENANT, GOFN_BODY_SMALL, gofn_h_invoke},
    {"OPTIONS", "/invoke/{symbol...}", GOFN_AUTH_TENANT, GOFN_BODY_SMALL, gofn_h_invoke},
    {"GET", "/invocations", GOFN_AUTH_TENANT, GOFN_BODY_NONE, gofn_h_invocation_list},
    {"GET", "/invocations/{id}", GOFN_AUTH_TENANT, GOFN_BODY_NONE, gofn_h_invocation_get},
    {"GET", "/healthz", GOFN_AUTH_NONE, GOFN_BODY_NONE, gofn_h_healthz},
    {"GET", "/runtimes", GOFN_AUTH_NONE, GOFN_BODY_NONE, gofn_h_runtimes},
    {"GET", "/metrics", GOFN_AUTH_ADMIN, GOFN_BODY_NONE, gofn_h_metrics},
    {"GET", "/profiles", GOFN_AUTH_TENANT, GOFN_BODY_NONE, gofn_h_profile_list},
    {"GET", "/profiles/{id}", GOFN_AUTH_NONE, GOFN_BODY_NONE, gofn_h_profile_get},
    {"DELETE", "/profiles/{id}", GOFN_AUTH_TENANT, GOFN_BODY_NONE, gofn_h_profile_delete},
    {"POST", "/functions/{id}/profile", GOFN_AUTH_TENANT, GOFN_BODY_NONE, gofn_h_fn_profile},
    {"GET", "/functions/{name}/versions", GOFN_AUTH_TENANT, GOFN_BODY_NONE, gofn_h_fn_versions},
    {"POST", "/functions/{name}/rollback", GOFN_AUTH_TENANT, GOFN_BODY_SMALL, gofn_h_fn_rollback},
    {"POST", "/objects/missing", GOFN_AUTH_TENANT, GOFN_BODY_SMALL, gofn_h_objects_missing},
    {"GET", "/functions/{name}/config", GOFN_AUTH_TENANT, GOFN_BODY_NONE, gofn_h_fn_config_get},
    {"PUT", "/functions/{name}/config", GOFN_AUTH_TENANT, GOFN_BODY_SMALL, gofn_h_fn_config_put},
};

/* Matches "/functions/{id}" against "/functions/abc": the literal prefix,
 * then one non-empty segment without '/', then the literal rest if any
 * ("/functions/{id}/profile"). "{symbol...}" takes the non-empty rest of
 * the path, slashes and all: Go symbols carry their package's import path
 * (example.com/greet.Hello). */
static int path_match(const char *pattern, const char *url, char *param, size_t cap)
{
	const char *brace = strchr(pattern, '{');

	if (!brace)
		return strcmp(pattern, url) == 0;
	size_t pre = (size_t)(brace - pattern);
	if (strncmp(pattern, url, pre) != 0)
		return 0;
	const char *seg = url + pre;
	if (strstr(brace, "...}")) {
		size_t n = strlen(seg);
		if (n == 0 || n >= cap)
			return 0;
		memcpy(param, seg, n + 1);
		return 1;
	}
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

static void allow_add(char *allow, size_t cap, const char *method)
{
	size_t n = strlen(allow);

	snprintf(allow + n, cap - n, "%s%s", n ? ", " : "", method);
}

const gofn_route *gofn_route_match(const char *method, const char *url, char *param, size_t cap,
				   char *allow, size_t allow_cap)
{
	const char *want = strcmp(method, "HEAD") == 0 ? "GET" : method;

	allow[0] = 0;
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		if (!path_match(routes[i].pattern, url, param, cap))
			continue;
		if (strcmp(routes[i].method, want) == 0)
			return &routes[i];
		allow_add(allow, allow_cap, routes[i].method);
		if (strcmp(routes[i].method, "GET") == 0)
			allow_add(allow, allow_cap, "HEAD");
	}
	return NULL;
}

void gofn_routes_print(void)
{
	/* As api/openapi.yaml spells them: "{symbol...}" is "{symbol}" there. */
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		const char *dots = strstr(routes[i].pattern, "...}");
		int n = dots ? (int)(dots - routes[i].pattern) : (int)strlen(routes[i].pattern);
		printf("%s %.*s%s\n", routes[i].method, n, routes[i].pattern, dots ? "}" : "");
	}
}
