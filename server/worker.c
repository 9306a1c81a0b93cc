#include "server/worker.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "api/frame.h"
#include "api/frame_io.h"
#include "sandbox/sandbox.h"
#include "server/spawn.h"

#define LOADED_MAX     (16u << 20)
#define REPLY_SLACK    (64u << 10)
#define REAP_GRACE_MS  2000
#define DRAIN_GRACE_MS 250

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void take_error(const gofn_frame *f, gofn_outcome *o);

int gofn_worker_spawn(const gofn_config *c, int confined, int64_t deadline_ms, gofn_worker **out,
		      gofn_err *e)
{
	int sv[2];
	gofn_worker *w = calloc(1, sizeof *w);

	if (!w)
		return gofn_errf(e, GOFN_ENOMEM, "spawn worker: out of memory");
	w->ctrl = -1;
	w->sp.proc.pidfd = -1;
	w->spawned_us = now_us();
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		free(w);
		return gofn_errsys(e, "socketpair");
	}
	int rc = gofn_spawn_worker(c, confined, sv[1], &w->sp, e);
	close(sv[1]);
	w->ctrl = sv[0];
	if (rc < 0) {
		close(sv[0]);
		free(w);
		return -1;
	}
	w->pid = w->sp.proc.pid;
	gofn_frame hello;
	if (gofn_frame_recv(w->ctrl, 4096, deadline_ms, &hello, e) < 0) {
		if (e->code == GOFN_EOK)
			gofn_errf(e, GOFN_ESYS, "worker exited before it was ready");
		gofn_errctx(e, "start worker");
		gofn_worker_destroy(w);
		return -1;
	}
	if (hello.type != GOFN_F_HELLO) {
		gofn_outcome o = {0};
		take_error(&hello, &o);
		gofn_errf(e, GOFN_ESYS, "start worker: %s", o.error);
		gofn_frame_free(&hello);
		gofn_worker_destroy(w);
		return -1;
	}
	gofn_frame_free(&hello);
	*out = w;
	return 0;
}

/* Waits for the worker to go (it closed its socket); kills it if it lingers.
 * Returns the wait status and whether we had to kill it. */
static int reap(gofn_worker *w, int grace_ms, int *killed_by_us)
{
	int st = 0;

	*killed_by_us = 0;
	if (w->pid <= 0)
		return 0;
	if (w->sp.proc.pidfd >= 0 && grace_ms > 0) {
		struct pollfd p = {.fd = w->sp.proc.pidfd, .events = POLLIN};
		while (poll(&p, 1, grace_ms) < 0 && errno == EINTR)
			;
	}
	if (waitpid(w->pid, &st, WNOHANG) == 0) {
		kill(w->pid, SIGKILL);
		*killed_by_us = 1;
		while (waitpid(w->pid, &st, 0) < 0 && errno == EINTR)
			;
	}
	w->pid = 0;
	w->dead = 1;
	return st;
}

void gofn_worker_destroy(gofn_worker *w)
{
	int killed;

	if (!w)
		return;
	if (w->ctrl >= 0)
		close(w->ctrl); /* a healthy worker exits on EOF */
	w->ctrl = -1;
	reap(w, w->dead ? 0 : 200, &killed);
	gofn_spawned_release(&w->sp);
	free(w);
}

void gofn_outcome_clear(gofn_outcome *o)
{
	free(o->out.data);
	free(o->err.data);
	free(o->result.data);
	for (int k = 0; k < GOFN_PROF_NKINDS; k++)
		free(o->profiles[k].data);
	memset(o, 0, sizeof *o);
}

/* Appends up to the cap; the rest is counted as truncation, never stored. */
static void capture_add(gofn_capture *c, const uint8_t *p, size_t n, size_t cap)
{
	size_t room = c->len < cap ? cap - c->len : 0;
	size_t take = n < room ? n : room;

	if (take < n)
		c->truncated = 1;
	if (!take)
		return;
	uint8_t *d = realloc(c->data, c->len + take + 1);
	if (!d) {
		c->truncated = 1;
		return;
	}
	memcpy(d + c->len, p, take);
	c->data = d;
	c->len += take;
	d[c->len] = 0;
}

