#include "server/h_invoke_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/httpcall.h"
#include "common/buf.h"

/* Query parameters gofn reads itself: not the handler's. */
static const char *const gofn_params[] = {"function", "timeout_ms", "profile", "profile_hz", NULL};

static void put_escaped(gofn_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char enc[3] = {'%', hex[c >> 4], hex[c & 15]};
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-._~", c))
			gofn_buf_add(b, s, 1);
		else
			gofn_buf_add(b, enc, 3);
	}
}

/* MHD hands the query decoded: it is encoded again, in its order. */
static enum MHD_Result query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				 const char *value)
{
	gofn_buf *b = cls;

	(void)kind;
	for (int i = 0; gofn_params[i]; i++)
		if (strcmp(key, gofn_params[i]) == 0)
			return MHD_YES;
	if (b->n)
		gofn_buf_add(b, "&", 1);
	put_escaped(b, key);
	if (value) {
		gofn_buf_add(b, "=", 1);
		put_escaped(b, value);
	}
	return MHD_YES;
}

static enum MHD_Result header_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				  const char *value)
{
	(void)kind;
	if (strcasecmp(key, MHD_HTTP_HEADER_AUTHORIZATION) != 0)
		json_array_append_new(cls, json_pack("[s, s]", key, value ? value : ""));
	return MHD_YES;
}

int gofn_http_call_input(gofn_req *r, const char *rest, uint8_t **p, size_t *n, gofn_err *e)
{
	gofn_buf qb = {0};
	json_t *headers = json_array();
	const char *host = gofn_req_header(r, MHD_HTTP_HEADER_HOST);

	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, query_arg, &qb);
	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, header_arg, headers);
	char *query = gofn_buf_take(&qb);
	if (!query || !headers) {
		free(query);
		json_decref(headers);
		return gofn_errf(e, GOFN_ENOMEM, "http request: out of memory");
	}
	int rc = gofn_http_request_encode(r->method, rest[0] ? rest : "/", query, host ? host : "",
					  headers, r->body, r->len, p, n, e);
	free(query);
	json_decref(headers);
	return rc;
}

/* Headers MHD writes itself (framing), never the handler's. */
static int framing(const char *name)
{
	return strcasecmp(name, "Content-Length") == 0 ||
	       strcasecmp(name, "Transfer-Encoding") == 0 || strcasecmp(name, "Connection") == 0;
}

enum MHD_Result gofn_reply_http_call(gofn_req *r, const char *inv, gofn_outcome *o)
{
	gofn_http_response resp;
	gofn_err e = {0};
	const char *h[2 * GOFN_HTTP_HEADERS_MAX + 3];
	const char *ctype = "text/plain; charset=utf-8";
	size_t k = 0;

	if (gofn_http_response_decode(o->result.data, o->result.len, &resp, &e) < 0)
		return gofn_reply_fail(r, GOFN_EINVAL, "bad_response", "%s", e.msg);
	for (size_t i = 0; i < resp.nheaders; i++) {
		if (strcasecmp(resp.name[i], "Content-Type") == 0)
			ctype = resp.value[i];
		else if (!framing(resp.name[i])) {
			h[k++] = resp.name[i];
			h[k++] = resp.value[i];
		}
	}
	h[k++] = "X-Gofn-Invocation-Id";
	h[k++] = inv;
	h[k] = NULL;
	void *body = malloc(resp.len ? resp.len : 1);
	if (!body) {
		gofn_http_response_free(&resp);
		return gofn_reply_fail(r, GOFN_ENOMEM, NULL, "out of memory");
	}
	memcpy(body, resp.body, resp.len);
	enum MHD_Result rc = gofn_reply_raw(r, (unsigned)resp.status, ctype, body, resp.len, h);
	gofn_http_response_free(&resp);
	return rc;
}
