#include "server/objects.h"

#include "common/file.h"
#include "server/crypto.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int gofn_objects_init(const char *data_dir, gofn_err *e)
{
	char dir[1100];

	snprintf(dir, sizeof dir, "%s/objects", data_dir);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return gofn_errsys(e, "mkdir %s", dir);
	DIR *d = opendir(dir);
	if (!d)
		return gofn_errsys(e, "open %s", dir);
	struct dirent *de;
	while ((de = readdir(d)))
		if (strncmp(de->d_name, "tmp.", 4) == 0)
			unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
	return 0;
}

int gofn_objects_put(const char *data_dir, const char *sha256, const uint8_t *p, size_t n,
		     gofn_err *e)
{
	char dir[1100], final[1200];
	struct stat st;

	snprintf(dir, sizeof dir, "%s/objects", data_dir);
	snprintf(final, sizeof final, "%s/%s", dir, sha256);
	if (stat(final, &st) == 0 && (size_t)st.st_size == n)
		return 0; /* same content already durable */
	return gofn_file_write_durable(dir, sha256, p, n, e);
}

int gofn_objects_get(const char *data_dir, const char *sha256, size_t max, uint8_t **p, size_t *n,
		     gofn_err *e)
{
	char path[1200];

	snprintf(path, sizeof path, "%s/objects/%s", data_dir, sha256);
	*p = NULL;
	return gofn_file_read(path, max, p, n, e);
}

int gofn_objects_load(gofn_store *st, const char *data_dir, const char *sha256, size_t max,
		      uint8_t **p, size_t *n, gofn_err *e)
{
	char path[1200], got[GOFN_SHA256_HEX];

	snprintf(path, sizeof path, "%s/objects/%s", data_dir, sha256);
	if (!gofn_store_holds_bytes(st) || access(path, F_OK) == 0 || errno != ENOENT)
		return gofn_objects_get(data_dir, sha256, max, p, n, e);
	int rc = gofn_store_object_get(st, sha256, max, p, n, e);
	if (rc == 1)
		return gofn_errf(e, GOFN_ESYS, "object %s is in neither %s nor the store", sha256,
				 path);
	if (rc < 0)
		return -1;
	gofn_sha256_hex(*p, *n, got);
	if (strcmp(got, sha256) != 0) {
		free(*p);
		*p = NULL;
		return gofn_errf(e, GOFN_ESYS, "object %s: the store's bytes hash to %s", sha256,
				 got);
	}
	/* Only a cache: a full disk costs a fetch next time, not this call. */
	gofn_err ce = {0};
	gofn_objects_put(data_dir, sha256, *p, *n, &ce);
	return 0;
}

void gofn_objects_remove(const char *data_dir, const char *sha256)
{
	char path[1200];

	snprintf(path, sizeof path, "%s/objects/%s", data_dir, sha256);
	unlink(path);
}