/* Reads what a pipe has; closes it at EOF. */
static void drain(int *fd, gofn_capture *c, size_t cap)
{
	uint8_t buf[65536];

	for (;;) {
		ssize_t r = read(*fd, buf, sizeof buf);
		if (r > 0) {
			capture_add(c, buf, (size_t)r, cap);
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
			close(*fd);
			*fd = -1;
		}
		return;
	}
}

/* Names the refused system call from the sandbox's report on stderr. */
static void describe_violation(gofn_outcome *o)
{
	const char *rep = o->err.data ? strstr((char *)o->err.data, "gofn-sandbox:") : NULL;
	int nr = rep ? gofn_sandbox_parse_report(rep, strlen(rep)) : -1;
	char name[64];

	if (nr >= 0)
		snprintf(o->error, sizeof o->error, "sandbox refused system call %s",
			 gofn_sandbox_syscall_name(nr, name, sizeof name));
	else
		snprintf(o->error, sizeof o->error,
			 "killed by the sandbox (forbidden system call)");
}

/* Turns a dead worker's wait status into the invocation's status. */
static void classify_death(gofn_outcome *o, int st, int killed_by_us, int timed_out)
{
	if (timed_out) {
		o->status = "timeout";
		snprintf(o->error, sizeof o->error, "timed out");
	} else if ((WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS) ||
		   (WIFEXITED(st) && WEXITSTATUS(st) == GOFN_SANDBOX_SIGSYS_EXIT)) {
		o->status = "sandbox_violation";
		describe_violation(o);
	} else if (WIFSIGNALED(st) && (WTERMSIG(st) == SIGKILL || WTERMSIG(st) == SIGXCPU)) {
		o->status = "killed";
		snprintf(o->error, sizeof o->error, "%s",
			 killed_by_us ? "worker stopped responding"
			 : WTERMSIG(st) == SIGXCPU
			     ? "killed: CPU time limit"
			     : "killed: SIGKILL from outside (memory limit?)");
	} else if (WIFSIGNALED(st)) {
		o->status = "panic";
		snprintf(o->error, sizeof o->error, "crashed: %s", strsignal(WTERMSIG(st)));
	} else if (WIFEXITED(st) && WEXITSTATUS(st) == 2 && o->err.data &&
		   (strstr((char *)o->err.data, "panic: ") ||
		    strstr((char *)o->err.data, "fatal error: "))) {
		o->status = "panic";
		const char *p = strstr((char *)o->err.data, "panic: ");
		if (!p)
			p = strstr((char *)o->err.data, "fatal error: ");
		snprintf(o->error, sizeof o->error, "%.*s", (int)strcspn(p, "\n"), p);
	} else {
		o->status = "exit";
		o->exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		snprintf(o->error, sizeof o->error, "exited with code %d", o->exit_code);
	}
}

typedef struct xchg {
	int out, err;
	int have_reply;
	int bad; /* protocol error: the worker is not trustworthy any more */
	int closed;
	int timed_out;
} xchg;

static void read_ctrl(gofn_worker *w, xchg *x, size_t reply_max, int64_t deadline_ms,
		      gofn_frame *reply, gofn_outcome *o)
{
	gofn_err e = {0};

	if (gofn_frame_recv(w->ctrl, reply_max, deadline_ms, reply, &e) == 0) {
		x->have_reply = 1;
		/* Workers never send descriptors; drop any they did. */
		gofn_frame_free_fds(reply);
		return;
	}
	if (e.code == GOFN_EOK) {
		x->closed = 1;
	} else if (e.code == GOFN_ELIMIT && strcmp(e.msg, "timed out") == 0) {
		x->timed_out = 1;
	} else {
		x->bad = 1;
		snprintf(o->error, sizeof o->error, "worker protocol error: %s", e.msg);
	}
}

