/* libFuzzer target for both directions of the worker protocol (fd 3).
 *
 * MODE_DECODE: the rest of the input is one frame as either end may receive
 * it; its type picks the api/proto.h decoder the receiving end uses (the
 * worker's for LOAD, INIT, INVOKE; gofnd's for HELLO, LOADED, READY,
 * RESULT, ERROR). A message that decodes must encode again to a frame that
 * decodes to the same message.
 *
 * Otherwise the input is the worker's side of one LOAD (with its INIT) or
 * INVOKE: gofnd's real code (server/worker.c over api/) sends its requests
 * to a fake worker thread, which takes LOAD's stdout/stderr files,
 * optionally writes output to stdout, optionally passes descriptors back,
 * then answers each request with the next segment of the fuzz bytes (u16
 * length, bytes) and hangs up when they run out.
 *
 * Input: byte 0 = mode bits (below), byte 1 = bytes of the reply also
 * written to the stdout file (LOAD), then the reply segments. An INVOKE's
 * output is what its fuzzed RESULT says (STDOUT, STDERR, TRUNCATED).
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
#include "api/proto.h"
#include "server/worker.h"

enum {
	MODE_LOAD = 1,	   /* LOAD instead of INVOKE */
	MODE_PROFILED = 2, /* INVOKE asks for every profile kind */
	MODE_PASS_FDS = 4, /* the fake worker sends three fds with its reply */
	MODE_DECODE = 8,   /* decode one frame, no exchange */
};

#define NO_SUCH_PID 0x7ffffff0 /* above any pid_max (at most 2^22) */
#define MAX_OUTPUT  4096
#define TIMEOUT_MS  300

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

static void send_segment(fake *f, const uint8_t *p, size_t n)
{
	size_t off = 0;

	if ((f->mode & MODE_PASS_FDS) && n) {
		send_fds(f->sock, p, 1);
		off = 1;
	}
	while (off < n) {
		ssize_t r = send(f->sock, p + off, n - off, MSG_NOSIGNAL);
		if (r <= 0)
			break;
		off += (size_t)r;
	}
}

static void *fake_worker(void *arg)
{
	fake *f = arg;
	size_t pos = 0;
	/* gofnd sends at most this many requests (LOAD then INIT, or INVOKE):
	 * after the last reply the fake hangs up rather than wait for one more,
	 * so a reply cut short ends at EOF, not at gofnd's deadline. */
	int left = (f->mode & MODE_LOAD) ? 2 : 1;

	/* gofnd stops reading once it has a reply or gives up; it then closes
	 * its end, which ends these reads and writes. */
	while (pos < f->reply_len && left-- > 0) {
		gofn_frame req;
		gofn_err e = {0};
		if (gofn_frame_recv(f->sock, 64u << 20, gofn_now_ms() + 5000, &req, &e) < 0)
			break;
		if (req.nfds > 0 && f->out_len)
			(void)!write(req.fds[0], f->out, f->out_len);
		gofn_frame_free(&req);
		size_t n = f->reply_len - pos;
		if (n >= 2) {
			size_t want = (size_t)f->reply[pos] | (size_t)f->reply[pos + 1] << 8;
			pos += 2;
			n = want < f->reply_len - pos ? want : f->reply_len - pos;
		}
		send_segment(f, f->reply + pos, n);
		pos += n;
	}
	close(f->sock);
	return NULL;
}

