/* gofn-loader -o a.o [-o b.o ...] -run SYM [-times N] [-in FILE|-]
 *             [-cpuprofile FILE] [-memprofile FILE] [-- ARGS...]
 * Loads the objects as one unit, initialises it, calls SYM and prints a
 * handler's result on stdout; -times N repeats load -> init -> run ->
 * unload; -cpuprofile/-memprofile profile the calls of the last run
 * (cli_profile.h). The program sees os.Args = [first object, ARGS...]. Errors are one line,
 * "gofn-loader: <context>: <message>", and exit 1; otherwise output and exit status are those of
 * the program. */
#include "loader/host/cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/clock.h"
#include "loader/call_bridge.h"
#include "loader/host/cli/cli_profile.h"
#include "loader/loader.h"

#define MAX_OBJS  64
#define MAX_INPUT ((size_t)1 << 30)

typedef struct run_args {
	const char *objs[MAX_OBJS];
	size_t nobjs;
	const char *sym;
	const char *in;
	long times;
	const char *cpuprofile, *memprofile;
	char **prog_args; /* after "--" */
	int nprog_args;
} run_args;

typedef struct buf {
	uint8_t *p;
	size_t n;
} buf;

static int fail(const gofn_err *e)
{
	fflush(stdout);
	fprintf(stderr, "gofn-loader: %s\n", e->msg);
	return 1;
}

static int parse_args(int argc, char **argv, run_args *a, gofn_err *e)
{
	memset(a, 0, sizeof *a);
	a->times = 1;
	for (int i = 1; i < argc; i++) {
		const char *f = argv[i];
		if (strcmp(f, "--") == 0) {
			a->prog_args = argv + i + 1;
			a->nprog_args = argc - i - 1;
			break;
		}
		if (i + 1 >= argc)
			return gofn_errf(e, GOFN_EINVAL, "flag %s needs a value", f);
		const char *v = argv[++i];
		if (strcmp(f, "-o") == 0) {
			if (a->nobjs == MAX_OBJS)
				return gofn_errf(e, GOFN_ELIMIT, "too many -o (max %d)", MAX_OBJS);
			a->objs[a->nobjs++] = v;
		} else if (strcmp(f, "-run") == 0) {
			a->sym = v;
		} else if (strcmp(f, "-in") == 0) {
			a->in = v;
		} else if (strcmp(f, "-cpuprofile") == 0) {
			a->cpuprofile = v;
		} else if (strcmp(f, "-memprofile") == 0) {
			a->memprofile = v;
		} else if (strcmp(f, "-times") == 0) {
			char *end;
			errno = 0;
			a->times = strtol(v, &end, 10);
			if (errno || *end || a->times < 1)
				return gofn_errf(e, GOFN_EINVAL, "-times %s: want a positive count",
						 v);
		} else {
			return gofn_errf(e, GOFN_EINVAL, "unknown flag %s", f);
		}
	}
	if (!a->nobjs || !a->sym)
		return gofn_errf(e, GOFN_EINVAL, "need -o OBJECT and -run SYMBOL");
	return 0;
}

static int read_stream(FILE *f, const char *name, buf *b, gofn_err *e)
{
	size_t cap = 1 << 16;
	b->n = 0;
	b->p = malloc(cap);
	if (!b->p)
		return gofn_errf(e, GOFN_ENOMEM, "%s: out of memory", name);
	for (;;) {
		if (b->n == cap) {
			if (cap >= MAX_INPUT)
				return gofn_errf(e, GOFN_ELIMIT, "%s: larger than %zu bytes", name,
						 MAX_INPUT);
			uint8_t *p = realloc(b->p, cap * 2);
			if (!p)
				return gofn_errf(e, GOFN_ENOMEM, "%s: out of memory", name);
			b->p = p;
			cap *= 2;
		}
		size_t got = fread(b->p + b->n, 1, cap - b->n, f);
		b->n += got;
		if (got == 0)
			break;
	}
	if (ferror(f))
		return gofn_errsys(e, "read %s", name);
	return 0;
}

