#include "loader/host/cli/cli.h"

#include "loader/hosttab.h"

#include <stdio.h>
#include <string.h>

static int usage(void)
{
	fprintf(
	    stderr,
	    "usage: gofn-loader -parse x.o\n"
	    "       gofn-loader [-sandbox [limits]] -o a.o [-o b.o ...] -run main.main [-times N] "
	    "[-in FILE|-] [-cpuprofile FILE] [-memprofile FILE]\n"
	    "       gofn-loader -worker   (spawned by gofnd)\n");
	return 2;
}

static int has_flag(int argc, char **argv, const char *flag)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], flag) == 0)
			return 1;
	return 0;
}

/* The build's step (scripts/hosttab-append): this binary's host tables. */
static int hosttab_write(const char *path)
{
	gofn_err e = {0};
	if (gofn_hosttab_write(path, &e) == 0)
		return 0;
	fprintf(stderr, "gofn-loader: %s\n", e.msg);
	return 1;
}

/* -sandbox wraps any other mode, so it is checked first. */
int gofn_cli_main(int argc, char **argv, gofn_cli_session *s)
{
	if (argc < 2)
		return usage();
	if (has_flag(argc, argv, "-sandbox"))
		return gofn_cli_sandbox(argc, argv, s);
	if (strcmp(argv[1], "-parse") == 0)
		return gofn_cli_parse(argc, argv);
	if (strcmp(argv[1], "-worker") == 0)
		return gofn_cli_worker(argc, argv, s);
	if (strcmp(argv[1], "-hosttab-write") == 0 && argc == 3)
		return hosttab_write(argv[2]);
	if (has_flag(argc, argv, "-run"))
		return gofn_cli_run(argc, argv, s);
	return usage();
}

int gofn_cli_next(gofn_cli_session *s, gofn_cli_call *c)
{
	return s->next(s->impl, c);
}

void gofn_cli_finish(gofn_cli_session *s, const uint8_t *out, size_t outlen, const char *err,
		     size_t errlen, int failed)
{
	s->finish(s->impl, out, outlen, err, errlen, failed);
}

void gofn_cli_idle(gofn_cli_session *s)
{
	if (s->idle)
		s->idle(s->impl);
}

int gofn_cli_end(gofn_cli_session *s)
{
	return s->end(s->impl);
}

int gofn_cli_next_raw(void *raw)
{
	gofn_cli_raw *r = raw;
	return r->s->next_raw ? r->s->next_raw(r->s->impl, r->c) : GOFN_CLI_SLOW;
}

int gofn_cli_finish_raw(void *raw)
{
	gofn_cli_raw *r = raw;
	return r->s->finish_raw
		   ? r->s->finish_raw(r->s->impl, r->out, r->outlen, r->err, r->errlen, r->failed)
		   : GOFN_CLI_SLOW;
}
