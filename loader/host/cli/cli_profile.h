/* gofn-loader -run's -cpuprofile FILE and -memprofile FILE: the same
 * runtime/pprof profiles a gofnd invocation gets (loader/profile.h), written
 * to files as `go test -cpuprofile/-memprofile` does. */
#ifndef GOFN_CLI_PROFILE_H
#define GOFN_CLI_PROFILE_H

#include "common/err.h"

/* Either path may be NULL; nothing happens when both are. */
int gofn_cli_profile_start(const char *cpu_path, const char *mem_path, gofn_err *e);
/* Stops the profiles and writes the files. */
int gofn_cli_profile_stop(const char *cpu_path, const char *mem_path, gofn_err *e);

#endif
