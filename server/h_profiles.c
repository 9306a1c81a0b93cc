/* GET /profiles, GET/DELETE /profiles/{id}, POST /functions/{id}/profile,
 * and storing an invocation's profiles (see server/profiles.h). */
#include "server/h_profiles.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "api/frame_io.h"
#include "common/buf.h"
#include "server/crypto.h"
#include "server/log.h"
#include "server/profiles.h"
#include "server/routes.h"

#define WINDOW_MAX_S 300

/* Host is hostile: only host[:port] characters make it into a URL. */
static int sane_host(const char *h)
{
	size_t n = h ? strlen(h) : 0;

	if (n == 0 || n > 255)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)h[i]) && !strchr(".-:[]_", h[i]))
			return 0;
	return 1;
}

/* The absolute base: --public-url, else http://Host, else the listener. */
static void base_url(gofn_req *r, char *out, size_t cap)
{
	const gofn_config *c = &r->srv->cfg;
	const char *host = gofn_req_header(r, MHD_HTTP_HEADER_HOST);

	if (c->public_url[0]) {
		size_t n = strlen(c->public_url);
		while (n && c->public_url[n - 1] == '/')
			n--;
		snprintf(out, cap, "%.*s", (int)n, c->public_url);
	} else if (sane_host(host)) {
		snprintf(out, cap, "http://%s", host);
	} else {
		snprintf(out, cap, strchr(c->listen_host, ':') ? "http://[%s]:%d" : "http://%s:%d",
			 c->listen_host, r->srv->bound_port);
	}
}

static json_t *profile_url(gofn_req *r, const char *id)
{
	char base[600], tok[GOFN_PROFILE_TOKEN_MAX], url[900];

	base_url(r, base, sizeof base);
	gofn_profiles_token(r->srv->profiles, id,
			    (int64_t)time(NULL) + r->srv->cfg.profile_token_ttl_s, tok);
	snprintf(url, sizeof url, "%s/profiles/%s?token=%s", base, id, tok);
	return json_string(url);
}

int gofn_profiling_query(gofn_req *r, gofn_profiling *p, enum MHD_Result *rc)
{
	const char *list = gofn_req_query(r, "profile");
	const char *h = gofn_req_query(r, "profile_hz");
	gofn_err e = {0};
	char *end;

	*p = (gofn_profiling){0};
	if (list && gofn_profile_kinds_parse(list, &p->asked, &e) < 0) {
		*rc = gofn_reply_fail(r, GOFN_EINVAL, "bad_profile", "profile: %s", e.msg);
		return -1;
	}
	if (h) {
		long v = strtol(h, &end, 10);
		if (end == h || *end || v < GOFN_PROFILE_HZ_MIN || v > GOFN_PROFILE_HZ_MAX) {
			*rc =
			    gofn_reply_fail(r, GOFN_EINVAL, "bad_profile_hz", "profile_hz: %d..%d",
					    GOFN_PROFILE_HZ_MIN, GOFN_PROFILE_HZ_MAX);
			return -1;
		}
		p->hz = (int)v;
	}
	return 0;
}

void gofn_profiling_begin(gofn_req *r, const gofn_function *f, gofn_profiling *p)
{
	p->f = f;
	p->kinds = p->asked;
	p->in_window = gofn_profiles_window_begin(r->srv->profiles, r->tenant, f->id);
	if (p->in_window)
		p->kinds |= 1u << GOFN_PROF_CPU;
}

static int store_one(gofn_req *r, const char *inv, const gofn_function *f, int k,
		     const gofn_capture *c, char *id, gofn_err *e)
{
	gofn_profile_row row = {0};

	if (c->truncated)
		return gofn_errf(e, GOFN_ELIMIT, "profile over the %u-byte limit",
				 GOFN_PROFILE_MAX);
	snprintf(row.tenant, sizeof row.tenant, "%s", r->tenant);
	snprintf(row.kind, sizeof row.kind, "%s", gofn_profile_kind_name(k));
	snprintf(row.invocation, sizeof row.invocation, "%s", inv);
	snprintf(row.function, sizeof row.function, "%s", f->id);
	snprintf(row.symbol, sizeof row.symbol, "%s", r->param);
	if (gofn_profiles_put(r->srv->profiles, &row, c->data, c->len, e) < 0)
		return -1;
	snprintf(id, 40, "%s", row.id);
	return 0;
}

