/* The route table: the single list of what gofnd serves. api/openapi.yaml
 * must document exactly these (tests/integration checks it through
 * `gofnd --print-routes`). */
#ifndef GOFN_SERVER_ROUTES_H
#define GOFN_SERVER_ROUTES_H

#include "server/http.h"

enum gofn_auth { GOFN_AUTH_NONE, GOFN_AUTH_ADMIN, GOFN_AUTH_TENANT };
enum gofn_body { GOFN_BODY_NONE, GOFN_BODY_SMALL, GOFN_BODY_OBJECT };

struct gofn_route {
	const char *method;
	/* At most one {param}: a whole segment, then literal text; or {param...}
	 * at the end: the rest of the path, '/' included. */
	const char *pattern;
	enum gofn_auth auth;
	enum gofn_body body;
	enum MHD_Result (*handle)(gofn_req *r);
};

/* Finds the route. HEAD matches GET's (MHD sends no body for HEAD). When
 * none matches, allow lists the methods the path has ("" if none: 404). */
const gofn_route *gofn_route_match(const char *method, const char *url, char *param, size_t cap,
				   char *allow, size_t allow_cap);
void gofn_routes_print(void);

/* Handlers (h_*.c). */
enum MHD_Result gofn_h_tenant_create(gofn_req *r);
enum MHD_Result gofn_h_tenant_list(gofn_req *r);
enum MHD_Result gofn_h_tenant_get(gofn_req *r);
enum MHD_Result gofn_h_tenant_patch(gofn_req *r);
enum MHD_Result gofn_h_tenant_delete(gofn_req *r);
enum MHD_Result gofn_h_fn_upload(gofn_req *r);
enum MHD_Result gofn_h_fn_list(gofn_req *r);
enum MHD_Result gofn_h_fn_get(gofn_req *r);
enum MHD_Result gofn_h_fn_delete(gofn_req *r);
enum MHD_Result gofn_h_invoke(gofn_req *r);
enum MHD_Result gofn_h_invocation_list(gofn_req *r);
enum MHD_Result gofn_h_invocation_get(gofn_req *r);
enum MHD_Result gofn_h_healthz(gofn_req *r);
enum MHD_Result gofn_h_runtimes(gofn_req *r);
enum MHD_Result gofn_h_metrics(gofn_req *r);
enum MHD_Result gofn_h_profile_list(gofn_req *r);
enum MHD_Result gofn_h_profile_get(gofn_req *r); /* own auth: bearer or ?token= */
enum MHD_Result gofn_h_profile_delete(gofn_req *r);
enum MHD_Result gofn_h_fn_profile(gofn_req *r);
enum MHD_Result gofn_h_fn_versions(gofn_req *r);
enum MHD_Result gofn_h_fn_rollback(gofn_req *r);
enum MHD_Result gofn_h_objects_missing(gofn_req *r);
enum MHD_Result gofn_h_fn_config_get(gofn_req *r);
enum MHD_Result gofn_h_fn_config_put(gofn_req *r);

#endif
