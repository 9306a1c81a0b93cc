#include "server/objects.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fsync_path(const char *path, gofn_err *e)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || fsync(fd) < 0) {
		gofn_errsys(e, "fsync %s", path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

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

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int gofn_objects_put(const char *data_dir, const char *sha256, const uint8_t *p, size_t n,
		     gofn_err *e)
{
	char dir[1100], tmp[1200], final[1200];
	struct stat st;

	snprintf(dir, sizeof dir, "%s/objects", data_dir);
	snprintf(final, sizeof final, "%s/%s", dir, sha256);
	if (stat(final, &st) == 0 && (size_t)st.st_size == n)
		return 0; /* same content already durable */
	snprintf(tmp, sizeof tmp, "%s/tmp.%s.%ld", dir, sha256, (long)gettid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return gofn_errsys(e, "create %s", tmp);
	if (write_all(fd, p, n) < 0 || fsync(fd) < 0) {
		gofn_errsys(e, "write %s", tmp);
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, final) < 0) {
		gofn_errsys(e, "rename %s", tmp);
		unlink(tmp);
		return -1;
	}
	return fsync_path(dir, e);
}

int gofn_objects_get(const char *data_dir, const char *sha256, size_t max, uint8_t **p, size_t *n,
		     gofn_err *e)
{
	char path[1200];
	struct stat st;

	snprintf(path, sizeof path, "%s/objects/%s", data_dir, sha256);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return gofn_errsys(e, "open object %s", sha256);
	if (fstat(fd, &st) < 0 || (size_t)st.st_size > max) {
		close(fd);
		return gofn_errf(e, GOFN_ELIMIT, "object %s: bad size", sha256);
	}
	*n = (size_t)st.st_size;
	*p = malloc(*n ? *n : 1);
	size_t got = 0;
	while (*p && got < *n) {
		ssize_t r = read(fd, *p + got, *n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (!*p || got != *n) {
		free(*p);
		*p = NULL;
		return gofn_errf(e, GOFN_ESYS, "read object %s: short read", sha256);
	}
	return 0;
}

void gofn_objects_remove(const char *data_dir, const char *sha256)
{
	char path[1200];

	snprintf(path, sizeof path, "%s/objects/%s", data_dir, sha256);
	unlink(path);
}
