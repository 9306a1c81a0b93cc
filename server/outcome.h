/* An invocation's outcome as the JSON a synchronous call answers (and an
 * async one keeps): status, result, error, stdout, stderr, exit_code,
 * duration_us, and the function's name and version when it has one. Bytes that are not UTF-8 go out
 * as <key>_base64. */
#ifndef GOFN_SERVER_OUTCOME_H
#define GOFN_SERVER_OUTCOME_H

#include <jansson.h>

#include "server/worker.h"

json_t *gofn_outcome_json(const char *inv, const gofn_function *f, const char *symbol,
			  int has_result, const gofn_outcome *o);
/* The same object's text (as a compact dump writes it) and a newline, in
 * a buffer of its own (*len bytes, the caller frees), written without an
 * object (server/log.h, gofn_json_members); NULL when o does not fit it
 * (a capture truncated, bytes that are not UTF-8) or no memory: then
 * gofn_outcome_json. */
char *gofn_outcome_text(const char *inv, const gofn_function *f, const char *symbol, int has_result,
			const gofn_outcome *o, size_t *len);

#endif
