/* Admin routes: create, list, show, change (CPU settings) and delete tenants. */
#include <stdlib.h>
#include <string.h>

#include "sandbox/sandbox.h"
#include "server/crypto.h"
#include "server/functions.h"
#include "server/log.h"
#include "server/routes.h"
#include "server/store_tenants.h"
#include "server/tenant_uid.h"
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

/* A tenant's CPU settings as a request sets them. */
typedef struct cpu_req {
	int set;	   /* any field given */
	int weight;	   /* 0: the default */
	int64_t quota;	   /* millicores; 0: none ("max"); -1: the default */
	const char *field; /* the bad field, when parsing fails */
	char why[160];
} cpu_req;

/* cpu_weight: 1..10000 (cgroup v2 cpu.weight; v1 cpu.shares = x 1024 / 100)
 * or null (the default); cpu_quota: millicores (1000 = one CPU) or "max"
 * (no cap) or null (the default). An absent field keeps its value. */
static int cpu_parse(json_t *in, cpu_req *c)
{
	json_t *w = json_object_get(in, "cpu_weight"), *q = json_object_get(in, "cpu_quota");

	if (w) {
		c->set = 1;
		json_int_t v = json_integer_value(w);
		if (json_is_null(w)) {
			c->weight = 0;
		} else if (!json_is_integer(w) || v < GOFN_CPU_WEIGHT_MIN ||
			   v > GOFN_CPU_WEIGHT_MAX) {
			c->field = "cpu_weight";
			snprintf(c->why, sizeof c->why,
				 "an integer %u..%u, or null for the default", GOFN_CPU_WEIGHT_MIN,
				 GOFN_CPU_WEIGHT_MAX);
			return -1;
		} else {
			c->weight = (int)v;
		}
	}
	if (q) {
		c->set = 1;
		json_int_t v = json_integer_value(q);
		if (json_is_null(q)) {
			c->quota = -1;
		} else if (json_is_string(q) && strcmp(json_string_value(q), "max") == 0) {
			c->quota = 0;
		} else if (!json_is_integer(q) || v < GOFN_CPU_QUOTA_MIN ||
			   v > GOFN_CPU_QUOTA_MAX) {
			c->field = "cpu_quota";
			snprintf(c->why, sizeof c->why,
				 "millicores %u..%u (1000 = one CPU), \"max\" for no cap, or null "
				 "for the default",
				 GOFN_CPU_QUOTA_MIN, GOFN_CPU_QUOTA_MAX);
			return -1;
		} else {
			c->quota = v;
		}
	}
	return 0;
}

static enum MHD_Result cpu_refusal(gofn_req *r, const cpu_req *c)
{
	char code[32];

	snprintf(code, sizeof code, "bad_%s", c->field);
	return gofn_reply_fail(r, GOFN_EINVAL, code, "%s: want %s", c->field, c->why);
}

/* The body as a JSON object, or NULL after answering 400. */
static json_t *body_object(gofn_req *r, const char *want, enum MHD_Result *rc)
{
	json_error_t je;
	json_t *in = json_loadb((const char *)r->body, r->len, JSON_REJECT_DUPLICATES, &je);

	if (!in) {
		*rc = gofn_reply_fail(r, GOFN_EINVAL, "bad_json", "request body: %s (line %d)",
				      je.text, je.line);
		return NULL;
	}
	if (!json_is_object(in)) {
		json_decref(in);
		*rc = gofn_reply_fail(r, GOFN_EINVAL, NULL, "want %s", want);
		return NULL;
	}
	return in;
}

static enum MHD_Result reply_tenant(gofn_req *r, const char *name, unsigned status)
{
	gofn_tenant_row row;
	gofn_err e = {0};
	int rc = gofn_store_tenant_get(r->srv->store, name, &row, &e);

	if (rc < 0)
		return gofn_reply_err(r, &e);
	if (rc > 0)
		return gofn_reply_fail(r, GOFN_ENOTFOUND, NULL, "no such tenant");
	return gofn_reply_json(r, status, gofn_tenant_json(&row, &r->srv->cfg));
}

enum MHD_Result gofn_h_tenant_create(gofn_req *r)
{
	gofn_err e = {0};
	enum MHD_Result mr;
	char secret[GOFN_SECRET_HEX], token[GOFN_TOKEN_MAX], sha[GOFN_SHA256_HEX];
	cpu_req cpu = {.quota = -1};

