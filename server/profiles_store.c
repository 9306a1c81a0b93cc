/* Profile rows in SQLite and profile bytes in DATA/profiles (see profiles.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "server/crypto.h"
#include "server/profiles_internal.h"

/* The tenants table is the store's (server/store.c); it exists by now.
 * synchronous=NORMAL (this connection only): a power loss may drop the
 * newest rows, never corrupt; their files, fsync'd first, are then swept. */
static const char schema[] =
    "PRAGMA foreign_keys=ON;"
    "PRAGMA synchronous=NORMAL;"
    "CREATE TABLE IF NOT EXISTS profiles("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,"
    " tenant TEXT NOT NULL REFERENCES tenants(name) ON DELETE CASCADE,"
    " kind TEXT NOT NULL, invocation TEXT NOT NULL, function TEXT NOT NULL,"
    " symbol TEXT NOT NULL, size INTEGER NOT NULL, created INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS profiles_tenant ON profiles(tenant, seq);";

#define COLS "id, tenant, kind, invocation, function, symbol, size, created"

static int db_err(gofn_profiles *p, gofn_err *e, const char *what)
{
	return gofn_errf(e, GOFN_ESYS, "profiles: sqlite: %s: %s", what, sqlite3_errmsg(p->db));
}

static sqlite3_stmt *prep(gofn_profiles *p, gofn_err *e, const char *sql, const char *const *args)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(p->db, sql, -1, &st, NULL) != SQLITE_OK) {
		db_err(p, e, "prepare");
		return NULL;
	}
	for (int i = 0; args && args[i]; i++)
		sqlite3_bind_text(st, i + 1, args[i], -1, SQLITE_TRANSIENT);
	return st;
}

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
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX;
	if (sqlite3_open_v2(db_path, &p->db, flags, NULL) != SQLITE_OK) {
		gofn_errf(e, GOFN_ESYS, "profiles: open %s failed", db_path);
		goto fail;
	}
	sqlite3_busy_timeout(p->db, 5000);
	if (sqlite3_exec(p->db, schema, NULL, NULL, NULL) != SQLITE_OK) {
		db_err(p, e, "schema");
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
	sqlite3_close(p->db);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

static int write_file(const gofn_profiles *p, const char *id, const uint8_t *data, size_t len,
		      gofn_err *e)
{
	char path[1200], tmp[1210];

	path_of(p, id, path, sizeof path);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return gofn_errsys(e, "create %s", tmp);
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			gofn_errsys(e, "write %s", tmp);
			close(fd);
			unlink(tmp);
			return -1;
		}
		off += (size_t)w;
	}
	if (fsync(fd) < 0 || close(fd) < 0 || rename(tmp, path) < 0) {
		gofn_errsys(e, "store %s", path);
		unlink(tmp);
		return -1;
	}
	return 0;
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
	if (write_file(p, row->id, data, len, e) < 0)
		return -1;
	const char *args[] = {row->id,	     row->tenant, row->kind, row->invocation,
			      row->function, row->symbol, NULL};
	sqlite3_stmt *st = prep(p, e,
				"INSERT INTO profiles(id, tenant, kind, invocation, function, "
				"symbol, size, created) VALUES(?,?,?,?,?,?,?,?)",
				args);
	int rc = st ? SQLITE_OK : SQLITE_ERROR;
	if (st) {
		sqlite3_bind_int64(st, 7, row->size);
		sqlite3_bind_int64(st, 8, row->created);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
	}
	if (rc != SQLITE_DONE) {
		char path[1200];
		path_of(p, row->id, path, sizeof path);
		unlink(path);
		return st ? db_err(p, e, "insert profile") : -1;
	}
	return gofn_profiles_retain(p, row->tenant, e);
}

static void copy_col(char *dst, size_t cap, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	snprintf(dst, cap, "%s", t ? (const char *)t : "");
}

static void take_row(sqlite3_stmt *st, gofn_profile_row *r)
{
	memset(r, 0, sizeof *r);
	copy_col(r->id, sizeof r->id, st, 0);
	copy_col(r->tenant, sizeof r->tenant, st, 1);
	copy_col(r->kind, sizeof r->kind, st, 2);
	copy_col(r->invocation, sizeof r->invocation, st, 3);
	copy_col(r->function, sizeof r->function, st, 4);
	copy_col(r->symbol, sizeof r->symbol, st, 5);
	r->size = sqlite3_column_int64(st, 6);
	r->created = sqlite3_column_int64(st, 7);
}

