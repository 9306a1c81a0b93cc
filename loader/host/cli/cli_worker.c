/* gofn-loader -worker: one tenant function's process, driven by gofnd over
 * the control socket on fd 3 (protocol in api/proto.h).
 *
 * Life: confine (sandbox) -> HELLO -> LOAD once (reply LOADED: the symbol
 * list, before any tenant code runs) -> INIT (package init; READY) ->
 * INVOKE ... until the socket closes. Go drives the loop (cli.h): each
 * INVOKE's call is made by loader/host/drive.go between worker_next and
 * worker_finish; the rest is served here. LOAD brings the worker's stdout and stderr: two
 * memfds (api/proto.h) it puts on 1 and 2 once and keeps. Each INVOKE sets both offsets to 0
 * (what was written while no call ran is dropped) and its RESULT carries what the call wrote,
 * read with pread: no pipes, descriptors or dup3 per call. Tenant code that calls os.Exit or
 * crashes ends this process; gofnd notices, reads the files itself and replaces us. */
#include "loader/host/cli/cli.h"
#include "loader/host/cli/worker_trim.h"
#include "loader/host/cli/worker_wait.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/frame.h"
#include "loader/call_bridge.h"
#include "api/frame_io.h"
#include "common/io.h"
#include "api/profile.h"
#include "api/proto.h"
#include "loader/loader.h"
#include "loader/profile.h"
#include "loader/symtab.h"
#include "sandbox/sandbox.h"

typedef struct worker {
	int ctrl;
	/* stdout and stderr (LOAD's memfds, also on 1 and 2): offsets and
	 * reads go through these, whatever tenant code did to 1 and 2 */
	int out_fd, err_fd;
	uint64_t output_max; /* bytes of each a RESULT carries */
	gofn_module *mod;
	/* The LOAD frame's payload: the module points into the objects' bytes
	 * (as -run's module points into its files), and INIT runs after LOAD
	 * returned, so the bytes live as long as the module (the process). */
	uint8_t *load_bytes;
	int inited;
	int init_ok;	     /* INIT ran the package init to its end */
	unsigned prof_kinds; /* profiles running for the current INVOKE */
	char *prof_err;	     /* why the CPU profile did not start */
	/* The INVOKE whose call Go is making (between next and finish):
	 * inv points into cur's payload. */
	gofn_frame cur;
	gofn_msg_invoke inv;
	int64_t t0;
	gofn_worker_wait wait; /* between requests */
	/* A request a raw step received and left to the next cgo step
	 * (cli.h): its frame, kept while pending. */
	gofn_frame pending;
	int has_pending;
	int done; /* no more requests: exit with exit_code */
	int exit_code;
} worker;

/* The profiles of one call (api/profile.h kinds). */
typedef struct profiles {
	uint8_t *data[GOFN_PROF_NKINDS];
	size_t len[GOFN_PROF_NKINDS];
	unsigned kinds;
	char *cpu_err;
} profiles;

/* A call's output on one stream: the offset (where writing stopped since
 * output_reset; tenant code may have moved it, so it only bounds the read)
 * and up to max bytes from the start of the file. */
typedef struct stream {
	uint8_t *data;
	size_t len;
	int truncated;
} stream;

