/* Cgroups of workers whose supervisor died without removing them (a killed
 * gofnd or CLI): w<pid> with no such pid left and no task inside. A live
 * worker's directory is never touched, and rmdir refuses a populated one.
 *
 * Every spawn used to sweep every parent it created a group under: one
 * kill(pid, 0) per w<pid> there, about 400 system calls a spawn with 250
 * workers, more with 1,000 (docs/benchmarks.md, "Many tenants (sixth
 * session)" (a)). What a sweep removes are leftovers of a supervisor that
 * is gone, so a parent is swept at its first use in this process (the
 * leftovers of one that died before it started) and then at most once per
 * GOFN_CGROUP_SWEEP_MS (one that died meanwhile, e.g. another gofnd or CLI
 * sharing the hierarchy, or a removal of ours the kernel refused). */
#include "common/clock.h"
#include "sandbox/spawn_plan.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* When each parent was last swept, by a hash of its path: direct-mapped,
 * so two parents sharing a slot only cost an extra sweep, never a missed
 * one. 4,096 slots hold the tenant groups of 1,000 tenants with few
 * collisions (v2 sweeps gofn/t<uid> of each). */
#define SLOTS 4096

static struct {
	uint64_t hash; /* 0: empty */
	int64_t at_ms;
} swept[SLOTS];
static pthread_mutex_t swept_mu = PTHREAD_MUTEX_INITIALIZER;

static uint64_t path_hash(const char *s)
{
	uint64_t h = 14695981039346656037ull; /* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h ? h : 1;
}

/* 1 if parent is due a sweep at now_ms, marking it swept then. */
static int due(const char *parent, int64_t now_ms)
{
	uint64_t h = path_hash(parent);
	size_t i = h % SLOTS;
	int yes;

	pthread_mutex_lock(&swept_mu);
	yes = swept[i].hash != h || now_ms - swept[i].at_ms >= GOFN_CGROUP_SWEEP_MS ||
	      now_ms < swept[i].at_ms;
	if (yes) {
		swept[i].hash = h;
		swept[i].at_ms = now_ms;
	}
	pthread_mutex_unlock(&swept_mu);
	return yes;
}

int gofn_cgroup_sweep(const char *parent, int64_t now_ms)
{
	char path[512];
	struct dirent *d;
	DIR *dir;

	if (!due(parent, now_ms))
		return 0;
	dir = opendir(parent);
	if (!dir)
		return 1;
	while ((d = readdir(dir))) {
		char *end;
		long pid;
		if (d->d_name[0] != 'w')
			continue;
		pid = strtol(d->d_name + 1, &end, 10);
		if (*end || pid <= 0 || (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
			continue;
		snprintf(path, sizeof path, "%s/%s", parent, d->d_name);
		rmdir(path);
	}
	closedir(dir);
	return 1;
}
