#include "api/httpcall.h"

#include <stdlib.h>
#include <string.h>

int gofn_http_request_encode(const char *method, const char *path, const char *query,
			     const char *host, json_t *headers, const uint8_t *body, size_t len,
			     uint8_t **out, size_t *outlen, gofn_err *e)
{
	json_t *h = json_pack("{s:s, s:s, s:s, s:s, s:O}", "method", method, "path", path, "query",
			      query, "host", host, "headers", headers);
	char *head = h ? json_dumps(h, JSON_COMPACT) : NULL;

	json_decref(h);
	if (!head)
		return gofn_errf(e, GOFN_EINVAL, "http request: a header or the path is not UTF-8");
	size_t n = strlen(head);
	uint8_t *p = malloc(4 + n + len + 1);
	if (!p) {
		free(head);
		return gofn_errf(e, GOFN_ENOMEM, "http request: out of memory");
	}
	p[0] = (uint8_t)(n >> 24), p[1] = (uint8_t)(n >> 16), p[2] = (uint8_t)(n >> 8);
	p[3] = (uint8_t)n;
	memcpy(p + 4, head, n);
	if (len)
		memcpy(p + 4 + n, body, len);
	free(head);
	*out = p;
	*outlen = 4 + n + len;
	return 0;
}

/* RFC 9110 token characters. */
static int token(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("!#$%&'*+-.^_`|~", *s)))
			return 0;
	return 1;
}

static int field_value(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < ' ' && *s != '\t')
			return 0;
	return 1;
}

int gofn_http_response_decode(const uint8_t *p, size_t n, gofn_http_response *r, gofn_err *e)
{
	memset(r, 0, sizeof *r);
	if (n < 4)
		return gofn_errf(e, GOFN_EINVAL, "http response: shorter than its length");
	size_t hn = (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
	if (hn > n - 4 || hn > GOFN_HTTP_HEAD_MAX)
		return gofn_errf(e, GOFN_EINVAL, "http response: head of %zu bytes", hn);
	r->head = json_loadb((const char *)p + 4, hn, 0, NULL);
	json_t *st = json_object_get(r->head, "status");
	json_t *hs = json_object_get(r->head, "headers"), *kv;
	size_t i;
	if (!json_is_integer(st) || json_integer_value(st) < 100 || json_integer_value(st) > 599) {
		gofn_http_response_free(r);
		return gofn_errf(e, GOFN_EINVAL, "http response: no status in 100..599");
	}
	r->status = (int)json_integer_value(st);
	if (!json_is_array(hs) || json_array_size(hs) > GOFN_HTTP_HEADERS_MAX) {
		gofn_http_response_free(r);
		return gofn_errf(e, GOFN_EINVAL, "http response: more than %d headers",
				 GOFN_HTTP_HEADERS_MAX);
	}
	json_array_foreach(hs, i, kv)
	{
		const char *k = json_string_value(json_array_get(kv, 0));
		const char *v = json_string_value(json_array_get(kv, 1));
		if (!k || !v || !token(k) || !field_value(v)) {
			gofn_http_response_free(r);
			return gofn_errf(e, GOFN_EINVAL, "http response: header %zu is not valid",
					 i + 1);
		}
		r->name[r->nheaders] = k;
		r->value[r->nheaders++] = v;
	}
	r->body = p + 4 + hn;
	r->len = n - 4 - hn;
	return 0;
}

void gofn_http_response_free(gofn_http_response *r)
{
	json_decref(r->head);
	r->head = NULL;
}
