#include "server/worker.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <pthread.h>
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
#include "common/io.h"
#include "api/proto.h"
#include "sandbox/sandbox.h"
#include "server/callwatch.h"
#include "server/spawn.h"

#define REAP_GRACE_MS  2000
#define DRAIN_GRACE_MS 250

/* Every live worker, so that shutdown can kill the busy ones too. */
static pthread_mutex_t reg_mu = PTHREAD_MUTEX_INITIALIZER;
static gofn_worker *reg_head;
static int reg_killing; /* after gofn_workers_kill_all, new ones die at once */

static void reg_add(gofn_worker *w)
{
	pthread_mutex_lock(&reg_mu);
	w->reg_next = reg_head;
	reg_head = w;
	w->registered = 1;
	if (reg_killing)
		kill(w->pid, SIGKILL);
	pthread_mutex_unlock(&reg_mu);
}

static void reg_del(gofn_worker *w)
{
	if (!w->registered)
		return;
	pthread_mutex_lock(&reg_mu);
	for (gofn_worker **p = &reg_head; *p; p = &(*p)->reg_next)
		if (*p == w) {
			*p = w->reg_next;
			break;
		}
	w->registered = 0;
	pthread_mutex_unlock(&reg_mu);
}

int gofn_workers_kill_all(void)
{
	int n = 0;

	pthread_mutex_lock(&reg_mu);
	reg_killing = 1;
	for (gofn_worker *w = reg_head; w; w = w->reg_next)
		if (w->pid > 0 && kill(w->pid, SIGKILL) == 0)
			n++;
	pthread_mutex_unlock(&reg_mu);
	return n;
}

static void take_error(gofn_worker *w, const gofn_frame *f, gofn_outcome *o);

static int start(const gofn_config *c, const char *exe, int confined, const gofn_tenant_box *box,
		 int prepared, int64_t deadline_ms, gofn_worker **out, gofn_err *e)
{
	int sv[2];
	gofn_worker *w = calloc(1, sizeof *w);

	if (!w)
		return gofn_errf(e, GOFN_ENOMEM, "spawn worker: out of memory");
	w->ctrl = -1;
	w->sp.proc.pidfd = -1;
	w->spawned_us = gofn_mono_us();
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		free(w);
		return gofn_errsys(e, "socketpair");
	}
	int rc = gofn_spawn_worker(c, exe, confined, box, prepared, sv[1], &w->sp, e);
	close(sv[1]);
	w->ctrl = sv[0];
	if (rc < 0) {
		close(sv[0]);
		free(w);
		return -1;
	}
	w->pid = w->sp.proc.pid;
	w->cpu = gofn_cpuclock_of(w->pid);
	reg_add(w);
	/* Our end never blocks: every send and receive has a deadline. */
	if (fcntl(w->ctrl, F_SETFL, O_NONBLOCK) < 0) {
		gofn_errsys(e, "start worker: control socket");
		gofn_worker_destroy(w);
		return -1;
	}
	gofn_frame hello;
	if (gofn_frame_recv(w->ctrl, GOFN_SMALL_FRAME_MAX, deadline_ms, &hello, e) < 0) {
		if (e->code == GOFN_EOK)
			gofn_errf(e, GOFN_ESYS, "worker exited before it was ready");
		gofn_errctx(e, "start worker");
		gofn_worker_destroy(w);
		return -1;
	}
	if (hello.type != GOFN_F_HELLO || gofn_dec_hello(hello.payload, hello.len, e) < 0) {
		gofn_outcome o = {0};
		if (hello.type == GOFN_F_HELLO)
			snprintf(o.error, sizeof o.error, "%s", e->msg);
		else
			take_error(NULL, &hello, &o);
		gofn_errf(e, GOFN_ESYS, "start worker: %s", o.error);
		gofn_frame_free(&hello);
		gofn_worker_destroy(w);
		return -1;
	}
	gofn_frame_free(&hello);
	*out = w;
	return 0;
}

int gofn_worker_spawn(const gofn_config *c, const char *exe, int confined,
		      const gofn_tenant_box *box, int64_t deadline_ms, gofn_worker **out,
		      gofn_err *e)
{
	return start(c, exe, confined, box, 0, deadline_ms, out, e);
}

