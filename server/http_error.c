/* The one place an error becomes an HTTP answer: a class (common/err.h)
 * decides the status, the default machine-readable code and the headers a
 * client needs to react (Retry-After, WWW-Authenticate); the body is always
 * {"error": {"code": ..., "message": ...}}. Handlers name a class, never a
 * status, so the same condition answers the same way from every route. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/http.h"
#include "server/log.h"

typedef struct class_answer {
	int cls;
	unsigned status;
	const char *code;
	const char *const *headers; /* NULL-terminated name/value pairs */
} class_answer;

static const char *const retry_1[] = {"Retry-After", "1", NULL};
static const char *const retry_2[] = {"Retry-After", "2", NULL};
static const char *const challenge[] = {"WWW-Authenticate", "Bearer", NULL};

static const class_answer answers[] = {
    {GOFN_EINVAL, 400, "bad_request", NULL},
    {GOFN_ESIG, 400, "unsupported_signature", NULL},
    {GOFN_EAUTH, 401, "unauthorized", challenge},
    {GOFN_EFORBIDDEN, 403, "forbidden", NULL},
    {GOFN_ENOTFOUND, 404, "not_found", NULL},
    {GOFN_ECONFLICT, 409, "conflict", NULL},
    /* A concurrent deploy moved the name's current version: read, retry. */
    {GOFN_ESTALE, 409, "version_conflict", retry_1},
    {GOFN_ELIMIT, 413, "too_large", NULL},
    {GOFN_EVERSION, 422, "wrong_go_version", NULL},
    {GOFN_EUNRESOLVED, 422, "unresolved_symbol", NULL},
    {GOFN_ELOAD, 422, "load_failed", NULL},
    {GOFN_EBUSY, 429, "busy", retry_1},
    {GOFN_ENOMEM, 500, "internal", NULL},
    {GOFN_ESYS, 500, "internal", NULL},
    {GOFN_EAGAIN, 503, "unavailable", retry_1},
    /* The database is down or locked: the client's to retry. */
    {GOFN_EUNAVAIL, 503, "store_unavailable", retry_2},
    {GOFN_ENOSPACE, 507, "insufficient_storage", NULL},
};

static const class_answer *answer_for(int cls)
{
	static const class_answer internal = {GOFN_ESYS, 500, "internal", NULL};

	for (size_t i = 0; i < sizeof answers / sizeof answers[0]; i++)
		if (answers[i].cls == cls)
			return &answers[i];
	return &internal;
}

unsigned gofn_http_status_of(int cls)
{
	return answer_for(cls)->status;
}

char *gofn_error_body(const char *code, const char *msg, size_t *len)
{
	json_t *body =
	    json_pack("{s:{s:s, s:o}}", "error", "code", code, "message", gofn_json_text(msg));
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;

	json_decref(body);
	if (!text)
		return NULL;
	*len = strlen(text);
	text[(*len)++] = '\n'; /* replaces the NUL: a body that reads well in a shell */
	return text;
}

static enum MHD_Result verror(gofn_req *r, unsigned status, const char *code,
			      const char *const *headers, const char *fmt, va_list ap)
{
	char msg[1024];
	size_t len;

	vsnprintf(msg, sizeof msg, fmt, ap);
	char *text = gofn_error_body(code, msg, &len);
	if (!text)
		return MHD_NO;
	return gofn_reply_raw(r, status, "application/json", text, len, headers);
}

enum MHD_Result gofn_reply_fail(gofn_req *r, int cls, const char *code, const char *fmt, ...)
{
	const class_answer *a = answer_for(cls);
	va_list ap;

	va_start(ap, fmt);
	enum MHD_Result rc = verror(r, a->status, code ? code : a->code, a->headers, fmt, ap);
	va_end(ap);
	return rc;
}

enum MHD_Result gofn_reply_err(gofn_req *r, const gofn_err *e)
{
	return gofn_reply_fail(r, e->code, NULL, "%s", e->msg);
}

enum MHD_Result gofn_reply_status(gofn_req *r, unsigned status, const char *code,
				  const char *const *headers, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	enum MHD_Result rc = verror(r, status, code, headers, fmt, ap);
	va_end(ap);
	return rc;
}
