/* MHD glue: request state across the access-handler calls, body limits,
 * multipart through MHD's post processor, auth, replies, metrics. */
#include "server/http.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/async.h"
#include "server/crypto.h"
#include "server/http_guard.h"
#include "server/log.h"
#include "server/routes.h"

/* Multipart framing around the object may add this much to the body. */
#define MULTIPART_SLACK (64u << 10)

const char *gofn_req_header(gofn_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *gofn_req_query(gofn_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* One line per request: "http", or for a sync invocation that ran
 * "invocation" with the request's fields too (its HTTP status as
 * http_status: status is the invocation's), one dump and one write
 * instead of two (docs/benchmarks.md, "gofnd's request path (eighth
 * session)"). The level is the worse of the two lines' it replaces. */
static void log_request(gofn_req *r, unsigned status)
{
	const gofn_req_invocation *v = r->inv;
	long long us = gofn_mono_us() - r->t0_us;
	const char *level = status >= 500 ? "error" : v && v->abnormal ? "warn" : "info";

	gofn_metrics_http(r->srv->metrics, status);
	if (v) {
		const gofn_log_field f[] = {
		    GOFN_LOG_STR("invocation_id", v->id),
		    GOFN_LOG_STR("tenant", r->tenant),
		    GOFN_LOG_STR("function", v->function),
		    GOFN_LOG_STR("symbol", v->symbol),
		    GOFN_LOG_STR("status", v->status),
		    GOFN_LOG_INT("duration_us", v->duration_us),
		    GOFN_LOG_STR("error", v->error),
		    GOFN_LOG_STR("method", r->method),
		    GOFN_LOG_STR("path", r->url),
		    GOFN_LOG_INT("http_status", status),
		    GOFN_LOG_INT("us", us),
		};
		gofn_log_fields(level, "invocation", f, sizeof f / sizeof f[0]);
		return;
	}
	const gofn_log_field f[] = {
	    GOFN_LOG_STR("method", r->method), GOFN_LOG_STR("path", r->url),
	    GOFN_LOG_INT("status", status),    GOFN_LOG_INT("us", us),
	    GOFN_LOG_STR("tenant", r->tenant),
	};
	gofn_log_fields(level, "http", f, sizeof f / sizeof f[0] - !r->tenant[0]);
}

enum MHD_Result gofn_reply_raw(gofn_req *r, unsigned status, const char *ctype, void *data,
			       size_t len, const char *const *headers)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(
	    len, data ? data : (void *)"", data ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		free(data);
		log_request(r, 500); /* MHD closes the connection */
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	for (int i = 0; headers && headers[i]; i += 2)
		MHD_add_response_header(resp, headers[i], headers[i + 1]);
	enum MHD_Result rc = MHD_queue_response(r->conn, status, resp);
	MHD_destroy_response(resp);
	r->replied = 1;
	log_request(r, status);
	return rc;
}

/* body's text and a newline (a newline-terminated body reads well in a
 * shell), in a buffer of its size, or NULL. json_dumpb into this thread's
 * scratch buffer first: json_dumps grows a buffer from 16 bytes by
 * reallocs and then copies it once more (strdup). A body over the scratch
 * buffer is dumped again, into one of the size the first dump counted. */
static char *json_text(const json_t *body, size_t *len)
{
	static _Thread_local char scratch[8192];
	size_t n = json_dumpb(body, scratch, sizeof scratch, JSON_COMPACT);
	char *text = n ? malloc(n + 1) : NULL;

	if (!text)
		return NULL;
	if (n <= sizeof scratch)
		memcpy(text, scratch, n);
	else if (json_dumpb(body, text, n, JSON_COMPACT) != n) {
		free(text);
		return NULL;
	}
	text[n] = '\n';
	*len = n + 1;
	return text;
}

enum MHD_Result gofn_reply_json(gofn_req *r, unsigned status, json_t *body)
{
	size_t n = 0;
	char *text = body ? json_text(body, &n) : NULL;
	json_decref(body);
	if (!text) {
		log_request(r, 500); /* MHD closes the connection */
		return MHD_NO;
	}
	return gofn_reply_raw(r, status, "application/json", text, n, NULL);
}

/* The token's SHA-256 (hex), what names it in the store: computed once
 * per connection, not per request (EVP_Digest costs about 8k
 * instructions, 5 % of gofnd's per warm invoke, bench/callgrind_warm.sh).
 * MHD serves each connection on a thread of its own and a client sends
 * the same token with each request it keeps alive: the thread keeps the
 * last token it hashed, which only its own client sent, and compares in
 * constant time. A hit gives the digest a miss would compute. */
#define TOKEN_KEPT_MAX 256
static void token_sha256(const char *tok, char sha[GOFN_SHA256_HEX])
{
	static _Thread_local char last[TOKEN_KEPT_MAX + 1], last_sha[GOFN_SHA256_HEX];
	size_t n = strlen(tok);

	if (last[0] && gofn_ct_equal(tok, last)) {
		memcpy(sha, last_sha, GOFN_SHA256_HEX);
		return;
	}
	gofn_sha256_hex(tok, n, sha);
	if (n <= TOKEN_KEPT_MAX) {
		memcpy(last, tok, n + 1);
		memcpy(last_sha, sha, GOFN_SHA256_HEX);
	}
}

/* Bearer token -> admin, a tenant, or a reason to refuse. */
static enum MHD_Result authorize(gofn_req *r, int *ok)
{
	const char *h = gofn_req_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
	char sha[GOFN_SHA256_HEX];
	gofn_err e = {0};

	*ok = 0;
	if (r->route->auth == GOFN_AUTH_NONE) {
		*ok = 1;
		return MHD_YES;
	}
	if (!h || strncasecmp(h, "Bearer ", 7) != 0 || !h[7])
		return gofn_reply_fail(r, GOFN_EAUTH, NULL, "missing Authorization: Bearer token");
	const char *tok = h + 7;
	token_sha256(tok, sha);
	int is_admin = gofn_ct_equal(sha, r->srv->admin_sha256);
	if (r->route->auth == GOFN_AUTH_ADMIN) {
		if (is_admin) {
			*ok = 1;
			return MHD_YES;
		}
		int rc =
		    gofn_store_tenant_by_token(r->srv->store, sha, r->tenant, sizeof r->tenant, &e);
		r->tenant[0] = 0;
		if (rc == 0)
			return gofn_reply_fail(r, GOFN_EFORBIDDEN, NULL,
					       "this route needs the admin token");
		if (rc < 0)
			return gofn_reply_err(r, &e);
		return gofn_reply_fail(r, GOFN_EAUTH, NULL, "invalid token");
	}
	if (is_admin)
		return gofn_reply_fail(r, GOFN_EFORBIDDEN, NULL,
				       "this route needs a tenant token, not the admin token");
	r->epoch = gofn_async_epoch(r->srv->async); /* before the name: see there */
	int rc = gofn_store_tenant_by_token(r->srv->store, sha, r->tenant, sizeof r->tenant, &e);
	if (rc < 0)
		return gofn_reply_err(r, &e);
	if (rc > 0)
		return gofn_reply_fail(r, GOFN_EAUTH, NULL, "invalid token");
	*ok = 1;
	return MHD_YES;
}

static int append(gofn_req *r, const char *p, size_t n)
{
	if (n > r->limit || r->len > r->limit - n) {
		r->too_large = 1;
		return -1;
	}
	/* Bounded per request and across requests: 512 connections times a
	 * 32 MiB object must not be a way to exhaust memory. */
	size_t held = atomic_fetch_add(&r->srv->inflight, n) + n;
	if (held > r->srv->cfg.max_inflight) {
		atomic_fetch_sub(&r->srv->inflight, n);
		r->over_budget = 1;
		return -1;
	}
	uint8_t *b = realloc(r->body, r->len + n + 1);
	if (!b) {
		atomic_fetch_sub(&r->srv->inflight, n);
		r->over_budget = 1;
		return -1;
	}
	memcpy(b + r->len, p, n);
	r->body = b;
	r->len += n;
	b[r->len] = 0;
	return 0;
}

/* A manifest names at most GOFN_MAX_OBJECTS digests: 64 hex digits,
 * quotes and a comma each, and some white space. */
#define MANIFEST_MAX (GOFN_MAX_OBJECTS * 80 + 1024)

static enum MHD_Result manifest_field(gofn_req *r, const char *data, size_t size)
{
	if (r->manifest_len + size >= MANIFEST_MAX) {
		r->too_large = 1;
		return MHD_NO;
	}
	char *m = realloc(r->manifest, r->manifest_len + size + 1);
	if (!m) {
		r->over_budget = 1;
		return MHD_NO;
	}
	memcpy(m + r->manifest_len, data, size);
	r->manifest = m;
	r->manifest_len += size;
	m[r->manifest_len] = 0;
	return MHD_YES;
}

static enum MHD_Result post_field(void *cls, enum MHD_ValueKind kind, const char *key,
				  const char *filename, const char *ctype, const char *encoding,
				  const char *data, uint64_t off, size_t size)
{
	gofn_req *r = cls;

	(void)kind, (void)filename, (void)ctype, (void)encoding;
	if (key && strcmp(key, "objects") == 0)
		return manifest_field(r, data, size);
	if (!key || strcmp(key, "obj") != 0)
		return MHD_YES; /* other fields are ignored */
	r->have_obj_field = 1;
	/* off restarts at 0 with each new obj value */
	if (off == 0 && size > 0 && (r->nobj == 0 || r->obj_off[r->nobj - 1] < r->len)) {
		if (r->nobj == GOFN_MAX_OBJECTS) {
			r->too_many_objs = 1;
			return MHD_NO;
		}
		r->obj_off[r->nobj++] = r->len;
	}
	return size == 0 || append(r, data, size) == 0 ? MHD_YES : MHD_NO;
}

static int is_multipart(gofn_req *r)
{
	const char *ct = gofn_req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	return ct && strncasecmp(ct, "multipart/form-data", 19) == 0;
}

/* Before the route: the request's shape, then the route or why none. */
static enum MHD_Result route(gofn_req *r)
{
	char allow[64];
	enum MHD_Result rc;

	if (gofn_http_check_shape(r, &rc) < 0)
		return rc;
	r->route =
	    gofn_route_match(r->method, r->url, r->param, sizeof r->param, allow, sizeof allow);
	if (!r->route && allow[0]) {
		const char *const h[] = {"Allow", allow, NULL};
		return gofn_reply_status(r, 405, "method_not_allowed", h, "%s not allowed on %s",
					 r->method, r->url);
	}
	if (!r->route)
		return gofn_reply_fail(r, GOFN_ENOTFOUND, NULL, "no route %s %s", r->method,
				       r->url);
	return MHD_YES;
}

/* First call: everything that can be refused before reading the body. */
static enum MHD_Result begin(gofn_req *r)
{
	int ok;
	enum MHD_Result rc = route(r);

	if (r->replied)
		return rc;
	if (atomic_load(&r->srv->shutting_down))
		return gofn_reply_fail(r, GOFN_EAGAIN, NULL, "shutting down");
	rc = authorize(r, &ok);
	if (!ok)
		return rc;
	r->limit = r->route->body == GOFN_BODY_OBJECT  ? r->srv->cfg.max_object
		   : r->route->body == GOFN_BODY_SMALL ? r->srv->cfg.max_body
						       : 0;
	const char *cl = gofn_req_header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
	size_t wire_limit = r->limit + (r->route->body == GOFN_BODY_OBJECT ? MULTIPART_SLACK : 0);
	if (cl && strtoull(cl, NULL, 10) > wire_limit)
		return gofn_reply_fail(r, GOFN_ELIMIT, NULL, "request body over the %zu-byte limit",
				       r->limit);
	if (r->route->body == GOFN_BODY_OBJECT && is_multipart(r)) {
		r->pp = MHD_create_post_processor(r->conn, 64 * 1024, post_field, r);
		if (!r->pp)
			return gofn_reply_fail(r, GOFN_EINVAL, "bad_multipart",
					       "multipart/form-data without a usable boundary");
	}
	return MHD_YES;
}

static enum MHD_Result finish(gofn_req *r)
{
	int done = 1;

	if (r->pp) {
		done = MHD_destroy_post_processor(r->pp) == MHD_YES;
		r->pp = NULL;
	}
	/* Most specific first: the budget and size refusals also break the
	 * multipart parse, which is then not the body's fault. */
	if (r->over_budget)
		return gofn_reply_fail(r, GOFN_EAGAIN, NULL,
				       "too many request bytes in flight; retry");
	if (r->too_many_objs)
		return gofn_reply_fail(r, GOFN_ELIMIT, NULL, "more than %d obj fields",
				       GOFN_MAX_OBJECTS);
	if (r->too_large)
		return gofn_reply_fail(r, GOFN_ELIMIT, NULL, "request body over the %zu-byte limit",
				       r->limit);
	if (r->multipart_bad || !done)
		return gofn_reply_fail(r, GOFN_EINVAL, "bad_multipart", "malformed multipart body");
	if (r->route->body == GOFN_BODY_OBJECT && is_multipart(r) && !r->have_obj_field &&
	    !r->manifest)
		return gofn_reply_fail(r, GOFN_EINVAL, "bad_multipart",
				       "multipart body has no field named obj");
	gofn_guard_handling(r->srv->guard, r->conn);
	atomic_fetch_add(&r->srv->active, 1);
	enum MHD_Result rc = r->route->handle(r);
	atomic_fetch_sub(&r->srv->active, 1);
	return rc;
}

enum MHD_Result gofn_http_access(void *cls, struct MHD_Connection *c, const char *url,
				 const char *method, const char *version, const char *upload,
				 size_t *upload_size, void **con_cls)
{
	gofn_req *r = *con_cls;

	(void)version;
	if (!r) {
		r = malloc(sizeof *r);
		if (!r)
			return MHD_NO;
		memset(r, 0, offsetof(gofn_req, obj_off));
		*con_cls = r;
		r->srv = cls;
		r->conn = c;
		r->method = method;
		r->url = url;
		r->t0_us = gofn_mono_us();
		gofn_guard_headers_done(r->srv->guard, c);
		enum MHD_Result rc = begin(r);
		if (r->replied) /* MHD sends it and closes: no body deadline */
			gofn_guard_handling(r->srv->guard, c);
		return rc;
	}
	if (r->replied) {
		*upload_size = 0; /* refused early: discard whatever still arrives */
		return MHD_YES;
	}
	if (*upload_size) {
		if (r->too_large || r->multipart_bad || r->over_budget)
			;
		else if (r->pp)
			r->multipart_bad = MHD_post_process(r->pp, upload, *upload_size) != MHD_YES;
		else if (r->route->body != GOFN_BODY_NONE)
			append(r, upload, *upload_size);
		else
			r->too_large = 1, r->limit = 0;
		*upload_size = 0;
		return MHD_YES;
	}
	return finish(r);
}

void gofn_http_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	gofn_req *r = *con_cls;

	(void)toe;
	gofn_guard_request_done(((gofn_server *)cls)->guard, c);
	if (!r)
		return;
	if (r->pp)
		MHD_destroy_post_processor(r->pp);
	atomic_fetch_sub(&r->srv->inflight, r->len);
	free(r->body);
	free(r->manifest);
	free(r);
	*con_cls = NULL;
}
