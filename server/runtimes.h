/* Which worker executable runs which Go release: gofnd routes every load
 * and invocation by the function's go_version (from its objects' headers)
 * to bin/gofn-loader-go1.NN next to the --loader command, built by that
 * release's exact toolchain (common/goversion.h lists them). */
#ifndef GOFN_SERVER_RUNTIMES_H
#define GOFN_SERVER_RUNTIMES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "server/config.h"

/* The worker executable for objects of go_version into exe; -1 with
 * GOFN_EVERSION naming the supported versions if this gofnd has none. */
int gofn_runtime_worker(const gofn_config *c, const char *go_version, char *exe, size_t cap,
			gofn_err *e);

/* One object's version (-1, GOFN_EINVAL: not a Go object), folded into a
 * unit's: every object of a function must come from one Go release (-1,
 * GOFN_EINVAL naming both), and the release must be served here in that
 * exact version (-1, GOFN_EVERSION naming what to compile with). */
int gofn_runtime_unit_add(const uint8_t *p, size_t n, size_t index, char *go_version, size_t cap,
			  gofn_err *e);

/* At start: logs a warning naming each release whose worker executable is
 * missing (its uploads then fail to spawn a worker, 503; gofnd still
 * serves the others, and tests run it with no workers on purpose). */
void gofn_runtimes_check(const gofn_config *c);

/* {"runtimes":[{"release":"go1.27","toolchain":"go1.27.3","worker":"gofn-loader-go1.27"},…]} */
json_t *gofn_runtimes_json(void);

#endif
