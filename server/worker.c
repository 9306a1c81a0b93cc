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
#include <sys/mman.h>
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
#include "server/worker_sysmon.h"

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

static void take_error(gofn_worker *w, const gofn_frame *f, uint64_t call, gofn_outcome *o);

static int start(const gofn_config *c, const char *exe, int confined, const gofn_tenant_box *box,
		 int prepared, int64_t deadline_ms, gofn_worker **out, gofn_err *e)
{
	int sv[2];
	gofn_worker *w = calloc(1, sizeof *w);

	if (!w)
		return gofn_errf(e, GOFN_ENOMEM, "spawn worker: out of memory");
	w->ctrl = -1;
	w->out_fd = w->err_fd = -1;
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
	/* Our end never blocks for longer than a deadline: every send has
	 * one and never blocks (api/frame_io.h); a call's reply is waited for
	 * in recvmsg itself for at most the callwatch's interval (exchange). */
	struct timeval rcv = {.tv_sec = GOFN_CALLWATCH_CHECK_MS / 1000,
			      .tv_usec = (GOFN_CALLWATCH_CHECK_MS % 1000) * 1000};
	if (setsockopt(w->ctrl, SOL_SOCKET, SO_RCVTIMEO, &rcv, sizeof rcv) < 0) {
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
			take_error(NULL, &hello, 0, &o);
		gofn_errf(e, GOFN_ESYS, "start worker: %s", o.error);
		gofn_frame_free(&hello);
		gofn_worker_destroy(w);
		return -1;
	}
	gofn_frame_free(&hello);
	/* Its runtime has started: sysmon exists (server/worker_sysmon.h). */
	if (w->sp.confined)
		gofn_worker_coarse_sysmon(w->pid, w->sp.proc.layers);
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
	if (w->out_fd >= 0)
		close(w->out_fd);
	if (w->err_fd >= 0)
		close(w->err_fd);
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

/* One of a worker's stdout and stderr (api/proto.h): a memfd sized and
 * sealed here, so that neither the worker nor tenant code can grow it past
 * max_output + GOFN_OUTPUT_FILE_SLACK or shrink it under a reader. */
static int output_file(const char *name, size_t max_output, gofn_err *e)
{
	int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (fd < 0)
		return gofn_errsys(e, "output file: memfd_create");
	if (ftruncate(fd, (off_t)(max_output + GOFN_OUTPUT_FILE_SLACK)) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL) < 0) {
		gofn_errsys(e, "output file");
		close(fd);
		return -1;
	}
	return fd;
}

/* A call that ended without a RESULT (ERROR, death, timeout): what its
 * stream file holds. The worker set the offset to 0 when the call began;
 * the offset is now where writing stopped, wherever tenant code moved it,
 * so it is only a bound: at most cap bytes are read. */