int gofn_worker_spawn_prepared(const gofn_config *c, const char *exe, int confined, unsigned uid,
			       int64_t deadline_ms, gofn_worker **out, gofn_err *e)
{
	gofn_tenant_box box = {.uid = uid}; /* cpu_weight 0: no CPU group yet */

	return start(c, exe, confined, &box, 1, deadline_ms, out, e);
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
	reg_del(w);
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
	long nr;
	char name[64];

	if (rep && gofn_sandbox_parse_report(rep, strlen(rep), &nr) == 0)
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
		o->status = GOFN_STATUS_TIMEOUT;
		snprintf(o->error, sizeof o->error, "timed out");
	} else if ((WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS) ||
		   (WIFEXITED(st) && WEXITSTATUS(st) == GOFN_SANDBOX_SIGSYS_EXIT)) {
		o->status = GOFN_STATUS_SANDBOX_VIOLATION;
		describe_violation(o);
	} else if (WIFSIGNALED(st) && (WTERMSIG(st) == SIGKILL || WTERMSIG(st) == SIGXCPU)) {
		o->status = GOFN_STATUS_KILLED;
		snprintf(o->error, sizeof o->error, "%s",
			 killed_by_us ? "worker stopped responding"
			 : WTERMSIG(st) == SIGXCPU
			     ? "killed: CPU time limit"
			     : "killed: SIGKILL from outside (memory limit?)");
	} else if (WIFSIGNALED(st)) {
		o->status = GOFN_STATUS_PANIC;
		snprintf(o->error, sizeof o->error, "crashed: %s", strsignal(WTERMSIG(st)));
	} else if (WIFEXITED(st) && WEXITSTATUS(st) == 2 && o->err.data &&
		   (strstr((char *)o->err.data, "panic: ") ||
		    strstr((char *)o->err.data, "fatal error: "))) {
		o->status = GOFN_STATUS_PANIC;
		const char *p = strstr((char *)o->err.data, "panic: ");
		if (!p)
			p = strstr((char *)o->err.data, "fatal error: ");
		snprintf(o->error, sizeof o->error, "%.*s", (int)strcspn(p, "\n"), p);
	} else {
		o->status = GOFN_STATUS_EXIT;
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

/* After its reply an honest worker has dropped the request's pipes (and
 * says nothing more until asked): pipes still open, or more bytes on the
 * socket, mean tenant code wrote the reply or kept a copy of them. The
 * reply stands (tenant code could have returned it anyway), but the worker
 * is not trusted with another request. */
static int spoke_out_of_turn(const gofn_worker *w, const xchg *x)
{
	struct pollfd p = {.fd = w->ctrl, .events = POLLIN};

	return x->out >= 0 || x->err >= 0 || gofn_poll(&p, 1, 0) != 0;
}

/* Sends req and runs the poll loop shared by LOAD, INIT and INVOKE. Returns
 * 0 with *reply, or -1 with the worker dead and o describing why. */
static int exchange(gofn_worker *w, const gofn_config *c, gofn_fbuf *req, int64_t deadline_ms,
		    size_t reply_max, gofn_frame *reply, gofn_outcome *o)
{
	int op[2], ep[2];
	gofn_err e = {0};
	xchg x = {.out = -1, .err = -1};
	gofn_callwatch cw; /* per-call CPU and (without a cgroup) RSS */

	gofn_callwatch_start(&cw, c, w->pid, &w->cpu, w->sp.proc.layers);
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
	/* A worker whose tenant code still runs (it forged its last reply)
	 * does not read: the call's deadline bounds the send too. */
	int sent = gofn_frame_send(w->ctrl, req, wfds, 2, deadline_ms, &e);
	close(op[1]);
	close(ep[1]);
	if (sent < 0 && e.code == GOFN_ELIMIT)
		x.timed_out = 1;
	else if (sent < 0)
		x.closed = 1;
	/* A warm call usually answers within a millisecond, its output and
	 * the EOF of its pipes (the worker parks 1 and 2 before replying)
	 * already there: until then only the reply is waited for, so the
	 * call costs one wake-up instead of one per pipe. A call that takes
	 * longer has its pipes watched too, so a writer blocked on a full
	 * pipe waits at most that millisecond. */
	int64_t pipes_from_ms = gofn_now_ms() + 2;
	while (!x.bad && !x.timed_out && !gofn_callwatch_over(&cw) &&
	       (x.out >= 0 || x.err >= 0 || (!x.have_reply && !x.closed))) {
		int reply_only = !x.have_reply && !x.closed && gofn_now_ms() < pipes_from_ms;
		struct pollfd p[3] = {
		    {.fd = reply_only ? -1 : x.out, .events = POLLIN},
		    {.fd = reply_only ? -1 : x.err, .events = POLLIN},
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
		int wait = gofn_callwatch_wait_ms(&cw, left > 60000 ? 60000 : left);
		if (reply_only && wait > pipes_from_ms - gofn_now_ms())
			wait = (int)(pipes_from_ms - gofn_now_ms());
		int r = poll(p, 3, wait < 0 ? 0 : wait);
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
	if (x.have_reply && !x.bad && !x.timed_out && !cw.over) {
		if (spoke_out_of_turn(w, &x)) {
			kill(w->pid, SIGKILL);
			w->dead = 1;
		}
		if (x.out >= 0)
			close(x.out);
		if (x.err >= 0)
			close(x.err);
		w->invocations++;
		return 0;
	}
	gofn_frame_free(reply);
	int killed = 0, st = 0;
	if (x.timed_out || x.bad || cw.over) {
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
	if (cw.over) {
		gofn_callwatch_outcome(&cw, &o->status, o->error, sizeof o->error);
	} else if (x.bad) {
		o->status = GOFN_STATUS_KILLED;
	} else {
		classify_death(o, st, killed, x.timed_out);
		gofn_callwatch_after_death(&w->sp.proc, o->status, o->error, sizeof o->error);
	}
	return -1;
broken:
	snprintf(o->error, sizeof o->error, "pipe: %s", strerror(errno));
	o->status = GOFN_STATUS_KILLED;
	kill(w->pid, SIGKILL);
	w->dead = 1;
	return -1;
}

static void mark_bad(gofn_worker *w, gofn_outcome *o, const char *why)
{
	int killed;

	kill(w->pid, SIGKILL);
	reap(w, 0, &killed);
	o->status = GOFN_STATUS_KILLED;
	snprintf(o->error, sizeof o->error, "worker protocol error: %s", why);
}

/* An ERROR frame: the worker refused the request (status "error"). A
 * malformed one breaks the protocol. */
static void take_error(gofn_worker *w, const gofn_frame *f, gofn_outcome *o)
{
	gofn_msg_error m;
	gofn_err e = {0};

	if (gofn_dec_error(f->payload, f->len, &m, &e) < 0) {
		if (w)
			mark_bad(w, o, e.msg);
		else
			snprintf(o->error, sizeof o->error, "malformed ERROR: %s", e.msg);
		return;
	}
	o->status = GOFN_STATUS_ERROR;
	o->err_class = m.code;
	snprintf(o->error, sizeof o->error, "%.*s", (int)m.msg.len, (const char *)m.msg.p);
}

/* Expects a reply of type `want` (or ERROR); anything else kills the worker.
 * Returns 1 when the reply is `want`. */
static int expect(gofn_worker *w, const gofn_frame *f, uint32_t want, gofn_outcome *o)
{
	char why[96];

	if (f->type == want)
		return 1;
	if (f->type == GOFN_F_ERROR) {
		take_error(w, f, o);
		return 0;
	}
	snprintf(why, sizeof why, "unexpected %s frame (want %s)", gofn_frame_type_name(f->type),
		 gofn_frame_type_name(want));
	mark_bad(w, o, why);
	return 0;
}

static char *dup_bytes(gofn_bytes b)
{
	char *s = malloc(b.len + 1);

	if (s) {
		memcpy(s, b.p, b.len);
		s[b.len] = 0;
	}
	return s;
}

/* Copies a decoded LOADED into the function's symbols. */
static int take_symbols(const gofn_msg_loaded *m, gofn_function *fn, gofn_err *e)
{
	fn->symbols = calloc(m->nsyms ? m->nsyms : 1, sizeof *fn->symbols);
	if (!fn->symbols)
		return gofn_errf(e, GOFN_ENOMEM, "out of memory");
	for (size_t i = 0; i < m->nsyms; i++) {
		gofn_fn_symbol *s = &fn->symbols[fn->nsymbols++];
		s->name = dup_bytes(m->syms[i].name);
		s->signature = dup_bytes(m->syms[i].signature);
		s->sigkind = (int)m->syms[i].kind;
		if (!s->name || !s->signature)
			return gofn_errf(e, GOFN_ENOMEM, "out of memory");
	}
	return 0;
}

/* One request frame out, its reply (of type want, or ERROR) in. Returns 1
 * with *reply of type want, 0 with o filled (worker refused or dead). */
static int request(gofn_worker *w, const gofn_config *c, gofn_fbuf *req, uint32_t want,
		   int64_t deadline_ms, size_t reply_max, gofn_frame *reply, gofn_outcome *o)
{
	int rc = exchange(w, c, req, deadline_ms, reply_max, reply, o);

	gofn_fbuf_free(req);
	if (rc < 0)
		return 0;
	if (expect(w, reply, want, o))
		return 1;
	gofn_frame_free(reply);
	return 0;
}

static void fail_build(gofn_fbuf *b, const gofn_err *e, gofn_outcome *o)
{
	gofn_fbuf_free(b);
	o->status = GOFN_STATUS_ERROR;
	o->err_class = e->code;
	snprintf(o->error, sizeof o->error, "%s", e->msg);
}

int gofn_worker_load(gofn_worker *w, const gofn_config *c, const gofn_objbuf *objs, size_t nobjs,
		     gofn_function *fn, gofn_outcome *o)
{
	return gofn_worker_load_env(w, c, objs, nobjs, NULL, fn, o);
}

int gofn_worker_load_env(gofn_worker *w, const gofn_config *c, const gofn_objbuf *objs,
			 size_t nobjs, const gofn_msg_init *env, gofn_function *fn, gofn_outcome *o)
{
	gofn_fbuf b;
	gofn_frame reply;
	gofn_err e = {0};
	gofn_msg_load load = {.nobjs = nobjs};
	gofn_msg_loaded loaded;
	int64_t deadline = gofn_now_ms() + c->load_timeout_ms;

	for (size_t i = 0; i < nobjs && i < GOFN_MAX_OBJECTS; i++)
		load.objs[i] = (gofn_bytes){.p = objs[i].data, .len = objs[i].len};
	if (gofn_enc_load(&b, &load, &e) < 0) {
		fail_build(&b, &e, o);
		return -1;
	}
	/* LOADED comes before any tenant code runs: the only symbol list
	 * gofnd ever stores. */
	if (!request(w, c, &b, GOFN_F_LOADED, deadline, GOFN_LOADED_FRAME_MAX, &reply, o))
		return -1;
	int rc = w->dead ? gofn_errf(&e, GOFN_EINVAL, "spoke out of turn after LOADED")
			 : gofn_dec_loaded(reply.payload, reply.len, &loaded, &e);
	if (rc == 0) {
		rc = take_symbols(&loaded, fn, &e);
		gofn_msg_loaded_free(&loaded);
	}
	gofn_frame_free(&reply);
	if (rc < 0) {
		mark_bad(w, o, e.msg);
		return -1;
	}
	/* Package init is tenant code: from here on, only READY will do. */
	if (gofn_enc_init(&b, env, &e) < 0) {
		fail_build(&b, &e, o);
		return -1;
	}
	if (!request(w, c, &b, GOFN_F_READY, deadline, GOFN_SMALL_FRAME_MAX, &reply, o))
		return -1;
	/* init that wrote READY itself and kept running (or kept the pipes)
	 * leaves a worker nobody may use */
	rc = w->dead ? gofn_errf(&e, GOFN_EINVAL, "spoke out of turn during init")
		     : gofn_dec_ready(reply.payload, reply.len, &e);
	gofn_frame_free(&reply);
	if (rc < 0) {
		mark_bad(w, o, e.msg);
		return -1;
	}
	o->status = GOFN_STATUS_OK;
	return 0;
}

/* A RESULT's profiles into the outcome, each capped at GOFN_PROFILE_MAX. */
static void take_profiles(gofn_outcome *o, const gofn_msg_result *m)
{
	for (int k = 0; k < GOFN_PROF_NKINDS; k++) {
		if (m->profile_error[k].p)
			snprintf(o->profile_error[k], sizeof o->profile_error[k], "%.*s",
				 (int)m->profile_error[k].len, (const char *)m->profile_error[k].p);
		if (m->profile[k].p)
			capture_add(&o->profiles[k], m->profile[k].p, m->profile[k].len,
				    GOFN_PROFILE_MAX);
	}
}

static void take_result(gofn_worker *w, const gofn_config *c, const gofn_frame *f, gofn_outcome *o)
{
	gofn_msg_result m;
	gofn_err e = {0};

	if (gofn_dec_result(f->payload, f->len, &m, &e) < 0) {
		mark_bad(w, o, e.msg);
		return;
	}
	if (m.output.len > c->max_result) { /* the worker was told the limit */
		mark_bad(w, o, "RESULT over the limit it was given");
		return;
	}
	o->status = m.status;
	capture_add(&o->result, m.output.p, m.output.len, c->max_result);
	if (m.errmsg.p)
		snprintf(o->error, sizeof o->error, "%.*s", (int)m.errmsg.len,
			 (const char *)m.errmsg.p);
	o->duration_us = (int64_t)m.duration_us;
	take_profiles(o, &m);
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
	int64_t t0 = gofn_mono_us();
	gofn_msg_invoke m = {
	    .symbol = {.p = (const uint8_t *)symbol, .len = strlen(symbol)},
	    .input = {.p = in, .len = in_len},
	    .timeout_ms = (uint64_t)timeout_ms,
	    .result_max = c->max_result,
	    /* only kinds travel; higher bits are the caller's bookkeeping */
	    .prof_kinds = prof_kinds & ((1u << GOFN_PROF_NKINDS) - 1),
	    .prof_hz = prof_hz > 0 ? (unsigned)prof_hz : 0,
	};

	if (gofn_enc_invoke(&b, &m, &e) < 0) {
		fail_build(&b, &e, o);
		return;
	}
	if (request(w, c, &b, GOFN_F_RESULT, gofn_now_ms() + timeout_ms,
		    gofn_result_frame_max(c->max_result, prof_kinds), &reply, o)) {
		take_result(w, c, &reply, o);
		gofn_frame_free(&reply);
	}
	if (o->duration_us == 0)
		o->duration_us = gofn_mono_us() - t0;
}