static int read_file(const char *path, buf *b, gofn_err *e)
{
	if (strcmp(path, "-") == 0)
		return read_stream(stdin, "stdin", b, e);
	/* "fd:N": an object handed over as an open fd (gofn-loader -sandbox,
	 * whose worker has no filesystem to open paths in). */
	if (strncmp(path, "fd:", 3) == 0) {
		char *end;
		long fd = strtol(path + 3, &end, 10);
		FILE *f =
		    end != path + 3 && !*end && fd >= 0 && fd < 1024 ? fdopen((int)fd, "rb") : NULL;
		if (!f)
			return gofn_errf(e, GOFN_EINVAL, "%s: not an open fd", path);
		int rc = read_stream(f, path, b, e);
		fclose(f);
		return rc;
	}
	FILE *f = fopen(path, "rb");
	if (!f)
		return gofn_errsys(e, "open %s", path);
	int rc = read_stream(f, path, b, e);
	fclose(f);
	return rc;
}

static int set_prog_args(const run_args *a, gofn_err *e)
{
	char **v;

	if (!gofnSetArgs)
		return 0; /* C-only builds: nothing to tell */
	v = calloc((size_t)a->nprog_args + 1, sizeof *v);
	if (!v)
		return gofn_errf(e, GOFN_ENOMEM, "os.Args: out of memory");
	v[0] = (char *)a->objs[0];
	for (int i = 0; i < a->nprog_args; i++)
		v[i + 1] = a->prog_args[i];
	gofnSetArgs(v, a->nprog_args + 1);
	free(v);
	return 0;
}

/* A handler's result: its bytes on stdout, or (for a non-nil error) the
 * error text alone on stderr and exit status 1. */
static int print_result(const uint8_t *out, size_t outlen, const char *err, size_t errlen,
			int failed)
{
	if (failed) {
		fflush(stdout);
		fprintf(stderr, "%.*s\n", (int)errlen, err ? err : "");
		return 1;
	}
	if (outlen)
		fwrite(out, 1, outlen, stdout);
	fflush(stdout);
	return 0;
}

/* GOFN_LOADER_TIMING=1 prints per-phase averages to stderr at exit, and
 * GOFN_LOADER_CALLS=N calls the symbol N times per load (benchmarks only:
 * a program's main is not meant to run twice). */
typedef struct timing {
	double preload, load, init, call, unload; /* seconds, summed */
	long loads, calls;
} timing;

static double now(void)
{
	return (double)gofn_mono_us() / 1e6;
}

static void print_timing(const timing *t)
{
	if (!t->loads)
		return;
	fprintf(stderr,
		"gofn-loader: timing: preload %.1f us, %ld loads, %ld calls: load %.1f us, "
		"init %.1f us, call %.3f us, unload %.1f us (averages)\n",
		t->preload * 1e6, t->loads, t->calls, t->load / (double)t->loads * 1e6,
		t->init / (double)t->loads * 1e6, t->calls ? t->call / (double)t->calls * 1e6 : 0.0,
		t->loads > 1 ? t->unload / (double)(t->loads - 1) * 1e6 : 0.0);
}

/* The session Go drives (cli.h): load -> init -> N calls -> unload, times
 * over. One per process. */
typedef struct run_state {
	run_args a;
	gofn_blob blobs[MAX_OBJS];
	buf files[MAX_OBJS], in;
	long ncalls;
	timing tm;
	long loads;	/* started */
	long calls;	/* made in the current load */
	gofn_module *m; /* the current load's, until its calls are over */
	uintptr_t pc;	/* the symbol's entry in m */
	gofn_sig sig;
	double t0, t1, t2; /* load start, init start, first call */
	int rc;		   /* exit code so far */
	gofn_err e;
} run_state;

static run_state run;

/* Load, init and look up the symbol: the calls of one run follow. */
static int start_load(run_state *r)
{
	int last = r->loads == r->a.times - 1;

	r->t0 = now();
	if (gofn_module_load(r->blobs, r->a.nobjs, &r->m, &r->e)) {
		r->m = NULL;
		return gofn_errctx(&r->e, "load"), -1;
	}
	r->t1 = now();
	int bad = 0;
	if (gofn_module_init(r->m, &r->e) < 0)
		bad = gofn_errctx(&r->e, "init");
	else if (gofn_module_entry(r->m, r->a.sym, &r->pc, &r->sig, &r->e) < 0)
		bad = gofn_errctx(&r->e, "run %s", r->a.sym);
	if (bad) {
		gofn_module_unload(r->m);
		r->m = NULL;
		return -1;
	}
	if (last && gofn_cli_profile_start(r->a.cpuprofile, r->a.memprofile, &r->e) < 0) {
		r->m = NULL;
		return gofn_errctx(&r->e, "profile"), -1;
	}
	r->loads++;
	r->calls = 0;
	r->t2 = now();
	return 0;
}