/* The poll loop shared by LOAD and INVOKE. Returns 0 with *reply, or -1 with
 * the worker dead and o describing why. */
static int exchange(gofn_worker *w, const gofn_config *c, gofn_fbuf *req, int64_t deadline_ms,
		    size_t reply_max, gofn_frame *reply, gofn_outcome *o)
{
	int op[2], ep[2];
	gofn_err e = {0};
	xchg x = {.out = -1, .err = -1};

	memset(reply, 0, sizeof *reply);
	reply->fds[0] = reply->fds[1] = -1;
	/* Only our read ends are non-blocking: the worker's write ends must
	 * block when the pipe is full, or tenant output would be dropped. */
	if (pipe2(op, O_CLOEXEC) < 0)
		goto broken;
	if (pipe2(ep, O_CLOEXEC) < 0) {
		close(op[0]);
		close(op[1]);
		goto broken;
	}
	fcntl(op[0], F_SETFL, O_NONBLOCK);
	fcntl(ep[0], F_SETFL, O_NONBLOCK);
	x.out = op[0];
	x.err = ep[0];
	int wfds[2] = {op[1], ep[1]};
	int sent = gofn_frame_send(w->ctrl, req, wfds, 2, &e);
	close(op[1]);
	close(ep[1]);
	if (sent < 0)
		x.closed = 1;
	while (!x.bad && !x.timed_out &&
	       (x.out >= 0 || x.err >= 0 || (!x.have_reply && !x.closed))) {
		struct pollfd p[3] = {
		    {.fd = x.out, .events = POLLIN},
		    {.fd = x.err, .events = POLLIN},
		    {.fd = (x.have_reply || x.closed) ? -1 : w->ctrl, .events = POLLIN}};
		/* After the reply the pipes only hold what is already written:
		 * an honest worker dropped its copies before replying. One that
		 * kept them (or never took them) gets a short grace, no more. */
		if (x.have_reply && deadline_ms > gofn_now_ms() + DRAIN_GRACE_MS)
			deadline_ms = gofn_now_ms() + DRAIN_GRACE_MS;
		int64_t left = deadline_ms - gofn_now_ms();
		if (left <= 0) {
			if (x.have_reply) { /* the reply counts; stray output is cut */
				o->out.truncated |= x.out >= 0;
				o->err.truncated |= x.err >= 0;
				break;
			}
			x.timed_out = 1;
			break;
		}
		int r = poll(p, 3, left > 60000 ? 60000 : (int)left);
		if (r < 0 && errno != EINTR)
			break;
		if (r <= 0)
			continue;
		if (p[0].revents)
			drain(&x.out, &o->out, c->max_output);
		if (p[1].revents)
			drain(&x.err, &o->err, c->max_output);
		if (p[2].revents)
			read_ctrl(w, &x, reply_max, deadline_ms, reply, o);
	}
	if (x.have_reply && !x.bad && !x.timed_out) {
		if (x.out >= 0)
			close(x.out);
		if (x.err >= 0)
			close(x.err);
		w->invocations++;
		return 0;
	}
	gofn_frame_free(reply);
	int killed = 0, st = 0;
	if (x.timed_out || x.bad) {
		kill(w->pid, SIGKILL);
		st = reap(w, 0, &killed);
	} else {
		st = reap(w, REAP_GRACE_MS, &killed);
	}
	if (x.out >= 0)
		drain(&x.out, &o->out, c->max_output);
	if (x.err >= 0)
		drain(&x.err, &o->err, c->max_output);
	if (x.out >= 0)
		close(x.out);
	if (x.err >= 0)
		close(x.err);
	if (x.bad) {
		o->status = "killed";
	} else {
		classify_death(o, st, killed, x.timed_out);
	}
	return -1;
broken:
	snprintf(o->error, sizeof o->error, "pipe: %s", strerror(errno));
	o->status = "killed";
	w->dead = 1;
	return -1;
}