	json_t *in = body_object(r, "{\"name\": \"...\"}", &mr);
	if (!in)
		return mr;
	const char *name = json_string_value(json_object_get(in, "name"));
	if (!name) {
		json_decref(in);
		return gofn_reply_fail(r, GOFN_EINVAL, NULL, "want {\"name\": \"...\"}");
	}
	if (!valid_name(name)) {
		json_decref(in);
		return gofn_reply_fail(
		    r, GOFN_EINVAL, "bad_name",
		    "tenant name: 1-63 of [a-z0-9_-], starting with a letter or digit");
	}
	if (cpu_parse(in, &cpu) < 0) {
		json_decref(in);
		return cpu_refusal(r, &cpu);
	}
	if (gofn_random_hex(secret, 32, &e) < 0) {
		json_decref(in);
		return gofn_reply_err(r, &e);
	}
	snprintf(token, sizeof token, "gofn_%s", secret);
	gofn_sha256_hex(token, strlen(token), sha);
	int rc = gofn_store_tenant_add(r->srv->store, name, sha, &e);
	if (rc == 0 && cpu.set)
		rc = gofn_store_tenant_cpu_set(r->srv->store, name, cpu.weight, cpu.quota, &e) < 0
			 ? -1
			 : 0;
	gofn_tenant_row row;
	if (rc == 0)
		rc = gofn_store_tenant_get(r->srv->store, name, &row, &e) < 0 ? -1 : 0;
	json_decref(in);
	if (rc < 0)
		return gofn_reply_err(r, &e);
	if (rc > 0)
		return gofn_reply_fail(r, GOFN_ECONFLICT, "exists", "tenant already exists");
	json_t *out = gofn_tenant_json(&row, &r->srv->cfg);
	json_object_set_new(out, "token", json_string(token));
	gofn_log("info", "tenant_created", json_pack("{s:s}", "tenant", row.name));
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
		json_array_append_new(a, gofn_tenant_json(&rows[i], &r->srv->cfg));
	free(rows);
	return gofn_reply_json(r, 200, json_pack("{s:o}", "tenants", a));
}

enum MHD_Result gofn_h_tenant_get(gofn_req *r)
{
	return reply_tenant(r, r->param, 200);
}

/* PATCH /tenants/{name}: its CPU settings, stored, then written into its
 * workers' CPU group so running workers feel them at once. */
enum MHD_Result gofn_h_tenant_patch(gofn_req *r)
{
	gofn_err e = {0};
	gofn_tenant_row row;
	enum MHD_Result mr;
	const char *key;
	json_t *v;

	json_t *in = body_object(r, "{\"cpu_weight\": N, \"cpu_quota\": N|\"max\"}", &mr);
	if (!in)
		return mr;
	json_object_foreach(in, key, v)
	{
		if (strcmp(key, "cpu_weight") && strcmp(key, "cpu_quota")) {
			mr = gofn_reply_fail(r, GOFN_EINVAL, "unknown_field",
					     "%s: not a tenant setting (cpu_weight, cpu_quota)",
					     key);
			json_decref(in);
			return mr;
		}
	}
	int rc = gofn_store_tenant_get(r->srv->store, r->param, &row, &e);
	cpu_req cpu = {.weight = rc == 0 ? row.cpu_weight : 0,
		       .quota = rc == 0 ? row.cpu_quota : -1};
	int bad = rc == 0 && cpu_parse(in, &cpu) < 0;
	json_decref(in);
	if (bad)
		return cpu_refusal(r, &cpu);
	if (rc == 0)
		rc = gofn_store_tenant_cpu_set(r->srv->store, r->param, cpu.weight, cpu.quota, &e);
	if (rc == 0)
		rc = gofn_store_tenant_get(r->srv->store, r->param, &row, &e);
	if (rc < 0)
		return gofn_reply_err(r, &e);
	if (rc > 0)
		return gofn_reply_fail(r, GOFN_ENOTFOUND, NULL, "no such tenant");
	unsigned w, q;
	gofn_tenant_cpu_of(&r->srv->cfg, &row, &w, &q);
	int groups = gofn_tenant_cpu_apply(r->srv, &row, &e);
	gofn_log(groups < 0 ? "warn" : "info", "tenant_cpu_set",
		 json_pack("{s:s, s:I, s:I, s:i, s:o}", "tenant", row.name, "cpu_weight",
			   (json_int_t)w, "cpu_quota", (json_int_t)q, "groups", groups, "error",
			   groups < 0 ? gofn_json_text(e.msg) : json_null()));
	return gofn_reply_json(r, 200, gofn_tenant_json(&row, &r->srv->cfg));
}

enum MHD_Result gofn_h_tenant_delete(gofn_req *r)
{
	gofn_err e = {0};

	if (gofn_tenant_remove(r->srv, r->param, &e) < 0)
		return gofn_reply_err(r, &e);
	return gofn_reply_raw(r, 204, "application/json", NULL, 0, NULL);
}
