/* The pprof profile kinds an invocation can ask for, shared by gofnd (the
 * ?profile= list, storage, URLs) and the worker (which profile to take).
 * On the wire (api/frame.h): INVOKE carries PROFILE_KINDS (a bit per kind)
 * and PROFILE_HZ; RESULT carries one PROFILE field per profile taken, its
 * first byte the kind and the rest the gzip'd profile.proto that
 * runtime/pprof wrote, or PROFILE_ERROR (kind byte + message). */
#ifndef GOFN_API_PROFILE_H
#define GOFN_API_PROFILE_H

#include <stddef.h>

#include "common/err.h"

enum gofn_profile_kind {
	GOFN_PROF_CPU,
	GOFN_PROF_HEAP,
	GOFN_PROF_ALLOCS,
	GOFN_PROF_GOROUTINE,
	GOFN_PROF_MUTEX,
	GOFN_PROF_BLOCK,
	GOFN_PROF_NKINDS,
};

/* The most bytes one profile may have; a bigger one is reported, not sent. */
#define GOFN_PROFILE_MAX (8u << 20)
/* Sampling rates ?profile_hz= may ask for (the runtime's default is 100). */
#define GOFN_PROFILE_HZ_MIN 1
#define GOFN_PROFILE_HZ_MAX 1000

/* "cpu", "heap", ...; NULL for an unknown kind. */
const char *gofn_profile_kind_name(int kind);
/* The kind named name[0..n), or -1. */
int gofn_profile_kind_parse(const char *name, size_t n);
/* A comma-separated list ("cpu,heap") -> bit set; refuses unknown or empty names. */
int gofn_profile_kinds_parse(const char *list, unsigned *kinds, gofn_err *e);

#endif
