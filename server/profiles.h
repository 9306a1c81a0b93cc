/* Per-invocation pprof profiles on the server side (issue 6).
 *
 * A profile is the gzip'd profile.proto a worker's runtime/pprof wrote,
 * kept as DATA/profiles/<id>.pb.gz (written durably: tmp, fsync, rename)
 * with a row in the SQLite store (table profiles, its own connection to
 * DATA/gofn.db; rows go with their tenant). Retention per tenant: at most
 * --profile-keep profiles, none older than --profile-max-age seconds.
 *
 * `go tool pprof URL` cannot send a bearer token, so each profile URL
 * carries a capability token: "<expiry>.<hex HMAC-SHA256(secret, id
 * "\n" expiry)>" with a per-install secret in DATA/profile-secret (0600).
 * It grants that one profile until expiry, nothing else.
 *
 * POST /functions/{id}/profile?seconds=N opens a window: every invocation
 * of that function until it closes runs with a CPU profile, and the reply
 * lists those per-invocation profiles. Each worker writes its own profile
 * and gofnd has no Go runtime or protobuf library to merge them with, so
 * the reply gives the URLs and the `go tool pprof` command line that
 * merges them (pprof merges several sources into one profile). */
#ifndef GOFN_SERVER_PROFILES_H
#define GOFN_SERVER_PROFILES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "api/limits.h"
#include "api/profile.h"
#include "common/err.h"
#include "common/limits.h"
#include "server/config.h"

typedef struct gofn_profiles gofn_profiles;

/* One stored profile's metadata. */
typedef struct gofn_profile_row {
	char id[GOFN_ID_MAX];
	char tenant[GOFN_NAME_MAX];
	char kind[16];
	char invocation[GOFN_ID_MAX];
	char function[GOFN_ID_MAX];
	char symbol[GOFN_SYMBOL_NAME_MAX + 2]; /* as gofn_req.param */
	int64_t size, created;
} gofn_profile_row;

int gofn_profiles_open(const gofn_config *cfg, const char *db_path, gofn_profiles **out,
		       gofn_err *e);
void gofn_profiles_close(gofn_profiles *p);

/* Stores one profile (file, then row) and applies the tenant's retention.
 * row->id is filled in. */
int gofn_profiles_put(gofn_profiles *p, gofn_profile_row *row, const uint8_t *data, size_t len,
		      gofn_err *e);
/* 0 with *row (tenant NULL: any tenant's), 1 if there is none (or it is too old). */
int gofn_profiles_get(gofn_profiles *p, const char *tenant, const char *id, gofn_profile_row *row,
		      gofn_err *e);
/* The file's bytes, malloc'd. */
int gofn_profiles_read(gofn_profiles *p, const char *id, uint8_t **data, size_t *len, gofn_err *e);
/* 0, or 1 if the tenant has no such profile. */
int gofn_profiles_del(gofn_profiles *p, const char *tenant, const char *id, gofn_err *e);
/* The tenant's profiles, newest first, as rows for the caller to render. */
int gofn_profiles_list(gofn_profiles *p, const char *tenant, gofn_profile_row **rows, size_t *n,
		       gofn_err *e);
/* Drops the tenant's profiles past the count or age limits. */
int gofn_profiles_retain(gofn_profiles *p, const char *tenant, gofn_err *e);

/* Capability tokens (profiles_token.c). */
#define GOFN_PROFILE_TOKEN_MAX 96
void gofn_profiles_token(const gofn_profiles *p, const char *id, int64_t expiry,
			 char out[GOFN_PROFILE_TOKEN_MAX]);
/* 0 if tok grants id now; 1 if it is well-formed and authentic but expired;
 * -1 if it is malformed, tampered with or for another profile. */
int gofn_profiles_token_check(const gofn_profiles *p, const char *id, const char *tok, int64_t now);
int gofn_profiles_secret_load(gofn_profiles *p, const char *data_dir, gofn_err *e);

/* Profiling windows (profiles_window.c). */
typedef struct gofn_profile_window gofn_profile_window;
/* NULL with GOFN_EBUSY when the tenant has max_per_tenant windows open:
 * each holds a connection for its length, and connections are shared. */
gofn_profile_window *gofn_profiles_window_open(gofn_profiles *p, const char *tenant,
					       const char *function, int max_per_tenant,
					       gofn_err *e);
/* Closes it once the invocations it profiles have finished (or at
 * deadline_ms) and returns the JSON array of the profile ids it collected. */
json_t *gofn_profiles_window_close(gofn_profiles *p, gofn_profile_window *w, int64_t deadline_ms);
/* If a window of this tenant's function is open, counts one more invocation
 * profiled for it (gofn_profiles_window_done ends it) and returns 1. */
int gofn_profiles_window_begin(gofn_profiles *p, const char *tenant, const char *function);
void gofn_profiles_window_done(gofn_profiles *p, const char *tenant, const char *function);
/* Adds a CPU profile id to every open window of that function. */
void gofn_profiles_window_add(gofn_profiles *p, const char *tenant, const char *function,
			      const char *profile_id);

#endif
