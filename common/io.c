#include "common/io.h"

#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/clock.h"

ssize_t gofn_read_retry(int fd, void *p, size_t n)
{
	ssize_t r;

	while ((r = read(fd, p, n)) < 0 && errno == EINTR)
		;
	return r;
}

ssize_t gofn_read_full(int fd, void *p, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = gofn_read_retry(fd, (char *)p + got, n - got);
		if (r < 0 && got == 0)
			return -1;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

int gofn_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

pid_t gofn_waitpid(pid_t pid, int *status, int flags)
{
	pid_t r;

	while ((r = waitpid(pid, status, flags)) < 0 && errno == EINTR)
		;
	return r;
}

int gofn_poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
	int64_t end = timeout_ms < 0 ? -1 : gofn_now_ms() + timeout_ms;

	for (;;) {
		int left = -1;
		if (end >= 0) {
			int64_t l = end - gofn_now_ms();
			left = l < 0 ? 0 : (int)l;
		}
		int r = poll(fds, n, left);
		if (r >= 0 || errno != EINTR)
			return r;
	}
}

int gofn_connect(int fd, const struct sockaddr *a, socklen_t len)
{
	if (connect(fd, a, len) == 0)
		return 0;
	if (errno != EINTR && errno != EINPROGRESS)
		return -1;
	struct pollfd p = {.fd = fd, .events = POLLOUT};
	if (gofn_poll(&p, 1, -1) < 0)
		return -1;
	int err = 0;
	socklen_t elen = sizeof err;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
		return -1;
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}