static void take_error(const gofn_frame *f, gofn_outcome *o)
{
	gofn_fields it;
	gofn_field fld;
	gofn_err e;
	uint64_t v;

	o->status = "error";
	o->err_class = GOFN_EINVAL;
	snprintf(o->error, sizeof o->error, "worker refused without a reason");
	gofn_fields_init(&it, f->payload, f->len);
	while (gofn_fields_next(&it, &fld, &e) > 0) {
		if (fld.tag == GOFN_FLD_ERRMSG)
			snprintf(o->error, sizeof o->error, "%.*s", (int)fld.len,
				 (const char *)fld.data);
		else if (fld.tag == GOFN_FLD_ERRCODE && gofn_field_u64(&fld, &v, &e) == 0 &&
			 v < 100)
			o->err_class = (int)v;
	}
}

static void mark_bad(gofn_worker *w, gofn_outcome *o, const char *why)
{
	int killed;

	kill(w->pid, SIGKILL);
	reap(w, 0, &killed);
	o->status = "killed";
	snprintf(o->error, sizeof o->error, "worker protocol error: %s", why);
}

static char *dup_field(const gofn_field *f)
{
	char *s = malloc(f->len + 1);

	if (s) {
		memcpy(s, f->data, f->len);
		s[f->len] = 0;
	}
	return s;
}

/* Names end up in JSON and SQLite: jansson decides what UTF-8 is. */
static int valid_utf8(const gofn_field *f)
{
	json_t *s = json_stringn((const char *)f->data, f->len);

	json_decref(s);
	return s != NULL;
}

/* Printable ASCII as is, other bytes as \xNN: safe in any message. */
static void escape_bytes(const gofn_field *f, char *out, size_t cap)
{
	size_t n = 0;

	out[0] = 0;
	for (size_t i = 0; i < f->len && n + 5 < cap; i++) {
		unsigned char c = f->data[i];
		if (c >= ' ' && c < 0x7f && c != '\\' && c != '"')
			out[n++] = (char)c;
		else
			n += (size_t)snprintf(out + n, cap - n, "\\x%02x", c);
	}
	out[n] = 0;
}

static int parse_loaded(const gofn_frame *f, gofn_function *fn, int *bad_name, gofn_err *e)
{
	gofn_fields it;
	gofn_field fld;
	int r;

	gofn_fields_init(&it, f->payload, f->len);
	while ((r = gofn_fields_next(&it, &fld, e)) > 0) {
		uint64_t v;
		/* The loader passes the object's names through, so this is
		 * the object's fault (the caller refuses it), not the worker's. */
		if ((fld.tag == GOFN_FLD_SYMBOL || fld.tag == GOFN_FLD_SIGNATURE) &&
		    !valid_utf8(&fld)) {
			char shown[200];
			*bad_name = 1;
			escape_bytes(&fld, shown, sizeof shown);
			return gofn_errf(e, GOFN_EINVAL,
					 "the object's symbol %s \"%s\" is not valid UTF-8",
					 fld.tag == GOFN_FLD_SYMBOL ? "name" : "signature", shown);
		}
		if (fld.tag == GOFN_FLD_SYMBOL) {
			if (fld.len == 0 || fld.len > 1024 || memchr(fld.data, 0, fld.len))
				return gofn_errf(e, GOFN_EINVAL, "bad symbol name");
			gofn_fn_symbol *n = realloc(fn->symbols, (fn->nsymbols + 1) * sizeof *n);
			if (!n)
				return gofn_errf(e, GOFN_ENOMEM, "out of memory");
			fn->symbols = n;
			n[fn->nsymbols] =
			    (gofn_fn_symbol){.name = dup_field(&fld), .signature = strdup("")};
			fn->nsymbols++;
		} else if (fld.tag == GOFN_FLD_SIGNATURE && fn->nsymbols) {
			if (fld.len > 4096 || memchr(fld.data, 0, fld.len))
				return gofn_errf(e, GOFN_EINVAL, "bad signature");
			free(fn->symbols[fn->nsymbols - 1].signature);
			fn->symbols[fn->nsymbols - 1].signature = dup_field(&fld);
		} else if (fld.tag == GOFN_FLD_SIGKIND && fn->nsymbols) {
			if (gofn_field_u64(&fld, &v, e) < 0 || v > 100)
				return gofn_errf(e, GOFN_EINVAL, "bad signature kind");
			fn->symbols[fn->nsymbols - 1].sigkind = (int)v;
		}
	}
	for (size_t i = 0; r == 0 && i < fn->nsymbols; i++)
		if (!fn->symbols[i].name || !fn->symbols[i].signature)
			return gofn_errf(e, GOFN_ENOMEM, "out of memory");
	return r;
}