/* The last run keeps its module: as in a native program, goroutines still
 * running when the function returns die with the process, not under an
 * unmapped module. */
static int end_load(run_state *r)
{
	int last = r->loads == r->a.times;
	double t3 = now();

	if (last && gofn_cli_profile_stop(r->a.cpuprofile, r->a.memprofile, &r->e) < 0) {
		r->m = NULL;
		return gofn_errctx(&r->e, "profile"), -1;
	}
	if (!last)
		gofn_module_unload(r->m);
	r->m = NULL;
	r->tm.load += r->t1 - r->t0;
	r->tm.init += r->t2 - r->t1;
	r->tm.call += t3 - r->t2;
	r->tm.unload += now() - t3;
	r->tm.loads++;
	r->tm.calls += r->calls;
	return 0;
}

static int run_next(void *impl, gofn_cli_call *c)
{
	run_state *r = impl;

	if (r->m && (r->calls == r->ncalls || r->rc != 0) && end_load(r) < 0)
		r->rc = fail(&r->e);
	if (!r->m && (r->rc != 0 || r->loads == r->a.times))
		return GOFN_CLI_OVER;
	if (!r->m && start_load(r) < 0) {
		r->rc = fail(&r->e);
		return GOFN_CLI_OVER;
	}
	*c = (gofn_cli_call){.pc = r->pc, .sig = (int)r->sig, .in = r->in.p, .inlen = r->in.n};
	return GOFN_CLI_CALL;
}

static void run_finish(void *impl, const uint8_t *out, size_t outlen, const char *err,
		       size_t errlen, int failed)
{
	run_state *r = impl;

	r->rc = print_result(out, outlen, err, errlen, failed);
	r->calls++;
}

static void run_free(run_state *r)
{
	for (size_t i = 0; i < r->a.nobjs; i++)
		free(r->files[i].p);
	free(r->in.p);
}

static int run_end(void *impl)
{
	run_state *r = impl;

	fflush(stdout);
	if (getenv("GOFN_LOADER_TIMING"))
		print_timing(&r->tm);
	run_free(r);
	return r->rc;
}

/* Reads the objects and the input, sets os.Args, preloads: everything
 * before the first load. */
static int run_start(run_state *r, int argc, char **argv)
{
	if (parse_args(argc, argv, &r->a, &r->e))
		return -1;
	for (size_t i = 0; i < r->a.nobjs; i++) {
		if (read_file(r->a.objs[i], &r->files[i], &r->e))
			return -1;
		r->blobs[i] = (gofn_blob){r->a.objs[i], r->files[i].p, r->files[i].n};
	}
	if (r->a.in && read_file(r->a.in, &r->in, &r->e))
		return -1;
	if (set_prog_args(&r->a, &r->e))
		return -1;
	const char *calls_env = getenv("GOFN_LOADER_CALLS");
	long n = calls_env ? strtol(calls_env, NULL, 10) : 1;
	r->ncalls = n > 0 ? n : 1;
	double t0 = now();
	/* as a worker does at start: the first load then pays nothing extra */
	if (gofn_loader_preload(&r->e))
		return -1;
	r->tm.preload = now() - t0;
	return 0;
}

int gofn_cli_run(int argc, char **argv, gofn_cli_session *s)
{
	run_state *r = &run;

	memset(r, 0, sizeof *r);
	if (run_start(r, argc, argv) < 0) {
		int rc = fail(&r->e);
		run_free(r);
		return rc;
	}
	*s = (gofn_cli_session){
	    .fd = -1, .next = run_next, .finish = run_finish, .end = run_end, .impl = r};
	return GOFN_CLI_DRIVE;
}
