/* Profile rows in the store (server/store.h: SQLite or PostgreSQL, whichever
 * --store selects; the table is created with the store's schema) and
 * profile bytes in DATA/profiles (see profiles.h). Its own connection opens
 * relaxed: a power loss may drop the newest rows, never corrupt; their
 * files, fsync'd first, are then swept. A store that holds bytes
 * (PostgreSQL) keeps them in the row; files are then a local cache. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/file.h"
#include "server/crypto.h"
#include "server/profiles_internal.h"

static void path_of(const gofn_profiles *p, const char *id, char *out, size_t cap)
{
	snprintf(out, cap, "%s/%s.pb.gz", p->dir, id);
}

/* Sweep every this many stores, so a deleted tenant's files (its rows go
 * by ON DELETE CASCADE) do not wait for a restart. */
#define SWEEP_EVERY 64
/* A file this young may be a store between its file and its row. */
#define SWEEP_MIN_AGE_S 60

/* Files without a row (a crash between file and row, or a deleted tenant)
 * and stray tmp files go, at startup and every SWEEP_EVERY stores. */
static void sweep(gofn_profiles *p, int startup)
{
	DIR *d = opendir(p->dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char id[64], path[1400];
		const char *dot = strstr(de->d_name, ".pb.gz");
		struct stat sb;
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", p->dir, de->d_name);
		if (!startup && (stat(path, &sb) < 0 || sb.st_mtime > time(NULL) - SWEEP_MIN_AGE_S))
			continue;
		size_t n = dot ? (size_t)(dot - de->d_name) : 0;
		int keep = 0;
		if (dot && !strcmp(dot, ".pb.gz") && n < sizeof id) {
			memcpy(id, de->d_name, n);
			id[n] = 0;
			gofn_profile_row row;
			gofn_err e = {0};
			keep = gofn_profiles_get(p, NULL, id, &row, &e) != 1;
		}
		if (!keep)
			unlink(path);
	}
	closedir(d);
}

int gofn_profiles_open(const gofn_config *cfg, const char *db_path, gofn_profiles **out,
		       gofn_err *e)
{
	gofn_profiles *p = calloc(1, sizeof *p);

	if (!p)
		return gofn_errf(e, GOFN_ENOMEM, "profiles: out of memory");
	pthread_mutex_init(&p->lock, NULL);
	p->keep = cfg->profile_keep;
	p->max_age_s = cfg->profile_max_age_s;
	snprintf(p->dir, sizeof p->dir, "%s/profiles", cfg->data_dir);
	if (mkdir(p->dir, 0700) < 0 && errno != EEXIST) {
		gofn_errsys(e, "mkdir %s", p->dir);
		goto fail;
	}
	if (gofn_store_open_relaxed(cfg, db_path, &p->store, e) < 0) {
		gofn_errctx(e, "profiles");
		goto fail;
	}
	if (gofn_profiles_secret_load(p, cfg->data_dir, e) < 0)
		goto fail;
	sweep(p, 1);
	*out = p;
	return 0;
fail:
	gofn_profiles_close(p);
	return -1;
}

