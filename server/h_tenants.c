/* Admin routes: create, list and delete tenants. */
#include <stdlib.h>
#include <string.h>

#include "server/crypto.h"
#include "server/functions.h"
#include "server/log.h"
#include "server/routes.h"
#include "server/views.h"

/* Names appear in paths, metrics labels and logs: keep them plain. */
static int valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= GOFN_NAME_MAX)
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
	char secret[GOFN_SECRET_HEX], token[GOFN_TOKEN_MAX], sha[GOFN_SHA256_HEX];

	json_t *in = json_loadb((const char *)r->body, r->len, JSON_REJECT_DUPLICATES, &je);
	if (!in)
		return gofn_reply_fail(r, GOFN_EINVAL, "bad_json", "request body: %s (line %d)",
				       je.text, je.line);
	const char *name = json_string_value(json_object_get(in, "name"));
	if (!json_is_object(in) || !name) {
		json_decref(in);
		return gofn_reply_fail(r, GOFN_EINVAL, NULL, "want {\"name\": \"...\"}");
	}
	if (!valid_name(name)) {
		json_decref(in);
		return gofn_reply_fail(
		    r, GOFN_EINVAL, "bad_name",
		    "tenant name: 1-63 of [a-z0-9_-], starting with a letter or digit");
	}
	if (gofn_random_hex(secret, 32, &e) < 0) {
		json_decref(in);
		return gofn_reply_err(r, &e);
	}
	snprintf(token, sizeof token, "gofn_%s", secret);
	gofn_sha256_hex(token, strlen(token), sha);
	int rc = gofn_store_tenant_add(r->srv->store, name, sha, &e);
	json_t *out = json_pack("{s:s, s:s}", "name", name, "token", token);
	json_decref(in);
	if (rc < 0) {
		json_decref(out);
		return gofn_reply_err(r, &e);
	}
	if (rc > 0) {
		json_decref(out);
		return gofn_reply_fail(r, GOFN_ECONFLICT, "exists", "tenant already exists");
	}
	gofn_log("info", "tenant_created",
		 json_pack("{s:s}", "tenant", json_string_value(json_object_get(out, "name"))));
	return gofn_reply_json(r, 201, out);
}

enum MHD_Result gofn_h_tenant_list(gofn_req *r)
{
	gofn_tenant_row *rows;
	size_t n;
	gofn_err e = {0};

	if (gofn_store_tenant_list(r->srv->store, &rows, &n, &e) < 0)
		return gofn_reply_err(r, &e);
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, gofn_tenant_json(&rows[i]));
	free(rows);
	return gofn_reply_json(r, 200, json_pack("{s:o}", "tenants", a));
}

enum MHD_Result gofn_h_tenant_delete(gofn_req *r)
{
	gofn_err e = {0};

	if (gofn_tenant_remove(r->srv, r->param, &e) < 0)
		return gofn_reply_err(r, &e);
	return gofn_reply_raw(r, 204, "application/json", NULL, 0, NULL);
}
