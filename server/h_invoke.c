/* POST /invoke/{symbol}: pick the function, get a worker, run, answer.
 * The HTTP status is 200 whenever tenant code ran, whatever it did; the
 * JSON "status" says how it ended. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/frame_io.h"
#include "api/proto.h"
#include "server/crypto.h"
#include "server/exec.h"
#include "server/h_profiles.h"
#include "server/log.h"
#include "server/h_invoke_http.h"
#include "server/routes.h"

/* The protocol's rule for names (api/proto.h), and a package part.
 * What follows /invoke/ is the symbol, slashes of its import path included
 * (example.com/greet.Hello), then for an HTTP function its path: where
 * the symbol ends only the function can tell, so find_function splits. */
static int invoke_target(const char *s, gofn_err *e)
{
	if (gofn_symbol_name_check((const uint8_t *)s, strlen(s), e) < 0)
		return 0;
	if (!strchr(s, '.'))
		return gofn_errf(e, GOFN_EINVAL, "want a symbol like main.main"), 0;
	return 1;
}

/* Valid UTF-8 goes out as a JSON string (jansson checks), the rest as base64. */
static void put_bytes(json_t *o, const char *key, const gofn_capture *c, int null_if_empty)
{
	char k[64];
	json_t *s = NULL;

	if (c->len || !null_if_empty)
		s = json_stringn(c->data ? (const char *)c->data : "", c->len);
	if (s || (null_if_empty && !c->len)) {
		json_object_set_new(o, key, s ? s : json_null());
	} else {
		char *b64 = gofn_base64(c->data, c->len);
		json_object_set_new(o, key, json_null());
		snprintf(k, sizeof k, "%s_base64", key);
		json_object_set_new(o, k, b64 ? json_string(b64) : json_null());
		free(b64);
	}
	if (c->truncated) {
		snprintf(k, sizeof k, "%s_truncated", key);
		json_object_set_new(o, k, json_true());
	}
}

static json_t *outcome_json(const char *inv, const gofn_function *f, const char *symbol,
			    int has_result, const gofn_outcome *o)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:i, s:I}", "invocation_id", inv, "function",
			      f->id, "symbol", symbol, "status", gofn_status_name(o->status),
			      "exit_code", o->exit_code, "duration_us", (json_int_t)o->duration_us);
	if (f->name[0]) {
		json_object_set_new(j, "name", json_string(f->name));
		json_object_set_new(j, "version", json_integer(f->version));
	}
	put_bytes(j, "result", &o->result, !has_result || o->status != GOFN_STATUS_OK);
	json_object_set_new(j, "error", o->error[0] ? gofn_json_text(o->error) : json_null());
	put_bytes(j, "stdout", &o->out, 0);
	put_bytes(j, "stderr", &o->err, 0);
	return j;
}

/* Accept: application/octet-stream: the result bytes, metadata in headers. */
static enum MHD_Result reply_raw_result(gofn_req *r, const char *inv, gofn_outcome *o)
{
	char code[16], dur[32], err[256];

	snprintf(code, sizeof code, "%d", o->exit_code);
	snprintf(dur, sizeof dur, "%lld", (long long)o->duration_us);
	snprintf(err, sizeof err, "%.255s", o->error);
	for (char *p = err; *p; p++)
		if ((unsigned char)*p < ' ' || (unsigned char)*p >= 0x7f)
			*p = ' ';
	const char *h[] = {"X-Gofn-Invocation-Id",
			   inv,
			   "X-Gofn-Status",
			   gofn_status_name(o->status),
			   "X-Gofn-Exit-Code",
			   code,
			   "X-Gofn-Duration-Us",
			   dur,
			   err[0] ? "X-Gofn-Error" : NULL,
			   err,
			   NULL};
	void *data = o->result.data;
	size_t len = o->result.len;
	o->result.data = NULL;
	o->result.len = 0;
	return gofn_reply_raw(r, 200, "application/octet-stream", data, len, h);
}

static int wants_raw(gofn_req *r)
{
	const char *a = gofn_req_header(r, MHD_HTTP_HEADER_ACCEPT);
	return a && strstr(a, "application/octet-stream") && !strstr(a, "application/json");
}

