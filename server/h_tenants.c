/* Admin routes: create, list and delete tenants. */
#include <string.h>

#include "server/crypto.h"
#include "server/log.h"
#include "server/objects.h"
#include "server/routes.h"

/* Names appear in paths, metrics labels and logs: keep them plain. */
static int valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 63)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		int ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
			 (i > 0 && (ch == '-' || ch == '_'));
		if (!ok)
			return 0;
	}
	return 1;
}

enum MHD_Result gofn_h_tenant_create(gofn_req *r)
{
	json_error_t je;
	gofn_err e = {0};
	char secret[65], token[80], sha[GOFN_SHA256_HEX];

	json_t *in = json_loadb((const char *)r->body, r->len, JSON_REJECT_DUPLICATES, &je);
	if (!in)
		return gofn_reply_error(r, 400, "bad_json", "request body: %s (line %d)", je.text,
					je.line);
	const char *name = json_string_value(json_object_get(in, "name"));
	if (!json_is_object(in) || !name) {
		json_decref(in);
		return gofn_reply_error(r, 400, "bad_request", "want {\"name\": \"...\"}");
	}
	if (!valid_name(name)) {
		json_decref(in);
		return gofn_reply_error(
		    r, 400, "bad_name",
		    "tenant name: 1-63 of [a-z0-9_-], starting with a letter or digit");
	}
	if (gofn_random_hex(secret, 32, &e) < 0) {
		json_decref(in);
		return gofn_reply_error(r, 500, "internal", "%s", e.msg);
	}
	snprintf(token, sizeof token, "gofn_%s", secret);
	gofn_sha256_hex(token, strlen(token), sha);
	int rc = gofn_store_tenant_add(r->srv->store, name, sha, &e);
	json_t *out = json_pack("{s:s, s:s}", "name", name, "token", token);
	json_decref(in);
	if (rc < 0) {
		json_decref(out);
		return gofn_reply_error(r, 500, "internal", "%s", e.msg);
	}
	if (rc > 0) {
		json_decref(out);
		return gofn_reply_error(r, 409, "exists", "tenant already exists");
	}
	gofn_log("info", "tenant_created",
		 json_pack("{s:s}", "tenant", json_string_value(json_object_get(out, "name"))));
	return gofn_reply_json(r, 201, out);
}

enum MHD_Result gofn_h_tenant_list(gofn_req *r)
{
	gofn_err e = {0};
	json_t *a = gofn_store_tenant_list(r->srv->store, &e);

	if (!a)
		return gofn_reply_error(r, 500, "internal", "%s", e.msg);
	return gofn_reply_json(r, 200, json_pack("{s:o}", "tenants", a));
}

/* Objects are shared by content; remove only those nothing references now. */
static void collect_garbage(gofn_req *r, json_t *shas)
{
	size_t i;
	json_t *v;
	gofn_err e;

	json_array_foreach(shas, i, v)
	{
		int64_t refs = 1;
		if (gofn_store_sha_refs(r->srv->store, json_string_value(v), &refs, &e) == 0 &&
		    refs == 0)
			gofn_objects_remove(r->srv->cfg.data_dir, json_string_value(v));
	}
}

enum MHD_Result gofn_h_tenant_delete(gofn_req *r)
{
	gofn_err e = {0};
	json_t *before = gofn_store_all_shas(r->srv->store, &e);
	int rc = gofn_store_tenant_del(r->srv->store, r->param, &e);

	if (rc < 0) {
		json_decref(before);
		return gofn_reply_error(r, 500, "internal", "%s", e.msg);
	}
	if (rc > 0) {
		json_decref(before);
		return gofn_reply_error(r, 404, "not_found", "no such tenant");
	}
	gofn_pool_forget(r->srv->pool, r->param, NULL);
	if (before)
		collect_garbage(r, before);
	json_decref(before);
	gofn_log("info", "tenant_deleted", json_pack("{s:s}", "tenant", r->param));
	return gofn_reply_raw(r, 204, "application/json", NULL, 0, NULL);
}
