/* The invoke side of per-invocation profiles (h_invoke.c calls these) and
 * the /profiles routes' handlers (declared in routes.h). */
#ifndef GOFN_SERVER_H_PROFILES_H
#define GOFN_SERVER_H_PROFILES_H

#include "server/http.h"
#include "server/store.h"
#include "server/worker.h"

/* One invocation's profiling. gofn_profiling_begin counts the invocation
 * in an open window of its function; gofn_profiling_end must follow exactly
 * once, whether it ran or not, so the window can close. */
typedef struct gofn_profiling {
	unsigned asked; /* kinds the client asked for (?profile=) */
	unsigned kinds; /* kinds the worker takes: asked, plus CPU inside a window */
	int hz;		/* ?profile_hz=, 0 for the default */
	int in_window;	/* counted in an open window until gofn_profiling_end */
	const gofn_function *f;
} gofn_profiling;

/* ?profile=cpu,heap&profile_hz=N into *p. Returns 0, or -1 after replying
 * 400 (*rc is the reply to return). */
int gofn_profiling_query(gofn_req *r, gofn_profiling *p, enum MHD_Result *rc);
void gofn_profiling_begin(gofn_req *r, const gofn_function *f, gofn_profiling *p);
/* Stores the profiles the worker sent (o NULL: the invocation did not run)
 * and leaves the window; puts "profiles" (kind -> URL with a capability
 * token) for the asked kinds into j, when j is not NULL. */
void gofn_profiling_end(gofn_req *r, gofn_profiling *p, const char *inv, const gofn_outcome *o,
			json_t *j);

#endif
