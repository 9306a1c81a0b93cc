/* HTTP functions (issue 17): the request gofnd hands a
 * func(http.ResponseWriter, *http.Request) and the response it wrote,
 * carried as INVOKE's INPUT and RESULT's OUTPUT (GOFN_SIGKIND_HTTP).
 *
 * Envelope: a 4-byte big-endian length n, n bytes of JSON, then the body.
 *   request JSON:  {"method", "path", "query", "host", "headers": [[k, v], ...]}
 *   response JSON: {"status", "headers": [[k, v], ...]}
 * The worker side is loader/host/httpcall.go. A response comes from tenant
 * code: its decoder checks everything an HTTP answer must not carry. */
#ifndef GOFN_API_HTTPCALL_H
#define GOFN_API_HTTPCALL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

/* Response headers a handler may set (beyond them: an error). */
#define GOFN_HTTP_HEADERS_MAX 100
/* Bytes of the response's JSON head. */
#define GOFN_HTTP_HEAD_MAX (64u << 10)

/* headers: a JSON array of [name, value] pairs (owned by the caller). The
 * envelope is malloc'd into *out. */
int gofn_http_request_encode(const char *method, const char *path, const char *query,
			     const char *host, json_t *headers, const uint8_t *body, size_t len,
			     uint8_t **out, size_t *outlen, gofn_err *e);

typedef struct gofn_http_response {
	int status;
	size_t nheaders;
	const char *name[GOFN_HTTP_HEADERS_MAX], *value[GOFN_HTTP_HEADERS_MAX];
	const uint8_t *body; /* points into the envelope */
	size_t len;
	json_t *head; /* owns the names and values: free with gofn_http_response_free */
} gofn_http_response;

/* GOFN_EINVAL naming what is wrong: a status outside 100..599, a header
 * name that is not an HTTP token, a value with a control byte, too many. */
int gofn_http_response_decode(const uint8_t *p, size_t n, gofn_http_response *r, gofn_err *e);
void gofn_http_response_free(gofn_http_response *r);

#endif
