/* The request's shape, checked before routing: bytes in the path and
 * query that would cut a value short, and framing headers two parsers
 * could read differently (RFC 9112 6.1, 6.3). libmicrohttpd takes the
 * first Content-Length and ignores a Transfer-Encoding it does not know,
 * so a proxy in front and gofnd could disagree on where a request ends. */
#include <string.h>
#include <strings.h>

#include "server/http.h"

#define MARK 0x7f /* what a refused value is replaced with; itself refused */
/* Below libmicrohttpd's own limit (the 32 KiB connection memory holds the
 * request line and headers, server.c), so that gofnd answers all but the
 * grossest cases with a message naming its limit; beyond it libmicrohttpd
 * answers, with the same JSON body in our build (third_party/libmicrohttpd). */
#define URL_MAX	    8192
#define HEADERS_MAX 16384

static int has_control(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f)
			return 1;
	return 0;
}

/* MHD_OPTION_UNESCAPE_CALLBACK: MHD's own %XX decoding; a decoded value
 * with a NUL or another control byte ("victim%00whatever") becomes MARK,
 * which gofn_http_check_shape refuses, instead of silently ending early. */
size_t gofn_http_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls, (void)c;
	size_t n = MHD_http_unescape(s);
	if (!has_control(s, n))
		return n;
	s[0] = MARK;
	s[1] = 0;
	return 1;
}

typedef struct framing {
	int ncl, cl_differ, te;
	const char *cl, *te_value;
	size_t bytes;
} framing;

static enum MHD_Result note_header(void *cls, enum MHD_ValueKind kind, const char *key,
				   const char *value)
{
	framing *f = cls;

	(void)kind;
	if (!value)
		value = "";
	f->bytes += strlen(key) + strlen(value) + 4; /* ": " and CRLF */
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
		if (f->ncl++ && strcmp(f->cl, value) != 0)
			f->cl_differ = 1;
		f->cl = value;
	} else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
		f->te++;
		f->te_value = value;
	}
	return MHD_YES;
}

static enum MHD_Result note_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				const char *value)
{
	int *bad = cls;

	(void)kind;
	if ((key && key[0] == MARK) || (value && value[0] == MARK))
		*bad = 1;
	return *bad ? MHD_NO : MHD_YES;
}

int gofn_http_check_shape(gofn_req *r, enum MHD_Result *rc)
{
	framing f = {0};
	int bad_arg = 0;

	if (strlen(r->url) > URL_MAX) {
		*rc = gofn_reply_status(r, 414, "uri_too_long", NULL, "the path is over %d bytes",
					URL_MAX);
		return -1;
	}
	if (has_control(r->url, strlen(r->url))) {
		*rc = gofn_reply_status(r, 400, "bad_path", NULL,
					"the path has a NUL or another control byte");
		return -1;
	}
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, note_arg, &bad_arg);
	if (bad_arg) {
		*rc = gofn_reply_status(r, 400, "bad_query", NULL,
					"the query has a NUL or another control byte");
		return -1;
	}
	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, note_header, &f);
	if (f.bytes > HEADERS_MAX) {
		*rc = gofn_reply_status(r, 431, "headers_too_large", NULL,
					"request headers over %d bytes", HEADERS_MAX);
		return -1;
	}
	if (f.cl_differ || (f.ncl && f.te)) {
		*rc = gofn_reply_status(r, 400, "bad_framing", NULL,
					f.te ? "both Content-Length and Transfer-Encoding"
					     : "Content-Length headers that differ");
		return -1;
	}
	if (f.te > 1 || (f.te && strcasecmp(f.te_value, "chunked") != 0)) {
		*rc = gofn_reply_status(r, 501, "not_implemented", NULL,
					"Transfer-Encoding %.100s: only chunked is implemented",
					f.te_value);
		return -1;
	}
	return 0;
}
