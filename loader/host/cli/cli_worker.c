/* gofn-loader -worker: one tenant function's process, driven by gofnd over
 * the control socket on fd 3 (protocol in api/frame.h).
 *
 * Life: confine (sandbox) -> HELLO -> LOAD once -> INVOKE ... until the
 * socket closes. Each request brings its own stdout/stderr pipes, which are
 * dup2()'d onto 1 and 2 only while that request runs; /dev/null sits there
 * otherwise, so the server sees EOF right before our reply. Tenant code that
 * calls os.Exit or crashes ends this process; gofnd notices and replaces us. */
#include "loader/host/cli/cli.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/frame.h"
#include "api/frame_io.h"
#include "api/profile.h"
#include "loader/loader.h"
#include "loader/profile.h"
#include "loader/symtab.h"
#include "sandbox/sandbox.h"

/* The server is trusted more than tenants, but a cap still bounds memory. */
#define REQUEST_MAX (256u << 20)
#define REPLY_MAX   (512u << 20)

typedef struct worker {
	int ctrl;
	int devnull;
	gofn_module *mod;
	unsigned prof_kinds; /* profiles running for the current INVOKE */
	char *prof_err;	     /* why the CPU profile did not start */
} worker;

/* The profiles of one call (api/profile.h kinds). */
typedef struct profiles {
	uint8_t *data[GOFN_PROF_NKINDS];
	size_t len[GOFN_PROF_NKINDS];
	unsigned kinds;
	char *cpu_err;
} profiles;

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Points 1/2 at the request's pipes (or back at /dev/null when fds is NULL). */
static void route_output(worker *w, const gofn_frame *f)
{
	int out = w->devnull, err = w->devnull;

	if (f && f->nfds == 2) {
		out = f->fds[0];
		err = f->fds[1];
	}
	fflush(stdout);
	fflush(stderr);
	/* dup3, not dup2: the seccomp filter allows only the former. */
	dup3(out, 1, 0);
	dup3(err, 2, 0);
}

static int reply_error(worker *w, const gofn_err *le)
{
	gofn_fbuf b;
	gofn_err e;

	route_output(w, NULL); /* EOF on the request's pipes first */

	if (gofn_fbuf_start(&b, GOFN_F_ERROR, REPLY_MAX, &e) < 0)
		return -1;
	int rc = gofn_fbuf_put_u64(&b, GOFN_FLD_ERRCODE, (uint64_t)le->code, &e);
	if (rc == 0)
		rc = gofn_fbuf_put_str(&b, GOFN_FLD_ERRMSG, le->msg, &e);
	if (rc == 0) {
		gofn_fbuf_finish(&b);
		rc = gofn_frame_send(w->ctrl, &b, NULL, 0, &e);
	}
	gofn_fbuf_free(&b);
	return rc;
}

static int reply_loaded(worker *w, gofn_err *e)
{
	const gofn_symbol_info *syms;
	size_t n = gofn_module_symbols(w->mod, &syms);
	gofn_fbuf b;
	int rc = gofn_fbuf_start(&b, GOFN_F_LOADED, REPLY_MAX, e);

	route_output(w, NULL); /* EOF on the request's pipes first */

	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = gofn_fbuf_put_str(&b, GOFN_FLD_SYMBOL, syms[i].name, e);
		if (rc == 0)
			rc = gofn_fbuf_put_str(&b, GOFN_FLD_SIGNATURE,
					       syms[i].signature ? syms[i].signature : "", e);
		if (rc == 0)
			rc = gofn_fbuf_put_u64(&b, GOFN_FLD_SIGKIND, (uint64_t)syms[i].sig, e);
	}
	if (rc == 0) {
		gofn_fbuf_finish(&b);
		rc = gofn_frame_send(w->ctrl, &b, NULL, 0, e);
	}
	gofn_fbuf_free(&b);
	return rc;
}

/* The link unit, in link order (libraries first), as the loader wants it. */
#define MAX_OBJECTS 64