static int build_load(gofn_fbuf *b, const gofn_objbuf *objs, size_t nobjs, gofn_err *e)
{
	size_t total = 0;

	for (size_t i = 0; i < nobjs; i++)
		total += objs[i].len + GOFN_FIELD_HDR;
	if (gofn_fbuf_start(b, GOFN_F_LOAD, total, e) < 0)
		return -1;
	for (size_t i = 0; i < nobjs; i++)
		if (gofn_fbuf_put(b, GOFN_FLD_OBJECT, objs[i].data, objs[i].len, e) < 0)
			return -1;
	return 0;
}

int gofn_worker_load(gofn_worker *w, const gofn_config *c, const gofn_objbuf *objs, size_t nobjs,
		     gofn_function *fn, gofn_outcome *o)
{
	gofn_fbuf b;
	gofn_frame reply;
	gofn_err e = {0};
	int bad_name = 0;

	if (build_load(&b, objs, nobjs, &e) < 0) {
		gofn_fbuf_free(&b);
		o->status = "error";
		snprintf(o->error, sizeof o->error, "%s", e.msg);
		return -1;
	}
	gofn_fbuf_finish(&b);
	int rc = exchange(w, c, &b, gofn_now_ms() + c->load_timeout_ms, LOADED_MAX, &reply, o);
	gofn_fbuf_free(&b);
	if (rc < 0)
		return -1;
	rc = -1;
	if (reply.type == GOFN_F_ERROR) {
		take_error(&reply, o);
	} else if (reply.type != GOFN_F_LOADED) {
		mark_bad(w, o, "unexpected reply to LOAD");
	} else if (parse_loaded(&reply, fn, &bad_name, &e) < 0) {
		if (!bad_name) {
			mark_bad(w, o, e.msg);
		} else {
			o->status = "error";
			o->err_class = GOFN_EINVAL;
			snprintf(o->error, sizeof o->error, "%s", e.msg);
		}
	} else {
		o->status = "ok";
		rc = 0;
	}
	gofn_frame_free(&reply);
	return rc;
}

/* A profile field: kind byte, then the profile (or why it is missing).
 * Profiles are capped at GOFN_PROFILE_MAX like output at max_output. */
static void take_profile(gofn_outcome *o, const gofn_field *f)
{
	if (f->len < 1 || f->data[0] >= GOFN_PROF_NKINDS)
		return;
	int k = f->data[0];
	if (f->tag == GOFN_FLD_PROFILE_ERROR) {
		snprintf(o->profile_error[k], sizeof o->profile_error[k], "%.*s", (int)(f->len - 1),
			 (const char *)f->data + 1);
		return;
	}
	if (o->profiles[k].len)
		return; /* one per kind */
	capture_add(&o->profiles[k], f->data + 1, f->len - 1, GOFN_PROFILE_MAX);
}

