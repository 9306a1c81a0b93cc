/* libFuzzer target for what a hostile worker can send gofnd on its control
 * socket (fd 3). The input is the worker's side of one exchange: gofnd's
 * real code (server/worker.c over api/frame*.c) sends a LOAD or an INVOKE
 * to a fake worker thread, which takes the request's stdout/stderr pipes,
 * optionally writes output to them, optionally passes descriptors back,
 * then writes the fuzz bytes as its "reply" and hangs up.
 *
 * Input: byte 0 = mode bits (below), byte 1 = bytes of the reply also
 * written to the stdout pipe, then the reply stream itself.
 *
 * Beyond "no crash", each run checks gofnd's promises about a worker's
 * reply: the outcome has a known status, every capture stays within its
 * cap, the error text is terminated, a successful LOAD names only sane
 * symbols, and no descriptor leaks (a worker must not be able to make gofnd
 * run out of fds). The fake worker has no process: its pid is one no
 * process can have, so the kill/waitpid that follow a protocol error are
 * harmless here. */
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "api/frame_io.h"
#include "server/worker.h"

enum {
	MODE_LOAD = 1,	   /* LOAD instead of INVOKE */
	MODE_PROFILED = 2, /* INVOKE asks for every profile kind */
	MODE_PASS_FDS = 4, /* the fake worker sends three fds with its reply */
};

#define NO_SUCH_PID 0x7ffffff0 /* above any pid_max (at most 2^22) */
#define MAX_OUTPUT  4096

typedef struct fake {
	int sock;
	unsigned mode;
	const uint8_t *out, *reply;
	size_t out_len, reply_len;
} fake;

static void must(int ok)
{
	if (!ok)
		abort();
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	must(d != NULL);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static void send_fds(int sock, const uint8_t *p, size_t n)
{
	int fds[3] = {dup(0), dup(0), dup(0)};
	union {
		char buf[CMSG_SPACE(sizeof fds)];
		struct cmsghdr align;
	} u;
	struct iovec iov = {.iov_base = (void *)p, .iov_len = n};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};

	m.msg_control = u.buf;
	m.msg_controllen = sizeof u.buf;
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof fds);
	memcpy(CMSG_DATA(c), fds, sizeof fds);
	sendmsg(sock, &m, MSG_NOSIGNAL);
	for (int i = 0; i < 3; i++)
		close(fds[i]);
}

static void *fake_worker(void *arg)
{
	fake *f = arg;
	gofn_frame req;
	gofn_err e = {0};

	if (gofn_frame_recv(f->sock, 64u << 20, gofn_now_ms() + 5000, &req, &e) == 0) {
		if (req.nfds > 0 && f->out_len)
			(void)!write(req.fds[0], f->out, f->out_len);
		gofn_frame_free_fds(&req);
	}
	size_t off = 0;
	if ((f->mode & MODE_PASS_FDS) && f->reply_len) {
		send_fds(f->sock, f->reply, 1);
		off = 1;
	}
	/* gofnd stops reading once it has a reply or gives up; it then closes
	 * its end, which ends these writes with EPIPE. */
	while (off < f->reply_len) {
		ssize_t r = send(f->sock, f->reply + off, f->reply_len - off, MSG_NOSIGNAL);
		if (r <= 0)
			break;
		off += (size_t)r;
	}
	close(f->sock);
	if (req.payload)
		gofn_frame_free(&req);
	return NULL;
}

static int known_status(const char *s)
{
	static const char *const known[] = {
	    "ok", "error", "panic", "exit", "timeout", "killed", "sandbox_violation"};
	for (size_t i = 0; s && i < sizeof known / sizeof *known; i++)
		if (!strcmp(s, known[i]))
			return 1;
	return 0;
}

static void check_outcome(const gofn_outcome *o)
{
	must(known_status(o->status));
	must(memchr(o->error, 0, sizeof o->error) != NULL);
	must(o->out.len <= MAX_OUTPUT && o->err.len <= MAX_OUTPUT && o->result.len <= MAX_OUTPUT);
	for (int k = 0; k < GOFN_PROF_NKINDS; k++) {
		must(o->profiles[k].len <= GOFN_PROFILE_MAX);
		must(memchr(o->profile_error[k], 0, sizeof o->profile_error[k]) != NULL);
	}
}

static void check_symbols(const gofn_function *fn)
{
	for (size_t i = 0; i < fn->nsymbols; i++) {
		const gofn_fn_symbol *s = &fn->symbols[i];
		must(s->name && s->name[0] && strlen(s->name) <= 1024);
		must(s->signature && strlen(s->signature) <= 4096);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static const uint8_t obj[] = "go object linux amd64 go1.26.8";

	if (!ready) {
		signal(SIGPIPE, SIG_IGN);
		ready = 1;
	}
	if (size < 2)
		return 0;
	unsigned mode = data[0];
	size_t out_len = data[1] < size - 2 ? data[1] : size - 2;
	int fds_before = count_fds();

	gofn_config c;
	gofn_config_defaults(&c);
	c.max_output = MAX_OUTPUT;
	c.load_timeout_ms = 5000;

	int sv[2];
	must(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
	gofn_worker *w = calloc(1, sizeof *w);
	must(w != NULL);
	w->ctrl = sv[0];
	w->pid = NO_SUCH_PID;
	w->sp.proc.pid = NO_SUCH_PID;
	w->sp.proc.pidfd = -1;

	fake f = {.sock = sv[1],
		  .mode = mode,
		  .out = data + 2,
		  .out_len = out_len,
		  .reply = data + 2,
		  .reply_len = size - 2};
	pthread_t t;
	must(pthread_create(&t, NULL, fake_worker, &f) == 0);

	gofn_outcome o = {0};
	if (mode & MODE_LOAD) {
		gofn_function fn = {0};
		gofn_objbuf ob = {.data = obj, .len = sizeof obj - 1};
		if (gofn_worker_load(w, &c, &ob, 1, &fn, &o) == 0) {
			must(!strcmp(o.status, "ok"));
			check_symbols(&fn);
		}
		gofn_function_clear(&fn);
	} else if (mode & MODE_PROFILED) {
		gofn_worker_invoke_profiled(w, &c, "main.Handle", (const uint8_t *)"in", 2, 5000,
					    (1u << GOFN_PROF_NKINDS) - 1, 100, &o);
	} else {
		gofn_worker_invoke(w, &c, "main.Handle", (const uint8_t *)"in", 2, 5000, &o);
	}
	check_outcome(&o);
	gofn_outcome_clear(&o);
	close(w->ctrl);
	w->ctrl = -1;
	must(pthread_join(t, NULL) == 0);
	free(w);
	must(count_fds() == fds_before);
	return 0;
}