int gofn_profiles_get(gofn_profiles *p, const char *tenant, const char *id, gofn_profile_row *row,
		      gofn_err *e)
{
	const char *args[] = {id, tenant, NULL};
	sqlite3_stmt *st = prep(p, e,
				tenant ? "SELECT " COLS " FROM profiles WHERE id = ? AND tenant = ?"
				       : "SELECT " COLS " FROM profiles WHERE id = ?",
				args);

	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		take_row(st, row);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 1;
	if (rc != SQLITE_ROW)
		return db_err(p, e, "get profile");
	/* Past its age it is gone, even before retention runs again. */
	if (p->max_age_s && row->created < (int64_t)time(NULL) - p->max_age_s)
		return 1;
	return 0;
}

int gofn_profiles_read(gofn_profiles *p, const char *id, uint8_t **data, size_t *len, gofn_err *e)
{
	char path[1200];
	struct stat sb;

	path_of(p, id, path, sizeof path);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return gofn_errsys(e, "open %s", path);
	if (fstat(fd, &sb) < 0 || sb.st_size < 0 || (uint64_t)sb.st_size > GOFN_PROFILE_MAX) {
		close(fd);
		return gofn_errf(e, GOFN_EINVAL, "%s: not a profile file", path);
	}
	uint8_t *b = malloc((size_t)sb.st_size + 1);
	size_t got = 0;
	while (b && got < (size_t)sb.st_size) {
		ssize_t r = read(fd, b + got, (size_t)sb.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (!b || got != (size_t)sb.st_size) {
		free(b);
		return gofn_errf(e, GOFN_ESYS, "read %s failed", path);
	}
	*data = b;
	*len = got;
	return 0;
}

int gofn_profiles_del(gofn_profiles *p, const char *tenant, const char *id, gofn_err *e)
{
	const char *args[] = {tenant, id, NULL};
	sqlite3_stmt *st = prep(p, e, "DELETE FROM profiles WHERE tenant = ? AND id = ?", args);
	char path[1200];

	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_err(p, e, "delete profile");
	if (sqlite3_changes(p->db) == 0)
		return 1;
	path_of(p, id, path, sizeof path);
	unlink(path);
	return 0;
}

static int query_rows(gofn_profiles *p, sqlite3_stmt *st, gofn_profile_row **rows, size_t *n,
		      gofn_err *e)
{
	int rc;

	*rows = NULL;
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		gofn_profile_row *r = realloc(*rows, (*n + 1) * sizeof *r);
		if (!r) {
			sqlite3_finalize(st);
			return gofn_errf(e, GOFN_ENOMEM, "profiles: out of memory");
		}
		*rows = r;
		take_row(st, &r[(*n)++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_err(p, e, "list profiles");
	return 0;
}

int gofn_profiles_list(gofn_profiles *p, const char *tenant, gofn_profile_row **rows, size_t *n,
		       gofn_err *e)
{
	const char *args[] = {tenant, NULL};

	if (gofn_profiles_retain(p, tenant, e) < 0)
		return -1;
	sqlite3_stmt *st =
	    prep(p, e, "SELECT " COLS " FROM profiles WHERE tenant = ? ORDER BY seq DESC", args);
	return st ? query_rows(p, st, rows, n, e) : -1;
}

int gofn_profiles_retain(gofn_profiles *p, const char *tenant, gofn_err *e)
{
	const char *args[] = {tenant, tenant, NULL};
	gofn_profile_row *rows;
	size_t n;
	sqlite3_stmt *st = prep(p, e,
				"SELECT " COLS " FROM profiles WHERE tenant = ? AND (created < ? OR"
				" seq NOT IN (SELECT seq FROM profiles WHERE tenant = ?"
				" ORDER BY seq DESC LIMIT ?))",
				NULL);

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, args[0], -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, p->max_age_s ? (int64_t)time(NULL) - p->max_age_s : 0);
	sqlite3_bind_text(st, 3, args[1], -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, p->keep);
	if (query_rows(p, st, &rows, &n, e) < 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < n && rc >= 0; i++)
		rc = gofn_profiles_del(p, tenant, rows[i].id, e);
	free(rows);
	return rc < 0 ? -1 : 0;
}
