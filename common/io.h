/* System calls a signal can interrupt, restarted. gofnd's threads and the
 * test harnesses can run with signal handlers installed without SA_RESTART
 * (libFuzzer's SIGALRM in the fuzz targets that link gofnd, the Go runtime
 * in the worker), and poll() and an interrupted connect() report EINTR even
 * with SA_RESTART; an unretried EINTR turned into a failed spawn, a zombie
 * or an aborted test. */
#ifndef GOFN_COMMON_IO_H
#define GOFN_COMMON_IO_H

#include <poll.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

/* One read(), restarted on EINTR. */
ssize_t gofn_read_retry(int fd, void *p, size_t n);
/* Reads until n bytes, end of file or an error; returns the bytes read, or
 * -1 on an error before any byte. */
ssize_t gofn_read_full(int fd, void *p, size_t n);
/* Writes all n bytes (0) or fails (-1, errno set). */
int gofn_write_all(int fd, const void *p, size_t n);
/* waitpid(), restarted on EINTR. */
pid_t gofn_waitpid(pid_t pid, int *status, int flags);
/* poll() that waits timeout_ms in total (-1: forever) across interruptions. */
int gofn_poll(struct pollfd *fds, nfds_t n, int timeout_ms);
/* connect() on a blocking socket: an interrupted connect goes on in the
 * kernel, so wait for it and return its own result (0, or -1 with errno). */
int gofn_connect(int fd, const struct sockaddr *a, socklen_t len);

#endif
