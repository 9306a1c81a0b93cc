#include "common/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int gofn_fsync_dir(const char *dir, gofn_err *e)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || fsync(fd) < 0) {
		gofn_errsys(e, "fsync %s", dir);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int gofn_file_write_durable(const char *dir, const char *name, const uint8_t *p, size_t n,
			    gofn_err *e)
{
	char tmp[1400], final[1400];

	if (snprintf(final, sizeof final, "%s/%s", dir, name) >= (int)sizeof final ||
	    snprintf(tmp, sizeof tmp, "%s/tmp.%s.%ld", dir, name, (long)gettid()) >=
		(int)sizeof tmp)
		return gofn_errf(e, GOFN_EINVAL, "path too long: %s/%s", dir, name);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return gofn_errsys(e, "create %s", tmp);
	if (write_all(fd, p, n) < 0 || fsync(fd) < 0) {
		gofn_errsys(e, "write %s", tmp);
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd) < 0 || rename(tmp, final) < 0) {
		gofn_errsys(e, "rename %s", tmp);
		unlink(tmp);
		return -1;
	}
	return gofn_fsync_dir(dir, e);
}

int gofn_file_read(const char *path, size_t max, uint8_t **out, size_t *len, gofn_err *e)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return gofn_errsys(e, "open %s", path);
	if (fstat(fd, &st) < 0 || st.st_size < 0 || (uint64_t)st.st_size > max) {
		close(fd);
		return gofn_errf(e, GOFN_ELIMIT, "%s: larger than %zu bytes", path, max);
	}
	size_t n = (size_t)st.st_size, got = 0;
	uint8_t *b = malloc(n + 1);
	while (b && got < n) {
		ssize_t r = read(fd, b + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (!b || got != n) {
		free(b);
		return gofn_errf(e, b ? GOFN_ESYS : GOFN_ENOMEM, "read %s: short read", path);
	}
	b[n] = 0;
	*out = b;
	*len = n;
	return 0;
}