void gofn_profiling_end(gofn_req *r, gofn_profiling *p, const char *inv, const gofn_outcome *o,
			json_t *j)
{
	const gofn_function *f = p->f;
	unsigned asked = o ? p->asked : 0, taken = o ? p->kinds : 0;

	if (!p->kinds && !p->in_window)
		return; /* nothing taken or counted: most calls, no objects to make */
	json_t *urls = json_object(), *errs = json_object();

	for (int k = 0; k < GOFN_PROF_NKINDS; k++) {
		if (!(taken & (1u << k)))
			continue;
		const gofn_capture *c = &o->profiles[k];
		const char *name = gofn_profile_kind_name(k);
		char id[40];
		gofn_err e = {0};
		if (!c->len) {
			json_object_set_new(errs, name,
					    json_string(o->profile_error[k][0]
							    ? o->profile_error[k]
							    : "the invocation ended before its "
							      "profile was written"));
			continue;
		}
		if (store_one(r, inv, f, k, c, id, &e) < 0) {
			gofn_log("error", "profile_store",
				 json_pack("{s:s, s:s}", "invocation_id", inv, "error", e.msg));
			json_object_set_new(errs, name, json_string(e.msg));
			continue;
		}
		if (k == GOFN_PROF_CPU)
			gofn_profiles_window_add(r->srv->profiles, r->tenant, f->id, id);
		if (asked & (1u << k))
			json_object_set_new(urls, name, profile_url(r, id));
	}
	if (p->in_window)
		gofn_profiles_window_done(r->srv->profiles, r->tenant, f->id);
	p->in_window = 0;
	for (int k = 0; k < GOFN_PROF_NKINDS; k++)
		if (!(asked & (1u << k)))
			json_object_del(errs, gofn_profile_kind_name(k));
	if (j && asked) {
		json_object_set_new(j, "profiles", urls);
		urls = NULL;
		if (json_object_size(errs)) {
			json_object_set_new(j, "profile_errors", errs);
			errs = NULL;
		}
	}
	json_decref(urls);
	json_decref(errs);
}

static json_t *row_json(gofn_req *r, const gofn_profile_row *p)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:o}", "id", p->id, "kind", p->kind,
			 "invocation_id", p->invocation, "function", p->function, "symbol",
			 p->symbol, "size", (json_int_t)p->size, "created", (json_int_t)p->created,
			 "url", profile_url(r, p->id));
}

enum MHD_Result gofn_h_profile_list(gofn_req *r)
{
	gofn_profile_row *rows;
	size_t n;
	gofn_err e = {0};

	if (gofn_profiles_list(r->srv->profiles, r->tenant, &rows, &n, &e) < 0)
		return gofn_reply_err(r, &e);
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, row_json(r, &rows[i]));
	free(rows);
	return gofn_reply_json(r, 200, json_pack("{s:o}", "profiles", a));
}

/* The route has no auth of its own: a capability token in the query, or
 * the owning tenant's bearer token (as every tenant route checks it). */
static enum MHD_Result authorize(gofn_req *r, const char **tenant, int *ok)
{
	const char *tok = gofn_req_query(r, "token");
	const char *h = gofn_req_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
	char sha[GOFN_SHA256_HEX];
	gofn_err e = {0};

	*ok = 0;
	*tenant = NULL;
	if (tok) {
		int v =
		    gofn_profiles_token_check(r->srv->profiles, r->param, tok, (int64_t)time(NULL));
		if (v < 0)
			return gofn_reply_fail(r, GOFN_EFORBIDDEN, NULL,
					       "token is not valid for this profile");
		if (v > 0)
			return gofn_reply_fail(r, GOFN_EAUTH, "token_expired",
					       "token has expired; list /profiles for a new URL");
		*ok = 1;
		return MHD_YES;
	}
	if (!h || strncasecmp(h, "Bearer ", 7) != 0 || !h[7])
		return gofn_reply_fail(r, GOFN_EAUTH, NULL,
				       "want ?token= or Authorization: Bearer token");
	gofn_sha256_hex(h + 7, strlen(h + 7), sha);
	int rc = gofn_store_tenant_by_token(r->srv->store, sha, r->tenant, sizeof r->tenant, &e);
	if (rc < 0)
		return gofn_reply_err(r, &e);
	if (rc > 0) {
		r->tenant[0] = 0;
		return gofn_reply_fail(r, GOFN_EAUTH, NULL, "invalid token");
	}
	*tenant = r->tenant;
	*ok = 1;
	return MHD_YES;
}

enum MHD_Result gofn_h_profile_get(gofn_req *r)
{
	const char *tenant;
	gofn_profile_row row;
	gofn_err e = {0};
	uint8_t *data;
	size_t len;
	int ok;
	enum MHD_Result rc = authorize(r, &tenant, &ok);

