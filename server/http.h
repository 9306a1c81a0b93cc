/* One HTTP request as handlers see it, and the ways to answer it. */
#ifndef GOFN_SERVER_HTTP_H
#define GOFN_SERVER_HTTP_H

#include <jansson.h>
#include <microhttpd.h>
#include <stddef.h>
#include <stdint.h>

#include "api/limits.h"
#include "server/server.h"

typedef struct gofn_route gofn_route;

typedef struct gofn_req {
	gofn_server *srv;
	struct MHD_Connection *conn;
	const char *method, *url;
	const gofn_route *route;
	/* the {…} segment of the route, decoded: room for a symbol name one
	 * byte over its limit, so that the handler can name the limit */
	char param[GOFN_SYMBOL_NAME_MAX + 2];
	char tenant[GOFN_NAME_MAX]; /* set once a tenant token is accepted */
	uint64_t epoch;		    /* tenant deletions before (server/async.h) */
	uint8_t *body;		    /* raw body, or the multipart field "obj" */
	size_t len, limit;
	int too_large;
	int over_budget; /* all requests together hold cfg.max_inflight */
	struct MHD_PostProcessor *pp;
	int multipart_bad;
	int have_obj_field;
	int nobj; /* obj_off's, below */
	int too_many_objs;
	/* The multipart field "objects" (a deploy's JSON list of every
	 * object's sha256 in link order), NUL-terminated; NULL if none. */
	char *manifest;
	size_t manifest_len;
	int64_t t0_us;
	int replied;
	/* A sync invocation that ran (server/h_invoke.c): its fields go into
	 * the request's one log line, event "invocation", with the request's
	 * own (method, path, http_status, us). NULL: the line is "http". */
	const struct gofn_req_invocation *inv;
	/* Multipart may carry several obj fields (a link unit, in link order):
	 * object i is body[obj_off[i] .. obj_off[i+1] or len), i < nobj. Last
	 * and not zeroed (2 KiB, read only below nobj): gofn_http_access
	 * clears what comes before it. */
	size_t obj_off[GOFN_MAX_OBJECTS];
} gofn_req;

typedef struct gofn_req_invocation {
	const char *id, *function, *symbol, *status, *error;
	long long duration_us;
	int abnormal; /* not ok or error: the line is at least a warning */
} gofn_req_invocation;

enum MHD_Result gofn_reply_json(gofn_req *r, unsigned status, json_t *body);

/* Error answers (server/http_error.c, the one table from an error class to
 * a status, a default code and headers such as Retry-After). */
/* An error from below (store, service, worker) with its class and message. */
enum MHD_Result gofn_reply_err(gofn_req *r, const gofn_err *e);
/* An error the handler decides: a class, and a code refining the class's
 * (NULL: the class's own). */
enum MHD_Result gofn_reply_fail(gofn_req *r, int cls, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* HTTP-level refusals no class describes (no route, 405, framing). */
enum MHD_Result gofn_reply_status(gofn_req *r, unsigned status, const char *code,
				  const char *const *headers, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* The JSON error body, newline-terminated and malloc'd (*len without NUL):
 * also for answers made outside a request (libmicrohttpd's own). */
char *gofn_error_body(const char *code, const char *msg, size_t *len);
unsigned gofn_http_status_of(int cls);
/* Takes ownership of data (malloc'd); extra headers as NULL-terminated name/value pairs. */
enum MHD_Result gofn_reply_raw(gofn_req *r, unsigned status, const char *ctype, void *data,
			       size_t len, const char *const *headers);
const char *gofn_req_header(gofn_req *r, const char *name);
const char *gofn_req_query(gofn_req *r, const char *name);

/* The request's shape (server/http_shape.c): control bytes in the path or
 * query and conflicting framing headers are 400, an unknown transfer
 * coding 501. 0, or -1 with the refusal queued in *rc. */
int gofn_http_check_shape(gofn_req *r, enum MHD_Result *rc);
/* MHD_OPTION_UNESCAPE_CALLBACK: marks values that decode to control bytes. */
size_t gofn_http_unescape(void *cls, struct MHD_Connection *c, char *s);

/* The MHD access handler and completion callback (server.c installs them). */
enum MHD_Result gofn_http_access(void *cls, struct MHD_Connection *c, const char *url,
				 const char *method, const char *version, const char *upload,
				 size_t *upload_size, void **con_cls);
void gofn_http_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe);

#endif