static void stream_take(int fd, uint64_t max, stream *st)
{
	off_t end = fd >= 0 ? lseek(fd, 0, SEEK_CUR) : -1;

	memset(st, 0, sizeof *st);
	if (end <= 0)
		return;
	size_t n = (uint64_t)end > max ? (size_t)max : (size_t)end;
	st->truncated = (uint64_t)end > max;
	st->data = malloc(n ? n : 1);
	while (st->data && st->len < n) {
		ssize_t r = pread(fd, st->data + st->len, n - st->len, (off_t)st->len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		st->len += (size_t)r;
	}
}

/* A call starts with empty streams. Tenant code still running from an
 * earlier call (a goroutine) may write at any time: what lands while no
 * call runs is dropped here, what lands during a call is that call's. */
static void output_reset(worker *w)
{
	fflush(stdout);
	fflush(stderr);
	if (w->out_fd >= 0)
		lseek(w->out_fd, 0, SEEK_SET);
	if (w->err_fd >= 0)
		lseek(w->err_fd, 0, SEEK_SET);
}

/* Sends a built frame (or reports why it could not be built) and frees it. */
static int send_reply(worker *w, gofn_fbuf *b, int built, gofn_err *e)
{
	int rc = built == 0 ? gofn_frame_send(w->ctrl, b, NULL, 0, -1, e) : -1;
	gofn_fbuf_free(b);
	gofn_worker_wait_idle_from_now(&w->wait);
	return rc;
}

/* call: the refused INVOKE's number (api/proto.h), 0 for other requests. */
static int reply_error_to(worker *w, const gofn_err *le, uint64_t call)
{
	gofn_fbuf b;
	gofn_err e;
	gofn_msg_error m = {.code = le->code,
			    .msg = {.p = (const uint8_t *)le->msg, .len = strlen(le->msg)},
			    .call = call};

	return send_reply(w, &b, gofn_enc_error(&b, &m, &e), &e);
}

static int reply_error(worker *w, const gofn_err *le)
{
	return reply_error_to(w, le, 0);
}

/* The loader's classification as the protocol's (the two enums are kept
 * apart so that the loader needs nothing from api/). */
static gofn_sigkind sigkind_of(gofn_sig s)
{
	switch (s) {
	case GOFN_SIG_VOID:
		return GOFN_SIGKIND_VOID;
	case GOFN_SIG_BYTES_BYTES_ERR:
		return GOFN_SIGKIND_BYTES_BYTES_ERR;
	case GOFN_SIG_BYTES_BYTES:
		return GOFN_SIGKIND_BYTES_BYTES;
	case GOFN_SIG_STR_STR:
		return GOFN_SIGKIND_STR_STR;
	case GOFN_SIG_STR_STR_ERR:
		return GOFN_SIGKIND_STR_STR_ERR;
	case GOFN_SIG_HTTP:
		return GOFN_SIGKIND_HTTP;
	case GOFN_SIG_UNSUPPORTED:
		break;
	}
	return GOFN_SIGKIND_UNSUPPORTED;
}

/* LOADED: the module's callable symbols (none when gofnd said it keeps
 * no list: a cold start's load). A name over a limit is the object's
 * fault: refused with ERROR naming the limit. */
static int reply_loaded(worker *w, int unlisted)
{
	const gofn_symbol_info *syms = NULL;
	size_t n = 0;
	gofn_fbuf b;
	gofn_err e = {0};

	if (!unlisted && gofn_module_symbols(w->mod, &syms, &n, &e) < 0)
		return reply_error(w, &e);
	gofn_msg_loaded m = {.syms = calloc(n ? n : 1, sizeof *m.syms), .nsyms = n};
	if (!m.syms) {
		gofn_errf(&e, GOFN_ENOMEM, "LOADED: out of memory");
		return reply_error(w, &e);
	}
	for (size_t i = 0; i < n; i++) {
		const char *sig = syms[i].signature ? syms[i].signature : "";
		m.syms[i] = (gofn_msg_symbol){
		    .name = {.p = (const uint8_t *)syms[i].name, .len = strlen(syms[i].name)},
		    .signature = {.p = (const uint8_t *)sig, .len = strlen(sig)},
		    .kind = sigkind_of(syms[i].sig)};
	}
	int built = gofn_enc_loaded(&b, &m, &e);
	free(m.syms);
	if (built < 0) {
		gofn_fbuf_free(&b);
		return reply_error(w, &e);
	}
	return send_reply(w, &b, 0, &e);
}

/* LOAD's two files become 1 and 2 for the rest of the worker's life (INIT
 * and every call write there); the received descriptors stay ours. */
static int take_files(worker *w, gofn_frame *f, uint64_t output_max, gofn_err *e)
{
	if (f->nfds != 2)
		return gofn_errf(e, GOFN_EINVAL, "LOAD with %d descriptors, not stdout and stderr",
				 f->nfds);
	fflush(stdout);
	fflush(stderr);
	/* dup3, not dup2: the seccomp filter allows only the former. */
	if (dup3(f->fds[0], 1, 0) < 0 || dup3(f->fds[1], 2, 0) < 0)
		return gofn_errsys(e, "LOAD: stdout and stderr");
	w->out_fd = f->fds[0];
	w->err_fd = f->fds[1];
	w->output_max = output_max;
	f->fds[0] = f->fds[1] = -1;
	f->nfds = 0;
	return 0;
}

/* LOAD: parse and link, and list the symbols. Runs no tenant code. */
static int handle_load(worker *w, gofn_frame *f)
{
	gofn_err e = {0};
	gofn_msg_load m;
	gofn_blob blobs[GOFN_MAX_OBJECTS];
	static char names[GOFN_MAX_OBJECTS][32];

	if (w->mod) {
		gofn_errf(&e, GOFN_EINVAL, "worker already holds a module");
		return reply_error(w, &e);
	}
	if (gofn_dec_load(f->payload, f->len, &m, &e) < 0)
		return reply_error(w, &e);
	if (take_files(w, f, m.output_max, &e) < 0)
		return reply_error(w, &e);
	for (size_t i = 0; i < m.nobjs; i++) {
		snprintf(names[i], sizeof names[i], "object %zu", i + 1); /* for error messages */
		blobs[i] = (gofn_blob){.name = names[i], .data = m.objs[i].p, .len = m.objs[i].len};
	}
	if (gofn_module_load(blobs, m.nobjs, &w->mod, &e) < 0) {
		w->mod = NULL;
		return reply_error(w, &e);
	}
	w->load_bytes = f->payload;
	f->payload = NULL;
	return reply_loaded(w, m.unlisted);
}

/* INIT: package initialisation, the first tenant code to run. */
static int handle_init(worker *w, const gofn_frame *f)
{
	gofn_err e = {0};
	gofn_fbuf b;
	gofn_msg_init m;

	if (gofn_dec_init(f->payload, f->len, &m, &e) < 0)
		return reply_error(w, &e);
	if (!w->mod || w->inited) {
		gofn_errf(&e, GOFN_EINVAL, "INIT %s", w->mod ? "twice" : "before LOAD");
		return reply_error(w, &e);
	}
	w->inited = 1;
	/* The function's environment, before any of its code runs: Go's
	 * os.Getenv reads the runtime's copy, so Go sets it (call.go). */
	for (size_t i = 0; i < m.nenv && gofnSetenv; i++)
		gofnSetenv((const char *)m.env[i].p, m.env[i].len);
	if (gofn_module_init(w->mod, &e) < 0)
		return reply_error(w, &e);
	w->init_ok = 1;
	return send_reply(w, &b, gofn_enc_ready(&b, &e), &e);
}

/* Starts the profiles an INVOKE asks for. Runs before the call's streams
 * are emptied, so the runtime's rate warning is in no call's output. */
static void profile_begin(worker *w, const gofn_msg_invoke *m)
{
	if (!m->prof_kinds || !gofnProfileStart)
		return;
	w->prof_kinds = m->prof_kinds;
	w->prof_err = gofnProfileStart(w->prof_kinds, (int)m->prof_hz);
}

static void profile_end(worker *w, profiles *p)
{
	memset(p, 0, sizeof *p);
	if (!w->prof_kinds)
		return;
	p->kinds = w->prof_kinds;
	p->cpu_err = w->prof_err;
	w->prof_kinds = 0;
	w->prof_err = NULL;
	gofnProfileStop(GOFN_PROFILE_MAX, p->data, p->len);
}

static void profiles_free(profiles *p)
{
	for (int k = 0; k < GOFN_PROF_NKINDS; k++)
		free(p->data[k]);
	free(p->cpu_err);
}

/* Each profile asked for: taken, or why not (msg holds the texts). */
static void put_profiles(gofn_msg_result *m, const profiles *p, char msg[][256])
{
	for (int k = 0; k < GOFN_PROF_NKINDS; k++) {
		if (!(p->kinds & (1u << k)))
			continue;
		if (p->data[k]) {
			m->profile[k] = (gofn_bytes){.p = p->data[k], .len = p->len[k]};
			continue;
		}
		if (k == GOFN_PROF_CPU && p->cpu_err)
			snprintf(msg[k], 256, "%s", p->cpu_err);
		else if (p->len[k])
			snprintf(msg[k], 256, "profile of %zu bytes is over the %u-byte limit",
				 p->len[k], GOFN_PROFILE_MAX);
		else
			snprintf(msg[k], 256, "profile is empty");
		m->profile_error[k] =
		    (gofn_bytes){.p = (const uint8_t *)msg[k], .len = strlen(msg[k])};
	}
}

static int reply_result(worker *w, const gofn_msg_invoke *in, gofn_bytes out, gofn_bytes errmsg,
			int failed, int64_t dur, const profiles *p)
{
	gofn_fbuf b;
	gofn_err e = {0};
	char msg[GOFN_PROF_NKINDS][256];
	stream so, se;
	gofn_msg_result m = {
	    .status = failed ? GOFN_STATUS_ERROR : GOFN_STATUS_OK,
	    .output = out,
	    .duration_us = (uint64_t)dur,
	    .call = in->call,
	};

	if (out.len > in->result_max) {
		gofn_errf(&e, GOFN_ELIMIT,
			  "result of %zu bytes exceeds the %llu-byte limit (gofnd --max-result)",
			  out.len, (unsigned long long)in->result_max);
		return reply_error_to(w, &e, in->call);
	}
	if (failed)
		m.errmsg = errmsg.p ? errmsg : (gofn_bytes){.p = (const uint8_t *)"", .len = 0};
	put_profiles(&m, p, msg);
	stream_take(w->out_fd, w->output_max, &so);
	stream_take(w->err_fd, w->output_max, &se);
	m.out = (gofn_bytes){.p = so.data, .len = so.len};
	m.err = (gofn_bytes){.p = se.data, .len = se.len};
	m.truncated =
	    (so.truncated ? GOFN_TRUNC_STDOUT : 0) | (se.truncated ? GOFN_TRUNC_STDERR : 0);
	int built = gofn_enc_result(
	    &b, &m, gofn_result_frame_max((size_t)in->result_max, (size_t)w->output_max, p->kinds),
	    &e);
	free(so.data);
	free(se.data);
	if (built < 0) {
		gofn_fbuf_free(&b);
		return reply_error_to(w, &e, in->call);
	}
	return send_reply(w, &b, 0, &e);
}

/* The request is over: profiles of an INVOKE refused before its call
 * dropped. */
static void request_done(worker *w)
{
	profiles unused;
	profile_end(w, &unused);
	profiles_free(&unused);
}

/* An INVOKE's function, for Go to call (gofn_cli_call). */
static int invoke_entry(worker *w, const gofn_msg_invoke *m, gofn_cli_call *c, gofn_err *e)
{
	char sym[GOFN_SYMBOL_NAME_MAX + 1];
	uintptr_t pc;
	gofn_sig sig;

	if (!w->mod || !w->inited)
		return gofn_errf(e, GOFN_EINVAL, "INVOKE before %s", w->mod ? "INIT" : "LOAD");
	memcpy(sym, m->symbol.p, m->symbol.len); /* decoded: 1..GOFN_SYMBOL_NAME_MAX */
	sym[m->symbol.len] = 0;
	if (gofn_module_entry(w->mod, sym, &pc, &sig, e) < 0)
		return -1;
	*c = (gofn_cli_call){.pc = pc, .sig = (int)sig, .in = m->input.p, .inlen = m->input.len};
	return 0;
}

/* An INVOKE: decoded, its streams emptied, its function looked up. Returns
 * 1 with the call in *c (the frame kept in w->cur until finish), or what
 * replying with ERROR returned; for a raw step (cli.h), GOFN_CLI_SLOW with
 * nothing done when the INVOKE asks for profiles (Go starts them) or the
 * module's init has not run to its end (the lookup would run it). */
static int begin_invoke(worker *w, gofn_frame *f, gofn_cli_call *c, int raw)
{
	gofn_err e = {0};
	int bad = gofn_dec_invoke(f->payload, f->len, &w->inv, &e) < 0;

	if (raw && (!w->init_ok || (!bad && w->inv.prof_kinds)))
		return GOFN_CLI_SLOW;
	if (!bad)
		profile_begin(w, &w->inv);
	/* after profile_begin: the runtime's rate warning is no call's */
	output_reset(w);
	if (!bad && invoke_entry(w, &w->inv, c, &e) == 0) {
		w->cur = *f;
		f->payload = NULL;
		w->t0 = gofn_mono_us();
		return 1;
	}
	int rc = reply_error_to(w, &e, bad ? 0 : w->inv.call);
	request_done(w);
	return rc;
}

/* Any other request, served here: LOAD, INIT, or an unexpected frame. */
static int serve_other(worker *w, gofn_frame *f)
{
	gofn_err e = {0};
	int rc;

	if (f->type == GOFN_F_LOAD) {
		rc = handle_load(w, f);
	} else if (f->type == GOFN_F_INIT) {
		rc = handle_init(w, f);
	} else {
		gofn_errf(&e, GOFN_EINVAL, "unexpected %s frame", gofn_frame_type_name(f->type));
		rc = reply_error(w, &e);
	}
	request_done(w);
	return rc;
}

/* Idle for GOFN_WORKER_TRIM_DELAY_MS (Go waited that long): give memory
 * back (worker_wait.h). */
static void worker_idle(void *impl)
{
	gofn_worker_wait_trim(&((worker *)impl)->wait);
}

/* The next request: the one a raw step left, or one received (1); 0 when
 * Go is to wait, GOFN_CLI_SLOW when a raw step would wait here, -1 at the
 * end (w->done). */
static int receive(worker *w, gofn_frame *f, gofn_cli_call *c, int raw)
{
	gofn_err e = {0};

	if (w->has_pending) {
		*f = w->pending;
		w->has_pending = 0;
		return 1;
	}
	int ready = gofn_worker_wait_ready(&w->wait, raw, &c->wait_ms);
	if (ready <= 0)
		return ready < 0 ? GOFN_CLI_SLOW : 0;
	if (gofn_frame_recv(w->ctrl, GOFN_REQUEST_FRAME_MAX, -1, f, &e) < 0) {
		w->done = 1;
		w->exit_code = e.code == GOFN_EOK ? 0 : 1; /* server closed: done */
		return -1;
	}
	if (f->extra) { /* gofnd never sends a second request unanswered */
		gofn_frame_free(f);
		w->done = w->exit_code = 1;
		return -1;
	}
	return 1;
}

/* Serves requests until an INVOKE's call is due (GOFN_CLI_CALL), none is
 * there yet and Go is to wait (GOFN_CLI_WAIT, worker_wait.h), or until
 * there are no more: the server closed the socket (exit 0) or the worker
 * cannot go on (exit 1). raw: a raw step (cli.h), which leaves any other
 * request than an INVOKE to the next cgo step (GOFN_CLI_SLOW). */
static int worker_step(worker *w, gofn_cli_call *c, int raw)
{
	while (!w->done) {
		gofn_frame f;
		int got = receive(w, &f, c, raw);
		if (got == 0)
			return GOFN_CLI_WAIT;
		if (got == GOFN_CLI_SLOW)
			return GOFN_CLI_SLOW;
		if (got < 0)
			break;
		int rc = raw && f.type != GOFN_F_INVOKE ? GOFN_CLI_SLOW
			 : f.type == GOFN_F_INVOKE	? begin_invoke(w, &f, c, raw)
							: serve_other(w, &f);
		if (rc == GOFN_CLI_SLOW) {
			w->pending = f;
			w->has_pending = 1;
			return GOFN_CLI_SLOW;
		}
		gofn_frame_free(&f);
		if (rc == 1)
			return GOFN_CLI_CALL;
		if (rc < 0)
			w->done = w->exit_code = 1;
	}
	return GOFN_CLI_OVER;
}

static int worker_next(void *impl, gofn_cli_call *c)
{
	return worker_step(impl, c, 0);
}

static int worker_next_raw(void *impl, gofn_cli_call *c)
{
	return worker_step(impl, c, 1);
}

/* The call's result (Go memory, read here only): RESULT, with the
 * profiles the INVOKE asked for. */
static void worker_finish(void *impl, const uint8_t *out, size_t outlen, const char *err,
			  size_t errlen, int failed)
{
	worker *w = impl;
	int64_t dur = gofn_mono_us() - w->t0;
	profiles prof;

	profile_end(w, &prof);
	int rc = reply_result(w, &w->inv, (gofn_bytes){.p = out, .len = outlen},
			      (gofn_bytes){.p = (const uint8_t *)err, .len = errlen}, failed, dur,
			      &prof);
	profiles_free(&prof);
	request_done(w);
	gofn_frame_free(&w->cur);
	if (rc < 0)
		w->done = w->exit_code = 1;
}

/* The same as a raw step (cli.h): profiles are stopped by Go. */
static int worker_finish_raw(void *impl, const uint8_t *out, size_t outlen, const char *err,
			     size_t errlen, int failed)
{
	if (((worker *)impl)->prof_kinds)
		return GOFN_CLI_SLOW;
	worker_finish(impl, out, outlen, err, errlen, failed);
	return 0;
}

static int worker_end(void *impl)
{
	return ((worker *)impl)->exit_code;
}

static int hello(worker *w)
{
	gofn_fbuf b;
	gofn_err e;

	int rc = gofn_enc_hello(&b, &e) == 0 ? gofn_frame_send(w->ctrl, &b, NULL, 0, -1, &e) : -1;
	gofn_fbuf_free(&b);
	gofn_worker_wait_idle_from_now(&w->wait);
	return rc;
}

/* gofnd passes -unconfined only when it runs without the sandbox (--sandbox 0,
 * or auto mode on a host that cannot confine); /healthz reports that.
 * -prepared: started before it has work (gofnd's prepared workers), so it
 * builds the host tables a first load would otherwise build then. */
static int has_flag(int argc, char **argv, const char *flag)
{
	for (int i = 2; i < argc; i++)
		if (strcmp(argv[i], flag) == 0)
			return 1;
	return 0;
}

int gofn_cli_worker(int argc, char **argv, gofn_cli_session *s)
{
	static worker w = {.ctrl = GOFN_WORKER_CTRL_FD,
			   .out_fd = -1,
			   .err_fd = -1,
			   .wait = {.fd = GOFN_WORKER_CTRL_FD}};

	/* 1 and 2 are /dev/null from the spawner until LOAD brings the files. */
	if (fcntl(w.ctrl, F_GETFD) < 0) {
		fprintf(stderr,
			"gofn-loader -worker: needs the control socket on fd %d (run by gofnd)\n",
			GOFN_WORKER_CTRL_FD);
		return 2;
	}
	fcntl(w.ctrl, F_SETFD, FD_CLOEXEC);
	/* Die with gofnd even when it is killed -9 mid-invocation (the sandbox
	 * also arms this; an unconfined worker needs it too). */
	pid_t parent = getppid();
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		return 1;
	/* The loader reads the host's symbols from /proc/self/exe on first
	 * use; seccomp refuses open() afterwards, so read them now (and the
	 * host type table, which the first load would otherwise build). */
	gofn_err pe = {0};
	if (has_flag(argc, argv, "-prepared") ? gofn_loader_warm(&pe) : gofn_loader_preload(&pe)) {
		reply_error(&w, &pe);
		return 1;
	}
	gofn_worker_idle_trim_prepare(); /* reads /proc/self/maps: before seccomp */
	if (!has_flag(argc, argv, "-unconfined")) {
		/* Before any tenant byte arrives; the parent already set up the
		 * namespaces, this adds no_new_privs and seccomp on every thread. */
		gofn_sandbox_cfg sc = {.sigsys_fd = -1};
		gofn_err e = {0};
		gofn_sandbox_limits_default(&sc.limits);
		if (gofn_sandbox_enter(&sc, &e) < 0) {
			gofn_errctx(&e, "worker");
			reply_error(&w, &e);
			return 1;
		}
	}
	if (hello(&w) < 0)
		return 1;
	*s = (gofn_cli_session){.fd = gofn_worker_wait_input_fd(&w.wait),
				.next = worker_next,
				.finish = worker_finish,
				.idle = worker_idle,
				.end = worker_end,
				.next_raw = worker_next_raw,
				.finish_raw = worker_finish_raw,
				.impl = &w};
	return GOFN_CLI_DRIVE;
}
