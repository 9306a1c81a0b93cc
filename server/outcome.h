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

#endif
