/* POST /invoke/{symbol}: pick the function, get a worker, run, answer.
 * The HTTP status is 200 whenever tenant code ran, whatever it did; the
 * JSON "status" says how it ended. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/frame_io.h"
#include "api/proto.h"
#include "server/async.h"
#include "server/crypto.h"
#include "server/exec.h"
#include "server/h_profiles.h"
#include "server/log.h"
#include "server/outcome.h"
#include "server/prepared.h"
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
	gofn_function_init(f);
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

/* The invocation's metrics, and its fields for the request's log line
 * (server/http.c writes it with the reply). */
static void record(gofn_req *r, gofn_req_invocation *line, const char *inv, const gofn_function *f,
		   const gofn_outcome *o)
{
	const char *status = gofn_status_name(o->status);

	gofn_metrics_invocation(r->srv->metrics, r->tenant, status, o->duration_us);
	*line = (gofn_req_invocation){
	    .id = inv,
	    .function = f->id,
	    .symbol = r->param,
	    .status = status,
	    .error = o->error,
	    .duration_us = o->duration_us,
	    .abnormal = o->status != GOFN_STATUS_OK && o->status != GOFN_STATUS_ERROR,
	};
	r->inv = line;
}

/* ?async=1: 1, absent or 0: 0, anything else -1. */
static int async_asked(gofn_req *r)
{
	const char *a = gofn_req_query(r, "async");

	if (!a || strcmp(a, "0") == 0 || strcmp(a, "false") == 0)
		return 0;
	return strcmp(a, "1") == 0 || strcmp(a, "true") == 0 ? 1 : -1;
}

/* Queues the invocation and answers 202 once its row is durable. */
static enum MHD_Result accept_async(gofn_req *r, const gofn_function *f, const char *sym,
				    int64_t timeout_ms)
{
	gofn_inv_row row = {0};
	gofn_err e = {0};
	char loc[80];

	snprintf(row.tenant, sizeof row.tenant, "%s", r->tenant);
	snprintf(row.function, sizeof row.function, "%s", f->id);
	snprintf(row.symbol, sizeof row.symbol, "%s", sym);
	row.timeout_ms = timeout_ms;
	row.input = r->body;
	row.input_len = r->len;
	int rc = gofn_async_submit(r->srv->async, &row, &e);
	if (rc == 2)
		return gofn_reply_fail(r, GOFN_EBUSY, NULL,
				       "your async queue is full (%d queued or running)",
				       r->srv->cfg.async_queue);
	if (rc < 0)
		return gofn_reply_err(r, &e);
	snprintf(loc, sizeof loc, "/invocations/%s", row.id);
	json_t *j = json_pack("{s:s, s:s, s:s, s:s}", "invocation_id", row.id, "status", "queued",
			      "function", f->id, "location", loc);
	char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (!text)
		return gofn_reply_fail(r, GOFN_ENOMEM, NULL, "out of memory");
	const char *h[] = {"Location", loc, NULL};
	size_t n = strlen(text);
	text[n] = '\n'; /* like every JSON reply: newline-terminated */
	return gofn_reply_raw(r, 202, "application/json", text, n + 1, h);
}

/* ?async=1 on a POST of a non-HTTP function: queued; anything else that
 * asks for it is refused. Returns 1 when it replied (*rc). */
static int async_path(gofn_req *r, int async, const gofn_profiling *prof, const gofn_function *f,
		      const char *sym, int sigkind, int64_t timeout_ms, enum MHD_Result *rc)
{
	if (!async)
		return 0;
	if (prof->asked)
		*rc = gofn_reply_fail(r, GOFN_EINVAL, "bad_profile",
				      "profiles are not taken for async invocations");
	else if (sigkind == GOFN_SIGKIND_HTTP || strcmp(r->method, "POST") != 0)
		*rc = gofn_reply_fail(r, GOFN_EINVAL, "bad_async",
				      "async=1 is for POST of non-HTTP functions");
	else
		*rc = accept_async(r, f, sym, timeout_ms);
	return 1;
}

/* inv_<wall ms, 11 hex digits><64 bits>: unique without asking the store,
 * and in time order, so the record of sync calls (server/async.c) appends
 * to the id index instead of writing a random page of it per call
 * (docs/benchmarks.md). The 64 bits are a counter through splitmix64 (a
 * bijection) from a random start: unique within this gofnd, apart from
 * another replica's, and no RAND_bytes per call (its locks and getpid).
 * An id names a row its tenant alone may read: it is not a secret. */
static pthread_once_t id_once = PTHREAD_ONCE_INIT;
static uint64_t id_seed;
static _Atomic uint64_t id_next;

static void id_init(void)
{
	char hex[GOFN_RAND_HEX];

	if (gofn_random_hex(hex, 8, NULL) == 0)
		id_seed = strtoull(hex, NULL, 16);
	else /* no randomness: still unique here, and apart by time */
		id_seed = (uint64_t)gofn_wall_ms() * 1000003u;
}