static int symbol_index(const gofn_function *f, const char *sym)
{
	for (size_t i = 0; i < f->nsymbols; i++)
		if (strcmp(f->symbols[i].name, sym) == 0)
			return (int)i;
	return -1;
}

/* /invoke/{symbol}[/{path...}]: a Go symbol carries its package's import
 * path (example.com/greet.Hello), so only the function tells where the
 * symbol ends: the longest prefix, ending before a '/', that it defines.
 * What follows is an HTTP function's path (*rest, "" or "/..."). */
static enum MHD_Result find_function(gofn_req *r, gofn_function *f, char *sym, const char **rest,
				     int *sigkind, int *found)
{
	const char *fid = gofn_req_query(r, "function");
	gofn_err e = {0};
	size_t n = strlen(r->param);
	int rc = 1, i = -1;

	*found = 0;
	memset(f, 0, sizeof *f);
	/* ?function= is an id, NAME (its current version) or NAME@N. */
	if (fid && (rc = gofn_store_fn_resolve(r->srv->store, r->tenant, fid, f, &e)) != 0)
		return rc < 0 ? gofn_reply_err(r, &e)
			      : gofn_reply_fail(r, GOFN_ENOTFOUND, NULL, "no such function");
	for (;;) {
		memcpy(sym, r->param, n);
		sym[n] = 0;
		if (!fid) {
			gofn_function_clear(f);
			rc = gofn_store_fn_newest_with(r->srv->store, r->tenant, sym, f, &e);
			if (rc < 0)
				return gofn_reply_err(r, &e);
		}
		if (rc == 0 && (i = symbol_index(f, sym)) >= 0)
			break;
		const char *slash = memrchr(r->param, '/', n);
		if (!slash || slash == r->param)
			return fid ? gofn_reply_fail(r, GOFN_ENOTFOUND, "unknown_symbol",
						     "function %s does not define %s", f->id,
						     r->param)
				   : gofn_reply_fail(r, GOFN_ENOTFOUND, "unknown_symbol",
						     "no function of yours defines %s", r->param);
		n = (size_t)(slash - r->param);
	}
	*rest = r->param + n;
	*sigkind = f->symbols[i].sigkind;
	if (*sigkind == 0)
		return gofn_reply_fail(r, GOFN_ESIG, NULL,
				       "%s has signature %s, which gofn cannot call", sym,
				       f->symbols[i].signature);
	if (*sigkind != GOFN_SIGKIND_HTTP && (**rest || strcmp(r->method, "POST") != 0))
		return gofn_reply_fail(r, GOFN_EINVAL, "not_http_function",
				       "%s is not an HTTP function: it takes POST /invoke/%s only",
				       sym, sym);
	*found = 1;
	return MHD_YES;
}

static int parse_timeout(gofn_req *r, int64_t *ms)
{
	const char *t = gofn_req_query(r, "timeout_ms");
	char *end;

	*ms = r->srv->cfg.timeout_ms;
	if (!t)
		return 0;
	long long v = strtoll(t, &end, 10);
	if (end == t || *end || v < 1 || v > r->srv->cfg.max_timeout_ms)
		return -1;
	*ms = v;
	return 0;
}

static void record(gofn_req *r, const char *inv, const gofn_function *f, const gofn_outcome *o)
{
	gofn_metrics_invocation(r->srv->metrics, r->tenant, gofn_status_name(o->status),
				o->duration_us);
	gofn_log(o->status != GOFN_STATUS_OK && o->status != GOFN_STATUS_ERROR ? "warn" : "info",
		 "invocation",
		 json_pack("{s:s, s:s, s:s, s:o, s:s, s:I, s:o}", "invocation_id", inv, "tenant",
			   r->tenant, "function", f->id, "symbol", gofn_json_text(r->param),
			   "status", gofn_status_name(o->status), "duration_us",
			   (json_int_t)o->duration_us, "error", gofn_json_text(o->error)));
}

