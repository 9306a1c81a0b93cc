/* Per-call pprof profiles: the C -> Go bridge to loader/host/profile.go,
 * which uses the runtime's own runtime/pprof. Weak like call_bridge.h, so
 * C-only programs link; callers check for NULL (no profiles there). */
#ifndef GOFN_LOADER_PROFILE_H
#define GOFN_LOADER_PROFILE_H

#include <stddef.h>
#include <stdint.h>

/* Starts the profiles of `kinds` (bits of api/profile.h kinds); hz > 0 sets
 * the CPU sampling rate. The runtime may print a warning about the rate on
 * fd 2, so call it while fd 2 goes nowhere that matters. Returns NULL, or a
 * malloc'd message when the CPU profile could not start. */
extern char *gofnProfileStart(unsigned kinds, int hz) __attribute__((weak));

/* Stops them and fills out[kind]/outlen[kind] (arrays of GOFN_PROF_NKINDS)
 * with each gzip'd profile.proto, malloc'd. A profile larger than max is
 * not returned: out[kind] stays NULL and outlen[kind] says its size. */
extern void gofnProfileStop(size_t max, uint8_t **out, size_t *outlen) __attribute__((weak));

#endif
