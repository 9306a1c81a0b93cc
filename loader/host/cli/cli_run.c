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
static int print_result(const gofn_result *r)
{
	if (r->err_msg) {
		fflush(stdout);
		fprintf(stderr, "%s\n", r->err_msg);
		return 1;
	}
	if (r->out_len)
		fwrite(r->out, 1, r->out_len, stdout);
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

/* The last run keeps its module: as in a native program, goroutines still
 * running when the function returns die with the process, not under an
 * unmapped module. */
static int run_once(const run_args *a, const gofn_blob *blobs, const buf *in, int last, long ncalls,
		    timing *tm, gofn_err *e)
{
	gofn_module *m;
	gofn_result r;
	int rc = 0;
	double t0 = now(), t1, t2, t3;

	if (gofn_module_load(blobs, a->nobjs, &m, e))
		return gofn_errctx(e, "load"), -1;
	t1 = now();
	if (gofn_module_init(m, e)) {
		gofn_module_unload(m);
		return gofn_errctx(e, "init"), -1;
	}
	t2 = now();
	if (last && gofn_cli_profile_start(a->cpuprofile, a->memprofile, e) < 0)
		return gofn_errctx(e, "profile"), -1;
	for (long c = 0; c < ncalls && rc == 0; c++) {
		if (gofn_module_call(m, a->sym, in->p, in->n, &r, e)) {
			gofn_module_unload(m);
			return gofn_errctx(e, "run %s", a->sym), -1;
		}
		rc = print_result(&r);
		gofn_result_free(&r);
	}
	t3 = now();
	if (last && gofn_cli_profile_stop(a->cpuprofile, a->memprofile, e) < 0)
		return gofn_errctx(e, "profile"), -1;
	if (!last)
		gofn_module_unload(m);
	tm->load += t1 - t0;
	tm->init += t2 - t1;
	tm->call += t3 - t2;
	tm->unload += now() - t3;
	tm->loads++;
	tm->calls += ncalls;
	return rc;
}

int gofn_cli_run(int argc, char **argv)
{
	run_args a;
	gofn_blob blobs[MAX_OBJS];
	buf files[MAX_OBJS] = {0}, in = {0};
	gofn_err e = {0};
	int rc = 0;

	if (parse_args(argc, argv, &a, &e))
		return fail(&e);
	for (size_t i = 0; i < a.nobjs; i++) {
		if (read_file(a.objs[i], &files[i], &e)) {
			rc = fail(&e);
			goto out;
		}
		blobs[i] = (gofn_blob){a.objs[i], files[i].p, files[i].n};
	}
	if (a.in && read_file(a.in, &in, &e)) {
		rc = fail(&e);
		goto out;
	}
	if (set_prog_args(&a, &e)) {
		rc = fail(&e);
		goto out;
	}
	const char *calls_env = getenv("GOFN_LOADER_CALLS");
	long ncalls = calls_env ? strtol(calls_env, NULL, 10) : 1;
	timing tm = {0};
	double t0 = now();
	/* as a worker does at start: the first load then pays nothing extra */
	if (gofn_loader_preload(&e)) {
		rc = fail(&e);
		goto out;
	}
	tm.preload = now() - t0;
	for (long t = 0; t < a.times && rc == 0; t++) {
		rc = run_once(&a, blobs, &in, t == a.times - 1, ncalls > 0 ? ncalls : 1, &tm, &e);
		if (rc < 0)
			rc = fail(&e);
	}
	fflush(stdout);
	if (getenv("GOFN_LOADER_TIMING"))
		print_timing(&tm);
out:
	for (size_t i = 0; i < a.nobjs; i++)
		free(files[i].p);
	free(in.p);
	return rc;
}
