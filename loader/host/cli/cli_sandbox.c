/* gofn-loader -sandbox [limits] <mode and its arguments>
 *
 * Parent: reads every object (-o FILE) and the input (-in FILE) itself, hands
 * them to a confined copy of this executable as sealed memfds (the worker has
 * no view of the host filesystem), supervises it (wall clock, memory, output
 * cap) and exits with its status, naming the system call if the filter
 * killed it.
 * Child (argv "-sandbox -child ..."): gofn_sandbox_enter() before any byte of
 * input is parsed, then the requested mode. */
#include "common/io.h"
#include "loader/host/cli/cli.h"
#include "loader/loader.h"
#include "loader/symtab.h"
#include "sandbox/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_ARGS      256
#define MAX_OBJ_BYTES (256u << 20)
#define FD_REPORT     3 /* worker fd where a refused system call is reported */
#define FD_FIRST_OBJ  4

/* The escape attempts of tests/escape (`-selftest NAME [ARG]`): linked only
 * into the test build of this executable (tests/escape/CMakeLists.txt), so
 * the shipped gofn-loader carries no attack code. Prints "ESCAPED:<name>"
 * only if an attempt succeeded; returns the exit code. */
extern int gofn_sandbox_attempt(int argc, char **argv) __attribute__((weak));

typedef struct run {
	gofn_sandbox_limits limits;
	gofn_sandbox_fallback fallback; /* -test-fallback (tests/escape only) */
	char *argv[MAX_ARGS + 4];	/* the worker's argv */
	int argc;
	int fds[16]; /* the worker's fds */
	int nfds;
	char fdnum[12][16]; /* "fd:N" object names */
} run;

static int die(const gofn_err *e)
{
	fprintf(stderr, "gofn-loader: sandbox: %s\n", e->msg);
	return 2;
}

/* A sealed in-memory copy of a file: the worker reads it, cannot change it. */
static int memfd_of(const char *path, gofn_err *err)
{
	char buf[1 << 16];
	struct stat st;
	int in, mfd;
	ssize_t n;
	uint64_t total = 0;

	in = strcmp(path, "-") == 0 ? dup(0) : open(path, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return gofn_errsys(err, "open %s", path);
	if (fstat(in, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(in);
		return gofn_errf(err, GOFN_EINVAL, "%s: is a directory", path);
	}
	mfd = memfd_create("gofn-input", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0) {
		close(in);
		return gofn_errsys(err, "memfd_create");
	}
	while ((n = gofn_read_retry(in, buf, sizeof buf)) > 0) {
		total += (uint64_t)n;
		if (total > MAX_OBJ_BYTES || gofn_write_all(mfd, buf, (size_t)n) < 0) {
			close(in);
			close(mfd);
			return total > MAX_OBJ_BYTES
				   ? gofn_errf(err, GOFN_ELIMIT, "%s: larger than %u bytes", path,
					       MAX_OBJ_BYTES)
				   : gofn_errsys(err, "copy %s", path);
		}
	}
	close(in);
	if (n < 0) {
		close(mfd);
		return gofn_errsys(err, "read %s", path);
	}
	lseek(mfd, 0, SEEK_SET);
	fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
	return mfd;
}

static int add_arg(run *r, char *a, gofn_err *err)
{
	if (r->argc >= MAX_ARGS)
		return gofn_errf(err, GOFN_EINVAL, "too many arguments");
	r->argv[r->argc++] = a;
	return 0;
}

/* Splits our argv into limits and the worker's argv, replacing files by fds. */
static int plan(run *r, int argc, char **argv, gofn_err *err)
{
	static char child_flag[] = "-child", sandbox_flag[] = "-sandbox", o_flag[] = "-o",
		    in_flag[] = "-in", dash[] = "-";
	int nobj = 0, k;

	gofn_sandbox_limits_default(&r->limits);
	r->argc = 0;
	r->nfds = FD_FIRST_OBJ;
	r->fds[0] = -1;
	if (add_arg(r, argv[0], err) || add_arg(r, sandbox_flag, err) ||
	    add_arg(r, child_flag, err))
		return -1;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-sandbox") == 0)
			continue;
		if (strcmp(argv[i], "-test-fallback") == 0) {
			/* as if the kernel refused namespaces: weakens, never strengthens */
			const char *m = i + 1 < argc ? argv[++i] : "";
			if (strcmp(m, "nouserns") == 0)
				r->fallback = GOFN_FALLBACK_NO_USERNS;
			else if (strcmp(m, "none") == 0)
				r->fallback = GOFN_FALLBACK_NONE;
			else
				return gofn_errf(err, GOFN_EINVAL,
						 "-test-fallback: want nouserns or none");
			continue;
		}
		if ((k = gofn_sandbox_limits_flag(&r->limits, argc, argv, i, err)) < 0)
			return -1;
		if (k) {
			i++;
			continue;
		}
		if ((strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "-in") == 0) && i + 1 >= argc)
			return gofn_errf(err, GOFN_EINVAL, "%s: missing file", argv[i]);
		if (strcmp(argv[i], "-in") == 0) {
			if ((r->fds[0] = memfd_of(argv[++i], err)) < 0)
				return -1;
			if (add_arg(r, in_flag, err) || add_arg(r, dash, err))
				return -1;
			continue;
		}
		if (strcmp(argv[i], "-parse") == 0)
			return gofn_errf(err, GOFN_EINVAL,
					 "-parse runs no tenant code; use it without -sandbox");
		if (strcmp(argv[i], "-cpuprofile") == 0 || strcmp(argv[i], "-memprofile") == 0) {
			/* Created here, written by the worker through the fd (cli_profile.c). */
			int fd;
			if (i + 1 >= argc)
				return gofn_errf(err, GOFN_EINVAL, "%s: missing file", argv[i]);
			if (r->nfds >= 16 || nobj >= 12)
				return gofn_errf(err, GOFN_EINVAL, "too many files");
			fd = open(argv[i + 1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
			if (fd < 0)
				return gofn_errsys(err, "create %s", argv[i + 1]);
			snprintf(r->fdnum[nobj], sizeof r->fdnum[nobj], "fd:%d", r->nfds);
			r->fds[r->nfds++] = fd;
			if (add_arg(r, argv[i], err) || add_arg(r, r->fdnum[nobj++], err))
				return -1;
			i++;
			continue;
		}
		if (strcmp(argv[i], "-o") == 0) {
			int fd;
			if (nobj >= 12 || r->nfds >= 16)
				return gofn_errf(err, GOFN_EINVAL, "too many objects (max 12)");
			if ((fd = memfd_of(argv[i + 1], err)) < 0)
				return -1;
			snprintf(r->fdnum[nobj], sizeof r->fdnum[nobj], "fd:%d", r->nfds);
			r->fds[r->nfds++] = fd;
			/* The worker reads "fd:N" (cli_run.c) instead of a path. */
			if (add_arg(r, o_flag, err) || add_arg(r, r->fdnum[nobj++], err))
				return -1;
			i++;
			continue;
		}
		if (add_arg(r, argv[i], err))
			return -1;
	}
	r->argv[r->argc] = NULL;
	return 0;
}

static void close_plan(run *r)
{
	for (int i = FD_FIRST_OBJ; i < r->nfds; i++)
		close(r->fds[i]);
	if (r->fds[0] >= 0)
		close(r->fds[0]);
}

typedef struct stream {
	int fd;	 /* read end, -1 once closed */
	int out; /* where we copy to */
	uint64_t copied, cap;
	int truncated;
	const char *name;
} stream;

/* Copies what is there; beyond the cap data is read and dropped, so the
 * worker never blocks on a full pipe while we wait for it to end. */
static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* our own stdout is gone: nothing better to do */
		p += w;
		n -= (size_t)w;
	}
}