static int handle_load(worker *w, const gofn_frame *f)
{
	gofn_fields it;
	gofn_field fld;
	gofn_err e = {0};
	gofn_blob blobs[MAX_OBJECTS];
	static char names[MAX_OBJECTS][24];
	size_t n = 0;
	int r;

	if (w->mod) {
		gofn_errf(&e, GOFN_EINVAL, "worker already holds a module");
		return reply_error(w, &e);
	}
	gofn_fields_init(&it, f->payload, f->len);
	while ((r = gofn_fields_next(&it, &fld, &e)) > 0) {
		if (fld.tag != GOFN_FLD_OBJECT)
			continue;
		if (n == MAX_OBJECTS) {
			gofn_errf(&e, GOFN_ELIMIT, "more than %d objects", MAX_OBJECTS);
			return reply_error(w, &e);
		}
		snprintf(names[n], sizeof names[n], "object %zu", n + 1); /* for error messages */
		blobs[n] = (gofn_blob){.name = names[n], .data = fld.data, .len = fld.len};
		n++;
	}
	if (r < 0 || n == 0) {
		if (r == 0)
			gofn_errf(&e, GOFN_EINVAL, "LOAD without an object");
		return reply_error(w, &e);
	}
	if (gofn_module_load(blobs, n, &w->mod, &e) < 0) {
		w->mod = NULL;
		return reply_error(w, &e);
	}
	if (gofn_module_init(w->mod, &e) < 0)
		return reply_error(w, &e);
	if (reply_loaded(w, &e) < 0)
		return -1;
	return 0;
}

/* Starts the profiles an INVOKE asks for. Runs before the request's pipes
 * are on 1 and 2, so the runtime's rate warning goes to /dev/null. */