void gofn_profiles_close(gofn_profiles *p)
{
	if (!p)
		return;
	while (p->windows) {
		gofn_profile_window *w = p->windows;
		p->windows = w->next;
		json_decref(w->ids);
		free(w);
	}
	while (p->inflight) {
		gofn_profile_inflight *f = p->inflight;
		p->inflight = f->next;
		free(f);
	}
	gofn_store_close(p->store);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

static int write_file(const gofn_profiles *p, const char *id, const uint8_t *data, size_t len,
		      gofn_err *e)
{
	char name[128];

	snprintf(name, sizeof name, "%s.pb.gz", id);
	return gofn_file_write_durable(p->dir, name, data, len, e);
}

int gofn_profiles_put(gofn_profiles *p, gofn_profile_row *row, const uint8_t *data, size_t len,
		      gofn_err *e)
{
	char rnd[17];

	if (gofn_random_hex(rnd, 8, e) < 0)
		return -1;
	snprintf(row->id, sizeof row->id, "prof_%s", rnd);
	row->size = (int64_t)len;
	row->created = (int64_t)time(NULL);
	if (atomic_fetch_add(&p->stores, 1) % SWEEP_EVERY == SWEEP_EVERY - 1)
		sweep(p, 0);
	/* A store that holds bytes takes them in the row itself: any replica
	 * serves the profile, and there is no file to sweep. */
	if (gofn_store_holds_bytes(p->store)) {
		int rc = gofn_store_profile_add_bytes(p->store, row, data, len, e);
		if (rc != 0)
			return rc < 0 ? -1
				      : gofn_errf(e, GOFN_ESYS, "profiles: id %s exists", row->id);
		return gofn_profiles_retain(p, row->tenant, e);
	}
	if (write_file(p, row->id, data, len, e) < 0)
		return -1;
	int rc = gofn_store_profile_add(p->store, row, e);
	if (rc != 0) {
		char path[1200];
		path_of(p, row->id, path, sizeof path);
		unlink(path);
		return rc < 0 ? -1 : gofn_errf(e, GOFN_ESYS, "profiles: id %s exists", row->id);
	}
	return gofn_profiles_retain(p, row->tenant, e);
}

int gofn_profiles_get(gofn_profiles *p, const char *tenant, const char *id, gofn_profile_row *row,
		      gofn_err *e)
{
	int rc = gofn_store_profile_get(p->store, tenant, id, row, e);

	if (rc != 0)
		return rc;
	/* Past its age it is gone, even before retention runs again. */
	if (p->max_age_s && row->created < (int64_t)time(NULL) - p->max_age_s)
		return 1;
	return 0;
}

int gofn_profiles_read(gofn_profiles *p, const char *id, uint8_t **data, size_t *len, gofn_err *e)
{
	char path[1200];

	path_of(p, id, path, sizeof path);
	if (!gofn_store_holds_bytes(p->store) || access(path, F_OK) == 0 || errno != ENOENT)
		return gofn_file_read(path, GOFN_PROFILE_MAX, data, len, e);
	int rc = gofn_store_profile_bytes(p->store, id, GOFN_PROFILE_MAX, data, len, e);
	if (rc == 1)
		return gofn_errf(e, GOFN_ESYS, "profile %s has no bytes in the store", id);
	if (rc < 0)
		return -1;
	/* This replica's cache; the sweep drops it once the row is gone. */
	gofn_err ce = {0};
	write_file(p, id, *data, *len, &ce);
	return 0;
}

int gofn_profiles_del(gofn_profiles *p, const char *tenant, const char *id, gofn_err *e)
{
	char path[1200];
	int rc = gofn_store_profile_del(p->store, tenant, id, e);

	if (rc != 0)
		return rc;
	path_of(p, id, path, sizeof path);
	unlink(path);
	return 0;
}

int gofn_profiles_list(gofn_profiles *p, const char *tenant, gofn_profile_row **rows, size_t *n,
		       gofn_err *e)
{
	if (gofn_profiles_retain(p, tenant, e) < 0)
		return -1;
	return gofn_store_profile_list(p->store, tenant, rows, n, e);
}

int gofn_profiles_retain(gofn_profiles *p, const char *tenant, gofn_err *e)
{
	int64_t older_than = p->max_age_s ? (int64_t)time(NULL) - p->max_age_s : 0;
	gofn_profile_row *rows;
	size_t n;

	if (gofn_store_profile_expired(p->store, tenant, older_than, p->keep, &rows, &n, e) < 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < n && rc >= 0; i++)
		rc = gofn_profiles_del(p, tenant, rows[i].id, e);
	free(rows);
	return rc < 0 ? -1 : 0;
}