static void new_invocation_id(char *inv, size_t cap)
{
	pthread_once(&id_once, id_init);
	uint64_t z = id_seed + atomic_fetch_add(&id_next, 1) * 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	/* "inv_%011llx%016llx" of the wall ms and z, without snprintf */
	static const char hex[] = "0123456789abcdef";
	uint64_t ms = (uint64_t)gofn_wall_ms();
	if (cap < 32) { /* never: GOFN_ID_MAX */
		snprintf(inv, cap, "inv_");
		return;
	}
	memcpy(inv, "inv_", 4);
	for (int i = 0; i < 11; i++)
		inv[4 + i] = hex[(ms >> (4 * (10 - i))) & 15];
	for (int i = 0; i < 16; i++)
		inv[15 + i] = hex[(z >> (4 * (15 - i))) & 15];
	inv[31] = 0;
}

static void note_first_result(gofn_server *s, gofn_worker *w)
{
	if (w->first_result_us)
		return;
	w->first_result_us = gofn_mono_us() - w->spawned_us;
	gofn_metrics_first_result(s->metrics, w->first_result_us);
	gofn_prepared_settled(s->prepared, w);
}

enum MHD_Result gofn_h_invoke(gofn_req *r)
{
	gofn_server *s = r->srv;
	gofn_function f;
	gofn_outcome o = {0};
	gofn_worker *w = NULL;
	int sigkind = 0, found;
	int64_t timeout_ms;
	char inv[GOFN_ID_MAX];
	gofn_profiling prof;
	gofn_req_invocation line;

	gofn_err se = {0};
	if (!invoke_target(r->param, &se))
		return gofn_reply_fail(r, GOFN_EINVAL, "bad_symbol", "%s", se.msg);
	if (parse_timeout(r, &timeout_ms) < 0)
		return gofn_reply_fail(r, GOFN_EINVAL, "bad_timeout", "timeout_ms: 1..%lld",
				       (long long)s->cfg.max_timeout_ms);
	enum MHD_Result rc;
	if (gofn_profiling_query(r, &prof, &rc) < 0)
		return rc;
	int async = async_asked(r);
	if (async < 0)
		return gofn_reply_fail(r, GOFN_EINVAL, "bad_async", "async: 1 or 0");
	char sym[sizeof r->param];
	const char *rest = "";
	rc = find_function(r, &f, sym, &rest, &sigkind, &found);
	if (!found || async_path(r, async, &prof, &f, sym, sigkind, timeout_ms, &rc)) {
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
	/* Its record's slot before it runs: an id we hand out is kept. */
	if (gofn_async_reserve(s->async, gofn_now_ms() + timeout_ms, &se) < 0) {
		if (in != r->body)
			free(in);
		gofn_function_clear(&f);
		return gofn_reply_err(r, &se);
	}
	gofn_profiling_begin(r, &f, &prof);
	/* A call whose client hangs up while it waits leaves the queue (server/pool_gone.h). */
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	enum gofn_exec x = gofn_exec_worker_for(s, r->tenant, &f, gofn_now_ms() + timeout_ms,
						ci ? ci->connect_fd : -1, &w, &o);
	if (x == GOFN_EXEC_OK) {
		new_invocation_id(inv, sizeof inv);
		gofn_exec_invoke(s, r->tenant, &f, &w, sym, in, inlen, timeout_ms, prof.kinds,
				 prof.hz, &o);
		if (!w) /* it had died while idle, and no replacement could start */
			x = GOFN_EXEC_FAILED;
	}
	if (in != r->body)
		free(in);
	if (x != GOFN_EXEC_OK) {
		gofn_async_unreserve(s->async);
		gofn_profiling_end(r, &prof, NULL, NULL, NULL);
		gofn_function_clear(&f);
		gofn_err e = {0};
		gofn_exec_refusal(x, &o, &e);
		rc = gofn_reply_err(r, &e);
		gofn_outcome_clear(&o);
		return rc;
	}
	note_first_result(s, w);
	gofn_pool_release(s->pool, r->tenant, w);
	record(r, &line, inv, &f, &o);
	gofn_async_note_sync(s->async, inv, r->tenant, r->epoch, f.id, sym, timeout_ms, &o);
	if (sigkind == GOFN_SIGKIND_HTTP && o.status == GOFN_STATUS_OK) {
		gofn_profiling_end(r, &prof, inv, &o, NULL);
		rc = gofn_reply_http_call(r, inv, &o);
	} else if (wants_raw(r)) {
		gofn_profiling_end(r, &prof, inv, &o, NULL);
		rc = reply_raw_result(r, inv, &o);
	} else {
		/* An HTTP function that did not answer (panic, timeout, ...): the
		 * outcome, as 502 since no handler's answer exists. */
		int has_result = sigkind != GOFN_SIGKIND_VOID && sigkind != GOFN_SIGKIND_HTTP;
		unsigned status = sigkind == GOFN_SIGKIND_HTTP ? 502 : 200;
		/* a profile's URLs are added to an object: the text is for the rest */
		size_t n = 0;
		char *text =
		    prof.asked ? NULL : gofn_outcome_text(inv, &f, sym, has_result, &o, &n);
		if (text) {
			gofn_profiling_end(r, &prof, inv, &o, NULL);
			rc = gofn_reply_raw(r, status, "application/json", text, n, NULL);
		} else {
			json_t *j = gofn_outcome_json(inv, &f, sym, has_result, &o);
			gofn_profiling_end(r, &prof, inv, &o, j);
			rc = gofn_reply_json(r, status, j);
		}
	}
	r->inv = NULL; /* line is this function's */
	gofn_function_clear(&f);
	gofn_outcome_clear(&o);
	return rc;
}
