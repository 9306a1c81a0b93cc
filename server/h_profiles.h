/* The invoke side of per-invocation profiles (h_invoke.c calls these) and
 * the /profiles routes' handlers (declared in routes.h). */
#ifndef GOFN_SERVER_H_PROFILES_H
#define GOFN_SERVER_H_PROFILES_H

#include "server/http.h"
#include "server/store.h"
#include "server/worker.h"

/* ?profile=cpu,heap&profile_hz=N. Returns 0, or -1 after replying 400
 * (*rc is the reply to return). */
int gofn_profiles_query(gofn_req *r, unsigned *asked, int *hz, enum MHD_Result *rc);
/* What to profile: the asked kinds, plus CPU (and GOFN_PROF_WINDOW) while
 * a window is open on f. Every call must be followed by gofn_profiles_invoked
 * with the kinds it returned, also when the invocation did not run. */
#define GOFN_PROF_WINDOW (1u << 31)
unsigned gofn_profiles_kinds(gofn_req *r, const gofn_function *f, unsigned asked);
/* Stores the profiles the worker sent; puts "profiles" (kind -> URL with a
 * capability token) for the asked kinds into j, when j is not NULL. */
void gofn_profiles_invoked(gofn_req *r, const char *inv, const gofn_function *f, unsigned asked,
			   unsigned taken, const gofn_outcome *o, json_t *j);

#endif