static void read_output(int fd, gofn_capture *c, size_t cap)
{
	off_t end = fd >= 0 ? lseek(fd, 0, SEEK_CUR) : -1;
	uint8_t *buf;
	size_t n, got = 0;

	if (end <= 0 || c->data)
		return;
	n = (uint64_t)end > cap ? cap : (size_t)end;
	c->truncated = (uint64_t)end > cap;
	buf = malloc(n + 1);
	if (!buf) {
		c->truncated = 1;
		return;
	}
	while (got < n) {
		ssize_t r = pread(fd, buf + got, n - got, (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	buf[got] = 0;
	c->data = buf;
	c->len = got;
}

/* After a call that wrote a lot, its pages go back (the worker's cgroup
 * paid for them); a warm call writes less and costs nothing here. */
#define OUTPUT_KEEP (64u << 10)
static void release_output(int fd, size_t written, size_t max_output)
{
	if (fd >= 0 && written > OUTPUT_KEEP)
		fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0,
			  (off_t)(max_output + GOFN_OUTPUT_FILE_SLACK));
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
	int have_reply;
	int bad; /* protocol error: the worker is not trustworthy any more */
	int closed;
	int timed_out;
} xchg;

/* timed: wait for the reply's first bytes in recvmsg itself, at most the
 * socket's SO_RCVTIMEO (GOFN_CALLWATCH_CHECK_MS); else it is there (poll). */
static void read_ctrl(gofn_worker *w, xchg *x, size_t reply_max, int64_t deadline_ms, int timed,
		      gofn_frame *reply, gofn_outcome *o)
{
	gofn_err e = {0};
	int r = timed ? gofn_frame_recv_timed(w->ctrl, reply_max, deadline_ms, reply, &e)
		      : (gofn_frame_recv(w->ctrl, reply_max, deadline_ms, reply, &e) == 0 ? 1 : -1);

	if (r == 0) /* nothing yet: the loop measures and waits again */
		return;
	if (r > 0) {
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

/* Sends req (with nfds descriptors: LOAD's output files) and waits for the
 * one reply, shared by LOAD, INIT and INVOKE: one send, one wake-up, one
 * receive, since the call's output comes inside its RESULT. Returns 0 with
 * *reply, or -1 with the worker dead and o describing why. */
static int exchange(gofn_worker *w, const gofn_config *c, gofn_fbuf *req, const int *fds, int nfds,
		    int64_t deadline_ms, size_t reply_max, gofn_frame *reply, gofn_outcome *o)
{
	gofn_err e = {0};
	xchg x = {0};
	gofn_callwatch cw; /* per-call CPU and (without a cgroup) RSS */

	gofn_callwatch_start(&cw, c, w->pid, &w->cpu, w->sp.proc.layers,
			     w->cpu_marked ? &w->idle_cpu_ms : NULL);
	memset(reply, 0, sizeof *reply);
	reply->fds[0] = reply->fds[1] = -1;
	/* A worker whose tenant code still runs (it forged its last reply)
	 * does not read: the call's deadline bounds the send too. */
	int undelivered = 0;
	if (gofn_frame_send(w->ctrl, req, fds, nfds, deadline_ms, &e) < 0) {
		if (e.code == GOFN_ELIMIT)
			x.timed_out = 1;
		else
			x.closed = 1;
		undelivered = e.code == GOFN_EOK; /* gone before the first byte */
	}
	while (!x.bad && !x.timed_out && !x.closed && !x.have_reply && !gofn_callwatch_over(&cw)) {
		int64_t left = deadline_ms - gofn_now_ms();
		if (left <= 0) {
			x.timed_out = 1;
			break;
		}
		int wait = gofn_callwatch_wait_ms(&cw, left > 60000 ? 60000 : (int)left);
		if (wait >= GOFN_CALLWATCH_CHECK_MS) {
			/* one recvmsg, no poll() before it: the socket's
			 * timeout is the interval the loop measures at */
			read_ctrl(w, &x, reply_max, deadline_ms, 1, reply, o);
			continue;
		}
		/* less than the interval left before the deadline: poll()
		 * for exactly that long */
		struct pollfd p = {.fd = w->ctrl, .events = POLLIN};
		int r = poll(&p, 1, wait < 0 ? 0 : wait);
		if (r < 0 && errno != EINTR)
			break;
		if (r > 0)
			read_ctrl(w, &x, reply_max, deadline_ms, 0, reply, o);
	}
	if (x.have_reply && !cw.over) {
		/* More than the reply came with it: tenant code wrote on the
		 * control socket too. The reply stands (tenant code could have
		 * returned it anyway); the worker gets no other request. What
		 * it sends later makes it readable while idle, and the pool
		 * replaces it (server/exec.c). */
		if (reply->extra) {
			kill(w->pid, SIGKILL);
			w->dead = 1;
		} else {
			/* The one CPU clock read of a call (a system call: the
			 * clock is another process's): the idle watch's baseline
			 * and the next call's start. */
			w->idle_cpu_ms = gofn_cpuclock_ms(&w->cpu);
			w->cpu_marked = 1;
		}
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
	read_output(w->out_fd, &o->out, c->max_output);
	read_output(w->err_fd, &o->err, c->max_output);
	if (cw.over) {
		gofn_callwatch_outcome(&cw, &o->status, o->error, sizeof o->error);
	} else if (x.bad) {
		o->status = GOFN_STATUS_KILLED;
	} else {
		classify_death(o, st, killed, x.timed_out);
		gofn_callwatch_after_death(&w->sp.proc, o->status, o->error, sizeof o->error);
	}
	o->undelivered = undelivered;
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

/* A reply that names another call than the INVOKE it answers (call: the
 * INVOKE's number, 0 for other requests) was not written for it: a frame
 * sent while the worker was idle, which gofnd no longer polls for before
 * each call. Returns 0 when it is this call's (or no call's). */
static int other_call(gofn_worker *w, uint64_t want, uint64_t got, gofn_outcome *o)
{
	char why[128];

	if (!want || got == want)
		return 0;
	snprintf(why, sizeof why, "reply to call %llu, not to call %llu (spoke out of turn)",
		 (unsigned long long)got, (unsigned long long)want);
	mark_bad(w, o, why);
	return 1;
}

/* An ERROR frame: the worker refused the request (status "error"). A
 * malformed one breaks the protocol. call: as other_call. */
static void take_error(gofn_worker *w, const gofn_frame *f, uint64_t call, gofn_outcome *o)
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
	if (w && other_call(w, call, m.call, o))
		return;
	o->status = GOFN_STATUS_ERROR;
	o->err_class = m.code;
	snprintf(o->error, sizeof o->error, "%.*s", (int)m.msg.len, (const char *)m.msg.p);
}

/* Expects a reply of type `want` (or ERROR); anything else kills the worker.
 * Returns 1 when the reply is `want`. */
static int expect(gofn_worker *w, const gofn_config *c, const gofn_frame *f, uint32_t want,
		  gofn_outcome *o)
{
	char why[96];

	if (f->type == want)
		return 1;
	if (f->type == GOFN_F_ERROR) {
		take_error(w, f, want == GOFN_F_RESULT ? w->calls : 0, o);
		/* the call's output, as after a death: ERROR carries none */
		read_output(w->out_fd, &o->out, c->max_output);
		read_output(w->err_fd, &o->err, c->max_output);
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
static int request(gofn_worker *w, const gofn_config *c, gofn_fbuf *req, const int *fds, int nfds,
		   uint32_t want, int64_t deadline_ms, size_t reply_max, gofn_frame *reply,
		   gofn_outcome *o)
{
	int rc = exchange(w, c, req, fds, nfds, deadline_ms, reply_max, reply, o);

	gofn_fbuf_free(req);
	if (rc < 0)
		return 0;
	if (expect(w, c, reply, want, o))
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
	gofn_fbuf b = {0};
	gofn_frame reply;
	gofn_err e = {0};
	gofn_msg_load load = {.nobjs = nobjs, .output_max = c->max_output, .unlisted = !fn};
	gofn_msg_loaded loaded;
	int64_t deadline = gofn_now_ms() + c->load_timeout_ms;

	for (size_t i = 0; i < nobjs && i < GOFN_MAX_OBJECTS; i++)
		load.objs[i] = (gofn_bytes){.p = objs[i].data, .len = objs[i].len};
	if (w->out_fd < 0 && ((w->out_fd = output_file("gofn-stdout", c->max_output, &e)) < 0 ||
			      (w->err_fd = output_file("gofn-stderr", c->max_output, &e)) < 0)) {
		fail_build(&b, &e, o);
		return -1;
	}
	if (gofn_enc_load(&b, &load, &e) < 0) {
		fail_build(&b, &e, o);
		return -1;
	}
	/* LOADED comes before any tenant code runs: the only symbol list
	 * gofnd ever stores. The worker keeps the two files for its life. */
	int files[2] = {w->out_fd, w->err_fd};
	if (!request(w, c, &b, files, 2, GOFN_F_LOADED, deadline, GOFN_LOADED_FRAME_MAX, &reply, o))
		return -1;
	int rc = w->dead ? gofn_errf(&e, GOFN_EINVAL, "spoke out of turn after LOADED")
			 : gofn_dec_loaded(reply.payload, reply.len, &loaded, &e);
	if (rc == 0) {
		rc = fn ? take_symbols(&loaded, fn, &e) : 0;
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
	if (!request(w, c, &b, NULL, 0, GOFN_F_READY, deadline, GOFN_SMALL_FRAME_MAX, &reply, o))
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
	if (other_call(w, w->calls, m.call, o))
		return;
	if (m.output.len > c->max_result) { /* the worker was told the limit */
		mark_bad(w, o, "RESULT over the limit it was given");
		return;
	}
	if (m.out.len > c->max_output || m.err.len > c->max_output) { /* and this one */
		mark_bad(w, o, "RESULT with more output than the limit it was given");
		return;
	}
	o->status = m.status;
	capture_add(&o->result, m.output.p, m.output.len, c->max_result);
	capture_add(&o->out, m.out.p, m.out.len, c->max_output);
	capture_add(&o->err, m.err.p, m.err.len, c->max_output);
	o->out.truncated = (m.truncated & GOFN_TRUNC_STDOUT) != 0;
	o->err.truncated = (m.truncated & GOFN_TRUNC_STDERR) != 0;
	release_output(w->out_fd, m.out.len, c->max_output);
	release_output(w->err_fd, m.err.len, c->max_output);
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
	    .call = ++w->calls,
	};

	if (gofn_enc_invoke(&b, &m, &e) < 0) {
		fail_build(&b, &e, o);
		return;
	}
	if (request(w, c, &b, NULL, 0, GOFN_F_RESULT, gofn_now_ms() + timeout_ms,
		    gofn_result_frame_max(c->max_result, c->max_output, prof_kinds), &reply, o)) {
		take_result(w, c, &reply, o);
		gofn_frame_free(&reply);
	}
	if (o->duration_us == 0)
		o->duration_us = gofn_mono_us() - t0;
}