static void profile_begin(worker *w, const gofn_frame *f)
{
	gofn_fields it;
	gofn_field fld;
	gofn_err e;
	uint64_t kinds = 0, hz = 0;

	gofn_fields_init(&it, f->payload, f->len);
	while (gofn_fields_next(&it, &fld, &e) > 0) {
		if (fld.tag == GOFN_FLD_PROFILE_KINDS)
			gofn_field_u64(&fld, &kinds, &e);
		else if (fld.tag == GOFN_FLD_PROFILE_HZ)
			gofn_field_u64(&fld, &hz, &e);
	}
	kinds &= (1u << GOFN_PROF_NKINDS) - 1;
	if (hz > GOFN_PROFILE_HZ_MAX)
		hz = GOFN_PROFILE_HZ_MAX;
	if (!kinds || !gofnProfileStart)
		return;
	w->prof_kinds = (unsigned)kinds;
	w->prof_err = gofnProfileStart(w->prof_kinds, (int)hz);
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

/* One PROFILE field per profile taken, PROFILE_ERROR for one that is not. */
static int put_profiles(gofn_fbuf *b, const profiles *p, gofn_err *e)
{
	for (int k = 0; k < GOFN_PROF_NKINDS; k++) {
		if (!(p->kinds & (1u << k)))
			continue;
		char msg[256];
		uint8_t *buf = p->data[k];
		size_t n = p->len[k];
		if (!buf) {
			if (k == GOFN_PROF_CPU && p->cpu_err)
				n = (size_t)snprintf(msg + 1, sizeof msg - 1, "%s", p->cpu_err);
			else if (n)
				n = (size_t)snprintf(
				    msg + 1, sizeof msg - 1,
				    "profile of %zu bytes is over the %u-byte limit", n,
				    GOFN_PROFILE_MAX);
			else
				n = (size_t)snprintf(msg + 1, sizeof msg - 1, "profile is empty");
			msg[0] = (char)k;
			n = n + 1 < sizeof msg ? n + 1 : sizeof msg - 1;
			if (gofn_fbuf_put(b, GOFN_FLD_PROFILE_ERROR, msg, n, e) < 0)
				return -1;
			continue;
		}
		/* The kind byte goes in front: make room for it. */
		uint8_t *f = malloc(n + 1);
		if (!f)
			return gofn_errf(e, GOFN_ENOMEM, "profile: out of memory");
		f[0] = (uint8_t)k;
		memcpy(f + 1, buf, n);
		int rc = gofn_fbuf_put(b, GOFN_FLD_PROFILE, f, n + 1, e);
		free(f);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int reply_result(worker *w, const gofn_result *res, int64_t dur, const profiles *p,
			gofn_err *e)
{
	gofn_fbuf b;
	int rc = gofn_fbuf_start(&b, GOFN_F_RESULT, REPLY_MAX, e);

	route_output(w, NULL); /* EOF on the request's pipes first */

	if (rc == 0)
		rc = gofn_fbuf_put_str(&b, GOFN_FLD_STATUS, res->err_msg ? "error" : "ok", e);
	if (rc == 0)
		rc = gofn_fbuf_put(&b, GOFN_FLD_OUTPUT, res->out, res->out_len, e);
	if (rc == 0 && res->err_msg)
		rc = gofn_fbuf_put_str(&b, GOFN_FLD_ERRMSG, res->err_msg, e);
	if (rc == 0)
		rc = gofn_fbuf_put_u64(&b, GOFN_FLD_DURATION_US, (uint64_t)dur, e);
	if (rc == 0)
		rc = put_profiles(&b, p, e);
	if (rc == 0) {
		gofn_fbuf_finish(&b);
		rc = gofn_frame_send(w->ctrl, &b, NULL, 0, e);
	}
	gofn_fbuf_free(&b);
	return rc;
}

/* Runs the call with 1/2 on the request's pipes; returns with them restored. */
static int handle_invoke(worker *w, const gofn_frame *f)
{
	gofn_fields it;
	gofn_field fld;
	gofn_err e = {0};
	char sym[512] = "";
	const uint8_t *in = NULL;
	size_t in_len = 0;
	int r;

	gofn_fields_init(&it, f->payload, f->len);
	while ((r = gofn_fields_next(&it, &fld, &e)) > 0) {
		if (fld.tag == GOFN_FLD_SYMBOL && fld.len < sizeof sym) {
			memcpy(sym, fld.data, fld.len);
			sym[fld.len] = 0;
		} else if (fld.tag == GOFN_FLD_INPUT) {
			in = fld.data;
			in_len = fld.len;
		}
	}
	if (r < 0)
		return reply_error(w, &e);
	if (!w->mod || !sym[0]) {
		gofn_errf(&e, GOFN_EINVAL, "INVOKE %s",
			  w->mod ? "without a symbol" : "before LOAD");
		return reply_error(w, &e);
	}
	gofn_result res = {0};
	int64_t t0 = now_us();
	r = gofn_module_call(w->mod, sym, in, in_len, &res, &e);
	int64_t dur = now_us() - t0;
	profiles prof;
	profile_end(w, &prof);
	if (r < 0)
		r = reply_error(w, &e);
	else
		r = reply_result(w, &res, dur, &prof, &e);
	profiles_free(&prof);
	gofn_result_free(&res);
	return r;
}

static int serve(worker *w)
{
	for (;;) {
		gofn_frame f;
		gofn_err e = {0};
		if (gofn_frame_recv(w->ctrl, REQUEST_MAX, -1, &f, &e) < 0)
			return e.code == GOFN_EOK ? 0 : 1; /* server closed: done */
		int rc;
		if (f.type == GOFN_F_INVOKE)
			profile_begin(w, &f);
		route_output(w, &f);
		/* 1 and 2 now hold the only copies of the request's pipes, so
		 * restoring /dev/null before replying gives the server EOF. */
		gofn_frame_free_fds(&f);
		if (f.type == GOFN_F_LOAD) {
			rc = handle_load(w, &f);
		} else if (f.type == GOFN_F_INVOKE) {
			rc = handle_invoke(w, &f);
		} else {
			gofn_errf(&e, GOFN_EINVAL, "unexpected %s frame",
				  gofn_frame_type_name(f.type));
			rc = reply_error(w, &e);
		}
		route_output(w, NULL);
		profiles unused;
		profile_end(w, &unused); /* an INVOKE refused before the call */
		profiles_free(&unused);
		gofn_frame_free(&f);
		if (rc < 0)
			return 1;
	}
}

static int hello(worker *w)
{
	gofn_fbuf b;
	gofn_err e;

	if (gofn_fbuf_start(&b, GOFN_F_HELLO, 0, &e) < 0)
		return -1;
	gofn_fbuf_finish(&b);
	int rc = gofn_frame_send(w->ctrl, &b, NULL, 0, &e);
	gofn_fbuf_free(&b);
	return rc;
}

/* gofnd passes -unconfined only when it runs without the sandbox (--sandbox 0,
 * or auto mode on a host that cannot confine); /healthz reports that. */
static int unconfined(int argc, char **argv)
{
	for (int i = 2; i < argc; i++)
		if (strcmp(argv[i], "-unconfined") == 0)
			return 1;
	return 0;
}

int gofn_cli_worker(int argc, char **argv)
{
	worker w = {.ctrl = GOFN_WORKER_CTRL_FD};

	/* The spawner gave us /dev/null as stdout; a confined root has no
	 * /dev to open it from, so keep a copy to park 1 and 2 on. */
	w.devnull = fcntl(1, F_DUPFD_CLOEXEC, 10);
	if (w.devnull < 0 || fcntl(w.ctrl, F_GETFD) < 0) {
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
	if (gofn_loader_preload(&pe)) {
		reply_error(&w, &pe);
		return 1;
	}
	if (!unconfined(argc, argv)) {
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
	return serve(&w);
}
