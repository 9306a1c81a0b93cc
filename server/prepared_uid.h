/* One-time host uids for prepared workers (server/prepared.h).
 *
 * A prepared worker is confined, exec'd and past its Go runtime start
 * before anyone knows its tenant, so it cannot run as its tenant's uid
 * (server/tenant_uid.h): a user namespace's uid map is written once, before
 * exec. It runs instead as a host uid no process has had before and none
 * will have after it: handed out in order from --prepared-uids BASE:COUNT,
 * a range apart from --uid-range. Bound to a tenant, the uid is that
 * tenant's for the worker's life and then retired, so it is never shared
 * between tenants. The end of each block handed out is written durably to
 * DATA/prepared-uids before any uid of the block is used, so a restart
 * continues after every uid an earlier run may have used. */
#ifndef GOFN_SERVER_PREPARED_UID_H
#define GOFN_SERVER_PREPARED_UID_H

#include <pthread.h>
#include <stdint.h>

#include "common/err.h"
#include "server/config.h"

typedef struct gofn_puids {
	pthread_mutex_t mu;
	uint64_t next, end; /* uids [next, end) are ours to hand out */
	uint64_t limit;	    /* base + count */
	char dir[1024];	    /* the data dir holding "prepared-uids" */
} gofn_puids;

/* Parses "BASE:COUNT" into c->prepared_uid_base/count: BASE >= 1000, the
 * range within 32 bits (below 4294967294, which the kernel reserves). */
int gofn_puids_parse(gofn_config *c, const char *v, gofn_err *e);

/* -1 with GOFN_EINVAL if --prepared-uids overlaps --uid-range. */
int gofn_puids_check(const gofn_config *c, gofn_err *e);

/* Continues after the mark in DATA/prepared-uids (BASE when absent). */
int gofn_puids_open(gofn_puids *u, const gofn_config *c, gofn_err *e);

/* The next unused uid, or -1: the range is used up (GOFN_ELIMIT) or the
 * mark cannot be written (then no uid of the new block is handed out). */
int gofn_puids_take(gofn_puids *u, unsigned *uid, gofn_err *e);

#endif
