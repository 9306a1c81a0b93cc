/* The state behind server/profiles.h, shared by its profiles_*.c files. */
#ifndef GOFN_SERVER_PROFILES_INTERNAL_H
#define GOFN_SERVER_PROFILES_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "server/profiles.h"
#include "server/store.h"

struct gofn_profile_window {
	char tenant[GOFN_NAME_MAX];
	char function[GOFN_ID_MAX];
	json_t *ids; /* profile ids collected so far */
	int closing; /* past its end: collects, but profiles no new invocations */
	struct gofn_profile_window *next;
};

/* Invocations of a function running with a window's CPU profile. */
typedef struct gofn_profile_inflight {
	char tenant[GOFN_NAME_MAX];
	char function[GOFN_ID_MAX];
	int n;
	struct gofn_profile_inflight *next;
} gofn_profile_inflight;

struct gofn_profiles {
	gofn_store *store; /* its own connection to the configured store */
	char dir[1100];	   /* DATA/profiles */
	int keep;	   /* per tenant */
	int64_t max_age_s;
	unsigned char secret[32];
	atomic_uint stores;   /* profiles stored since start (for sweeps) */
	pthread_mutex_t lock; /* guards windows and inflight */
	struct gofn_profile_window *windows;
	gofn_profile_inflight *inflight;
};

#endif
