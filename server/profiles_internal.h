/* The state behind server/profiles.h, shared by its profiles_*.c files. */
#ifndef GOFN_SERVER_PROFILES_INTERNAL_H
#define GOFN_SERVER_PROFILES_INTERNAL_H

#include <pthread.h>
#include <sqlite3.h>

#include "server/profiles.h"

struct gofn_profile_window {
	char tenant[64];
	char function[40];
	json_t *ids; /* profile ids collected so far */
	struct gofn_profile_window *next;
};

struct gofn_profiles {
	sqlite3 *db;
	char dir[1100]; /* DATA/profiles */
	int keep;	/* per tenant */
	int64_t max_age_s;
	unsigned char secret[32];
	pthread_mutex_t lock; /* guards windows */
	struct gofn_profile_window *windows;
};

#endif
