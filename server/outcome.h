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

/* The same text as gofn_outcome_json's object dumped compact, key order
 * too, newline-terminated and malloc'd (*len without a NUL), written
 * directly: NULL when result, stdout or stderr holds a byte that would need
 * an escape (then the object is the way). A warm invoke's reply without
 * building and dumping an object, which cost a tenth of gofnd's
 * instructions per call (docs/benchmarks.md). */
char *gofn_outcome_text(const char *inv, const gofn_function *f, const char *symbol, int has_result,
			const gofn_outcome *o, size_t *len);

#endif