/* One read: 1 = data, 0 = nothing now, -1 = closed. */
static int pump(stream *s, char *report, size_t *rlen, size_t rcap)
{
	char buf[1 << 16];
	ssize_t n = read(s->fd, buf, sizeof buf);

	if (n <= 0) {
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		close(s->fd);
		s->fd = -1;
		return -1;
	}
	if (s->out < 0) { /* the report channel */
		size_t take = (size_t)n < rcap - *rlen ? (size_t)n : rcap - *rlen;
		memcpy(report + *rlen, buf, take);
		*rlen += take;
		return 1;
	}
	size_t keep = s->copied >= s->cap ? 0 : (size_t)(s->cap - s->copied);
	if (!s->cap || (size_t)n < keep)
		keep = (size_t)n;
	write_all(s->out, buf, keep);
	s->copied += (uint64_t)n;
	if (keep < (size_t)n && !s->truncated) {
		s->truncated = 1;
		fprintf(stderr, "gofn-loader: sandbox: %s truncated at %llu bytes (-output)\n",
			s->name, (unsigned long long)s->cap);
	}
	return 1;
}

static int exit_code(const gofn_sandbox_exit *x, const char *report, size_t rlen)
{
	gofn_sandbox_exit shown = *x;
	char msg[160];

	if (x->end == GOFN_END_SYSCALL)
		if (gofn_sandbox_parse_report(report, rlen, &shown.syscall) < 0)
			shown.syscall = -1;
	/* Exit status 159 without a report is a program's own os.Exit(159). */
	if (x->end == GOFN_END_SYSCALL && shown.syscall < 0 &&
	    x->status == GOFN_SANDBOX_SIGSYS_EXIT)
		shown.end = GOFN_END_EXITED;
	if (shown.end == GOFN_END_EXITED)
		return x->status;
	fprintf(stderr, "gofn-loader: sandbox: worker %s\n",
		gofn_sandbox_exit_str(&shown, msg, sizeof msg));
	switch (shown.end) {
	case GOFN_END_SYSCALL:
		return GOFN_SANDBOX_SIGSYS_EXIT;
	case GOFN_END_TIMEOUT:
		return 124;
	case GOFN_END_SIGNALED:
		return 128 + x->status;
	default:
		return 137;
	}
}