static void note_first_result(gofn_server *s, gofn_worker *w)
{
	if (w->first_result_us)
		return;
	w->first_result_us = gofn_mono_us() - w->spawned_us;
	gofn_metrics_first_result(s->metrics, w->first_result_us);
}

enum MHD_Result gofn_h_invoke(gofn_req *r)
{
	gofn_server *s = r->srv;
	gofn_function f;
	gofn_outcome o = {0};
	gofn_worker *w = NULL;
	int sigkind = 0, found;
	int64_t timeout_ms;
	char rnd[GOFN_RAND_HEX], inv[GOFN_ID_MAX];
	gofn_profiling prof;

	gofn_err se = {0};
	if (!invoke_target(r->param, &se))
		return gofn_reply_fail(r, GOFN_EINVAL, "bad_symbol", "%s", se.msg);
	if (parse_timeout(r, &timeout_ms) < 0)
		return gofn_reply_fail(r, GOFN_EINVAL, "bad_timeout", "timeout_ms: 1..%lld",
				       (long long)s->cfg.max_timeout_ms);
	enum MHD_Result rc;
	if (gofn_profiling_query(r, &prof, &rc) < 0)
		return rc;
	char sym[sizeof r->param];
	const char *rest = "";
	rc = find_function(r, &f, sym, &rest, &sigkind, &found);
	if (!found) {
		gofn_function_clear(&f);
		return rc;
	}
	/* An HTTP function's input is the request itself (api/httpcall.h). */
	uint8_t *in = r->body;
	size_t inlen = r->len;
	if (sigkind == GOFN_SIGKIND_HTTP && gofn_http_call_input(r, rest, &in, &inlen, &se) < 0) {
		gofn_function_clear(&f);
		return gofn_reply_err(r, &se);
	}
	gofn_profiling_begin(r, &f, &prof);
	enum gofn_exec x = gofn_exec_worker(s, r->tenant, &f, gofn_now_ms() + timeout_ms, &w, &o);
	if (x != GOFN_EXEC_OK) {
		gofn_profiling_end(r, &prof, NULL, NULL, NULL);
		gofn_function_clear(&f);
		gofn_err e = {0};
		if (x == GOFN_EXEC_FAILED)
			gofn_errf(&e, GOFN_EAGAIN, "%s", o.error);
		else
			gofn_pool_refusal(x == GOFN_EXEC_QUEUE_FULL	 ? GOFN_QUEUE_FULL
					  : x == GOFN_EXEC_QUEUE_TIMEOUT ? GOFN_QUEUE_TIMEOUT
									 : GOFN_SHUTTING_DOWN,
					  &e);
		rc = gofn_reply_err(r, &e);
		gofn_outcome_clear(&o);
		return rc;
	}
	gofn_random_hex(rnd, 8, NULL);
	snprintf(inv, sizeof inv, "inv_%s", rnd);
	gofn_worker_invoke_profiled(w, &s->cfg, sym, in, inlen, timeout_ms, prof.kinds, prof.hz,
				    &o);
	if (in != r->body)
		free(in);
	note_first_result(s, w);
	gofn_pool_release(s->pool, r->tenant, w);
	record(r, inv, &f, &o);
	if (sigkind == GOFN_SIGKIND_HTTP && o.status == GOFN_STATUS_OK) {
		gofn_profiling_end(r, &prof, inv, &o, NULL);
		rc = gofn_reply_http_call(r, inv, &o);
	} else if (wants_raw(r)) {
		gofn_profiling_end(r, &prof, inv, &o, NULL);
		rc = reply_raw_result(r, inv, &o);
	} else {
		/* An HTTP function that did not answer (panic, timeout, ...): the
		 * outcome, as 502 since no handler's answer exists. */
		json_t *j = outcome_json(
		    inv, &f, sym, sigkind != GOFN_SIGKIND_VOID && sigkind != GOFN_SIGKIND_HTTP, &o);
		gofn_profiling_end(r, &prof, inv, &o, j);
		rc = gofn_reply_json(r, sigkind == GOFN_SIGKIND_HTTP ? 502 : 200, j);
	}
	gofn_function_clear(&f);
	gofn_outcome_clear(&o);
	return rc;
}