static void parse_result(gofn_worker *w, const gofn_config *c, const gofn_frame *f, gofn_outcome *o)
{
	gofn_fields it;
	gofn_field fld;
	gofn_err e = {0};
	int r;

	o->status = "ok";
	gofn_fields_init(&it, f->payload, f->len);
	while ((r = gofn_fields_next(&it, &fld, &e)) > 0) {
		uint64_t v;
		if (fld.tag == GOFN_FLD_STATUS && fld.len == 5 && !memcmp(fld.data, "error", 5))
			o->status = "error";
		else if (fld.tag == GOFN_FLD_OUTPUT)
			capture_add(&o->result, fld.data, fld.len, c->max_output);
		else if (fld.tag == GOFN_FLD_ERRMSG)
			snprintf(o->error, sizeof o->error, "%.*s", (int)fld.len,
				 (const char *)fld.data);
		else if (fld.tag == GOFN_FLD_DURATION_US && gofn_field_u64(&fld, &v, &e) == 0)
			o->duration_us = (int64_t)v;
		else if (fld.tag == GOFN_FLD_PROFILE || fld.tag == GOFN_FLD_PROFILE_ERROR)
			take_profile(o, &fld);
	}
	if (r < 0)
		mark_bad(w, o, e.msg);
}

void gofn_worker_invoke(gofn_worker *w, const gofn_config *c, const char *symbol, const uint8_t *in,
			size_t in_len, int64_t timeout_ms, gofn_outcome *o)
{
	gofn_worker_invoke_profiled(w, c, symbol, in, in_len, timeout_ms, 0, 0, o);
}

void gofn_worker_invoke_profiled(gofn_worker *w, const gofn_config *c, const char *symbol,
				 const uint8_t *in, size_t in_len, int64_t timeout_ms,
				 unsigned prof_kinds, int prof_hz, gofn_outcome *o)
{
	gofn_fbuf b;
	gofn_frame reply;
	gofn_err e = {0};
	int64_t t0 = now_us();

	if (gofn_fbuf_start(&b, GOFN_F_INVOKE, in_len + strlen(symbol) + 128, &e) < 0 ||
	    gofn_fbuf_put_str(&b, GOFN_FLD_SYMBOL, symbol, &e) < 0 ||
	    gofn_fbuf_put(&b, GOFN_FLD_INPUT, in, in_len, &e) < 0 ||
	    gofn_fbuf_put_u64(&b, GOFN_FLD_TIMEOUT_MS, (uint64_t)timeout_ms, &e) < 0 ||
	    (prof_kinds &&
	     (gofn_fbuf_put_u64(&b, GOFN_FLD_PROFILE_KINDS, prof_kinds, &e) < 0 ||
	      gofn_fbuf_put_u64(&b, GOFN_FLD_PROFILE_HZ, (uint64_t)prof_hz, &e) < 0))) {
		gofn_fbuf_free(&b);
		o->status = "error";
		snprintf(o->error, sizeof o->error, "%s", e.msg);
		return;
	}
	gofn_fbuf_finish(&b);
	size_t reply_max = c->max_output + REPLY_SLACK;
	for (int k = 0; k < GOFN_PROF_NKINDS; k++)
		if (prof_kinds & (1u << k))
			reply_max += GOFN_PROFILE_MAX + GOFN_FIELD_HDR + 1;
	int rc = exchange(w, c, &b, gofn_now_ms() + timeout_ms, reply_max, &reply, o);
	gofn_fbuf_free(&b);
	if (rc == 0) {
		if (reply.type == GOFN_F_RESULT)
			parse_result(w, c, &reply, o);
		else if (reply.type == GOFN_F_ERROR)
			take_error(&reply, o);
		else
			mark_bad(w, o, "unexpected reply to INVOKE");
		gofn_frame_free(&reply);
	}
	if (o->duration_us == 0)
		o->duration_us = now_us() - t0;
}