static int supervise(run *r, gofn_sandbox_proc *p, stream *st, int nst, uint64_t start)
{
	char report[256];
	size_t rlen = 0;
	gofn_sandbox_exit x;
	gofn_err err = {0};
	int ended = 0, rc;

	while (!ended) {
		struct pollfd pf[3];
		int n = 0;
		for (int i = 0; i < nst; i++)
			if (st[i].fd >= 0)
				pf[n++] = (struct pollfd){.fd = st[i].fd, .events = POLLIN};
		if (n)
			poll(pf, (nfds_t)n, 50);
		for (int i = 0, j = 0; i < nst; i++) {
			if (st[i].fd < 0)
				continue;
			if (pf[j++].revents)
				pump(&st[i], report, &rlen, sizeof report);
		}
		rc = gofn_sandbox_wait(p, &r->limits, start, n ? 0 : 50, &x, &err);
		if (rc < 0)
			return die(&err);
		ended = rc;
	}
	/* Drain what the worker wrote before it ended; it cannot write more. */
	for (int i = 0; i < nst; i++) {
		if (st[i].fd >= 0)
			fcntl(st[i].fd, F_SETFL, O_NONBLOCK);
		while (st[i].fd >= 0 && pump(&st[i], report, &rlen, sizeof report) > 0)
			;
		if (st[i].fd >= 0)
			close(st[i].fd);
	}
	gofn_sandbox_release(p);
	return exit_code(&x, report, rlen);
}

static int parent(int argc, char **argv)
{
	run r;
	gofn_err err = {0};
	gofn_sandbox_cfg cfg;
	gofn_sandbox_proc p;
	int out[2], errp[2], rep[2], rc;
	char layers[128];

	memset(&r, 0, sizeof r);
	if (plan(&r, argc, argv, &err) < 0) {
		close_plan(&r);
		return die(&err);
	}
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0 || pipe2(rep, O_CLOEXEC) < 0) {
		gofn_errsys(&err, "pipe");
		return die(&err);
	}
	r.fds[1] = out[1];
	r.fds[2] = errp[1];
	r.fds[FD_REPORT] = rep[1];
	cfg = (gofn_sandbox_cfg){.exe = "/proc/self/exe",
				 .argv = r.argv,
				 .fds = r.fds,
				 .nfds = (size_t)r.nfds,
				 .limits = r.limits,
				 .sigsys_fd = FD_REPORT,
				 .test_fallback = r.fallback};
	uint64_t start = (uint64_t)gofn_now_ms();
	rc = gofn_sandbox_spawn(&cfg, &p, &err);
	close(out[1]);
	close(errp[1]);
	close(rep[1]);
	close_plan(&r);
	if (rc < 0)
		return die(&err);
	if (getenv("GOFN_SANDBOX_VERBOSE"))
		fprintf(stderr,
			"gofn-loader: sandbox: worker %d, layers %s, exec'd %llu ms after spawn\n",
			(int)p.pid, gofn_sandbox_layers_str(p.layers, layers, sizeof layers),
			(unsigned long long)((uint64_t)gofn_now_ms() - start));
	stream st[3] = {
	    {.fd = out[0], .out = 1, .cap = r.limits.output_bytes, .name = "stdout"},
	    {.fd = errp[0], .out = 2, .cap = r.limits.output_bytes, .name = "stderr"},
	    {.fd = rep[0], .out = -1, .name = "report"},
	};
	return supervise(&r, &p, st, 3, start);
}

/* In the worker. Everything the loader must read from /proc happens before
 * the filter (which refuses every open) goes on. */
static int child(int argc, char **argv, gofn_cli_session *s)
{
	gofn_sandbox_cfg cfg = {.sigsys_fd = FD_REPORT};
	gofn_err err = {0};
	static char *rest[MAX_ARGS + 2]; /* the -run session outlives this frame */
	int n = 0;

	gofn_sandbox_limits_default(&cfg.limits);
	(void)gofn_loader_preload(NULL); /* host symbols via /proc/self/exe, cached */
	if (gofn_sandbox_enter(&cfg, &err) < 0)
		return die(&err);
	rest[n++] = argv[0];
	for (int i = 3; i < argc && n < MAX_ARGS; i++)
		rest[n++] = argv[i];
	rest[n] = NULL;
	for (int i = 1; i < n; i++)
		if (strcmp(rest[i], "-selftest") == 0) {
			if (gofn_sandbox_attempt)
				return gofn_sandbox_attempt(n - i - 1, rest + i + 1);
			fprintf(stderr, "gofn-loader: sandbox: -selftest: this build has no "
					"escape attempts (tests/escape builds one that has)\n");
			return 2;
		}
	for (int i = 1; i < n; i++)
		if (strcmp(rest[i], "-run") == 0)
			return gofn_cli_run(n, rest, s);
	fprintf(stderr, "gofn-loader: sandbox: nothing to run (want -o ... -run or -selftest)\n");
	return 2;
}

int gofn_cli_sandbox(int argc, char **argv, gofn_cli_session *s)
{
	if (argc >= 3 && strcmp(argv[1], "-sandbox") == 0 && strcmp(argv[2], "-child") == 0)
		return child(argc, argv, s);
	return parent(argc, argv);
}
