/* bench-cgi-server: the CGI-style peer of the warm invoke row. Every
 * request forks and execs the native binary of the invoked program, hands it
 * the body on stdin and answers with its output (stdout and stderr), as a
 * CGI server would. Usage: bench-cgi-server PROGRAM [ARGS...] */
#include "bench/bench_http.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_OUT (64 * 1024)

static struct MHD_Response *text(const char *msg)
{
	return MHD_create_response_from_buffer(strlen(msg), (void *)msg, MHD_RESPMEM_MUST_COPY);
}

static void child(char **argv, int in, int out)
{
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(126);
	execv(argv[0], argv);
	_exit(127);
}

/* Writes the body (the benchmark's are far below a pipe's buffer) and
 * closes stdin; a program that exits without reading it is fine. */
static void feed(int fd, const char *body, size_t len)
{
	while (len) {
		ssize_t n = write(fd, body, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		body += n, len -= (size_t)n;
	}
	close(fd);
}

static size_t drain(int fd, char *out, size_t cap)
{
	size_t len = 0;
	for (;;) {
		char skip[4096];
		char *dst = len < cap ? out + len : skip;
		size_t room = len < cap ? cap - len : sizeof skip;
		ssize_t n = read(fd, dst, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (dst != skip)
			len += (size_t)n;
	}
	close(fd);
	return len;
}

static struct MHD_Response *run(struct MHD_Connection *c, const char *body, size_t len, void *arg)
{
	char **argv = arg;
	(void)c;
	int in[2], out[2], status;
	static __thread char buf[MAX_OUT];

	if (pipe2(in, O_CLOEXEC) < 0)
		return text("pipe failed\n");
	if (pipe2(out, O_CLOEXEC) < 0) {
		close(in[0]), close(in[1]);
		return text("pipe failed\n");
	}
	pid_t pid = fork();
	if (pid == 0)
		child(argv, in[0], out[1]);
	close(in[0]), close(out[1]);
	if (pid < 0) {
		close(in[1]), close(out[0]);
		return text("fork failed\n");
	}
	feed(in[1], body, len);
	size_t n = drain(out[0], buf, sizeof buf);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return MHD_create_response_from_buffer(n, buf, MHD_RESPMEM_MUST_COPY);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench-cgi-server PROGRAM [ARGS...]\n");
		return 2;
	}
	return bench_http_serve("bench-cgi-server", run, argv + 1);
}