/* A decoded message, encoded again, must decode to the same thing. */
static void roundtrip(uint32_t type, const uint8_t *p, size_t n)
{
	gofn_err e = {0};
	gofn_fbuf b = {0};
	const uint8_t *q;
	size_t qn;

	switch (type) {
	case GOFN_F_LOAD: {
		gofn_msg_load m, m2;
		if (gofn_dec_load(p, n, &m, &e) < 0)
			return;
		must(gofn_enc_load(&b, &m, &e) == 0);
		q = b.data + GOFN_FRAME_HDR, qn = b.len - GOFN_FRAME_HDR;
		must(gofn_dec_load(q, qn, &m2, &e) == 0 && m2.nobjs == m.nobjs &&
		     m2.output_max == m.output_max && m2.unlisted == m.unlisted);
		for (size_t i = 0; i < m.nobjs; i++)
			must(m2.objs[i].len == m.objs[i].len &&
			     !memcmp(m2.objs[i].p, m.objs[i].p, m.objs[i].len));
		break;
	}
	case GOFN_F_LOADED: {
		gofn_msg_loaded m, m2;
		if (gofn_dec_loaded(p, n, &m, &e) < 0)
			return;
		must(gofn_enc_loaded(&b, &m, &e) == 0);
		q = b.data + GOFN_FRAME_HDR, qn = b.len - GOFN_FRAME_HDR;
		must(gofn_dec_loaded(q, qn, &m2, &e) == 0 && m2.nsyms == m.nsyms);
		for (size_t i = 0; i < m.nsyms; i++) {
			must(m.syms[i].name.len >= 1 && m.syms[i].name.len <= GOFN_SYMBOL_NAME_MAX);
			must(m2.syms[i].kind == m.syms[i].kind &&
			     m2.syms[i].name.len == m.syms[i].name.len &&
			     !memcmp(m2.syms[i].name.p, m.syms[i].name.p, m.syms[i].name.len));
		}
		gofn_msg_loaded_free(&m);
		gofn_msg_loaded_free(&m2);
		break;
	}
	case GOFN_F_INVOKE: {
		gofn_msg_invoke m, m2;
		if (gofn_dec_invoke(p, n, &m, &e) < 0)
			return;
		must(gofn_enc_invoke(&b, &m, &e) == 0);
		q = b.data + GOFN_FRAME_HDR, qn = b.len - GOFN_FRAME_HDR;
		must(gofn_dec_invoke(q, qn, &m2, &e) == 0);
		must(m2.timeout_ms == m.timeout_ms && m2.result_max == m.result_max &&
		     m2.prof_kinds == m.prof_kinds && m2.input.len == m.input.len &&
		     m2.symbol.len == m.symbol.len &&
		     !memcmp(m2.symbol.p, m.symbol.p, m.symbol.len));
		break;
	}
	case GOFN_F_RESULT: {
		gofn_msg_result m, m2;
		if (gofn_dec_result(p, n, &m, &e) < 0)
			return;
		must(gofn_enc_result(&b, &m, n + 64, &e) == 0);
		q = b.data + GOFN_FRAME_HDR, qn = b.len - GOFN_FRAME_HDR;
		must(gofn_dec_result(q, qn, &m2, &e) == 0);
		must(m2.status == m.status && m2.output.len == m.output.len &&
		     m2.duration_us == m.duration_us && m2.out.len == m.out.len &&
		     m2.err.len == m.err.len && m2.truncated == m.truncated &&
		     (!m.out.len || !memcmp(m2.out.p, m.out.p, m.out.len)) &&
		     (!m.err.len || !memcmp(m2.err.p, m.err.p, m.err.len)));
		break;
	}
	case GOFN_F_ERROR: {
		gofn_msg_error m, m2;
		if (gofn_dec_error(p, n, &m, &e) < 0)
			return;
		must(gofn_enc_error(&b, &m, &e) == 0);
		q = b.data + GOFN_FRAME_HDR, qn = b.len - GOFN_FRAME_HDR;
		must(gofn_dec_error(q, qn, &m2, &e) == 0);
		must(m2.code == m.code && m2.msg.len == m.msg.len);
		break;
	}
	case GOFN_F_HELLO:
		(void)gofn_dec_hello(p, n, &e);
		break;
	case GOFN_F_INIT: {
		gofn_msg_init m;
		(void)gofn_dec_init(p, n, &m, &e);
		break;
	}
	case GOFN_F_READY:
		(void)gofn_dec_ready(p, n, &e);
		break;
	}
	gofn_fbuf_free(&b);
}

static void decode_one(const uint8_t *p, size_t n)
{
	uint32_t type, len;
	gofn_err e = {0};

	if (n < GOFN_FRAME_HDR || gofn_frame_header(p, n - GOFN_FRAME_HDR, &type, &len, &e) < 0)
		return;
	/* a private copy, so ASan sees any read past the payload */
	uint8_t *payload = malloc(len ? len : 1);
	must(payload != NULL);
	memcpy(payload, p + GOFN_FRAME_HDR, len);
	roundtrip(type, payload, len);
	free(payload);
}

static void check_outcome(const gofn_outcome *o)
{
	must(o->status > GOFN_STATUS_UNSET && o->status < GOFN_STATUS_COUNT_);
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
		must(s->name && s->name[0] && strlen(s->name) <= GOFN_SYMBOL_NAME_MAX);
		must(s->signature && strlen(s->signature) <= GOFN_SIGNATURE_MAX);
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
	if (mode & MODE_DECODE) {
		decode_one(data + 1, size - 1);
		return 0;
	}
	size_t out_len = data[1] < size - 2 ? data[1] : size - 2;
	int fds_before = count_fds();

	gofn_config c;
	gofn_config_defaults(&c);
	c.max_output = MAX_OUTPUT;
	c.max_result = MAX_OUTPUT;
	/* Deadlines short enough to fuzz at speed: a reply cut short inside the
	 * LOADED that precedes INIT waits this long. */
	c.load_timeout_ms = TIMEOUT_MS;

	int sv[2];
	must(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
	gofn_worker *w = calloc(1, sizeof *w);
	must(w != NULL);
	w->ctrl = sv[0];
	w->out_fd = w->err_fd = -1; /* LOAD makes them */
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
			must(o.status == GOFN_STATUS_OK);
			check_symbols(&fn);
		}
		gofn_function_clear(&fn);
	} else if (mode & MODE_PROFILED) {
		gofn_worker_invoke_profiled(w, &c, "main.Handle", (const uint8_t *)"in", 2,
					    TIMEOUT_MS, (1u << GOFN_PROF_NKINDS) - 1, 100, &o);
	} else {
		gofn_worker_invoke(w, &c, "main.Handle", (const uint8_t *)"in", 2, TIMEOUT_MS, &o);
	}
	check_outcome(&o);
	gofn_outcome_clear(&o);
	close(w->ctrl);
	w->ctrl = -1;
	must(pthread_join(t, NULL) == 0);
	if (w->out_fd >= 0)
		close(w->out_fd);
	if (w->err_fd >= 0)
		close(w->err_fd);
	free(w);
	must(count_fds() == fds_before);
	return 0;
}
