/* HTTP functions (issue 17) on the invoke routes: the request as the
 * handler's *http.Request, the handler's answer as the HTTP answer. */
#ifndef GOFN_SERVER_H_INVOKE_HTTP_H
#define GOFN_SERVER_H_INVOKE_HTTP_H

#include "server/http.h"
#include "server/worker.h"

/* The envelope (api/httpcall.h) of r for the handler: r's method, rest
 * (the path after the symbol, "/" if none), the query without gofn's own
 * parameters, the headers without Authorization, the body. */
int gofn_http_call_input(gofn_req *r, const char *rest, uint8_t **p, size_t *n, gofn_err *e);

/* The handler ran (o->status ok): its status, headers and body, with
 * X-Gofn-Invocation-Id. A response that breaks HTTP's rules is 502. */
enum MHD_Result gofn_reply_http_call(gofn_req *r, const char *inv, gofn_outcome *o);

#endif