	if (!ok)
		return rc;
	int g = gofn_profiles_get(r->srv->profiles, tenant, r->param, &row, &e);
	if (g < 0)
		return gofn_reply_err(r, &e);
	if (g > 0)
		return gofn_reply_fail(r, GOFN_ENOTFOUND, NULL, "no such profile");
	if (gofn_profiles_read(r->srv->profiles, row.id, &data, &len, &e) < 0)
		return gofn_reply_fail(r, GOFN_ENOTFOUND, NULL, "profile is gone");
	char disp[160];
	snprintf(disp, sizeof disp, "attachment; filename=\"%s-%s.pb.gz\"", row.kind,
		 row.invocation);
	const char *h[] = {"Content-Disposition", disp, "X-Gofn-Profile-Kind", row.kind, NULL};
	return gofn_reply_raw(r, 200, "application/octet-stream", data, len, h);
}

enum MHD_Result gofn_h_profile_delete(gofn_req *r)
{
	gofn_err e = {0};
	int rc = gofn_profiles_del(r->srv->profiles, r->tenant, r->param, &e);

	if (rc < 0)
		return gofn_reply_err(r, &e);
	if (rc > 0)
		return gofn_reply_fail(r, GOFN_ENOTFOUND, NULL, "no such profile");
	return gofn_reply_raw(r, 204, "application/json", NULL, 0, NULL);
}

/* The window's profiles, with the command that merges them. */
static json_t *window_json(gofn_req *r, const char *fid, long secs, json_t *ids)
{
	json_t *list = json_array();
	size_t i;
	json_t *v;
	gofn_buf cmd = {0};

	gofn_buf_str(&cmd, "go tool pprof -http=:0");

	json_array_foreach(ids, i, v)
	{
		gofn_profile_row row;
		gofn_err e = {0};
		if (gofn_profiles_get(r->srv->profiles, r->tenant, json_string_value(v), &row,
				      &e) != 0)
			continue; /* retention took it already */
		json_t *url = profile_url(r, row.id);
		gofn_buf_printf(&cmd, " '%s'", json_string_value(url));
		json_array_append_new(list, json_pack("{s:s, s:s, s:o}", "id", row.id,
						      "invocation_id", row.invocation, "url", url));
	}
	json_t *j =
	    json_pack("{s:s, s:s, s:i, s:i, s:o}", "function", fid, "kind", "cpu", "seconds",
		      (int)secs, "invocations", (int)json_array_size(list), "profiles", list);
	if (json_array_size(list) && !cmd.oom)
		json_object_set_new(j, "pprof_command", json_string(cmd.p));
	gofn_buf_free(&cmd);
	return j;
}

enum MHD_Result gofn_h_fn_profile(gofn_req *r)
{
	const char *s = gofn_req_query(r, "seconds");
	gofn_function f;
	gofn_err e = {0};
	char *end;
	long secs = 10;

	if (s) {
		secs = strtol(s, &end, 10);
		if (end == s || *end || secs < 1 || secs > WINDOW_MAX_S)
			return gofn_reply_fail(r, GOFN_EINVAL, "bad_seconds", "seconds: 1..%d",
					       WINDOW_MAX_S);
	}
	/* An id, NAME or NAME@N: the window is that version's. */
	int rc = gofn_store_fn_resolve(r->srv->store, r->tenant, r->param, &f, &e);
	if (rc < 0)
		return gofn_reply_err(r, &e);
	if (rc > 0)
		return gofn_reply_fail(r, GOFN_ENOTFOUND, NULL, "no such function");
	char id[GOFN_ID_MAX];
	snprintf(id, sizeof id, "%s", f.id);
	gofn_function_clear(&f);
	gofn_profile_window *w = gofn_profiles_window_open(
	    r->srv->profiles, r->tenant, id, r->srv->cfg.profile_windows_per_tenant, &e);
	if (!w)
		return gofn_reply_err(r, &e);
	int64_t end_ms = gofn_now_ms() + secs * 1000;
	while (gofn_now_ms() < end_ms && !atomic_load(&r->srv->shutting_down))
		usleep(50000);
	/* Invocations that started inside the window may run this much longer. */
	json_t *ids = gofn_profiles_window_close(r->srv->profiles, w,
						 gofn_now_ms() + r->srv->cfg.max_timeout_ms + 1000);
	json_t *j = window_json(r, id, secs, ids);
	json_decref(ids);
	return gofn_reply_json(r, 200, j);
}
