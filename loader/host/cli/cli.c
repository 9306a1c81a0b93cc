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
int gofn_cli_main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	if (has_flag(argc, argv, "-sandbox"))
		return gofn_cli_sandbox(argc, argv);
	if (strcmp(argv[1], "-parse") == 0)
		return gofn_cli_parse(argc, argv);
	if (strcmp(argv[1], "-worker") == 0)
		return gofn_cli_worker(argc, argv);
	if (strcmp(argv[1], "-hosttab-write") == 0 && argc == 3)
		return hosttab_write(argv[2]);
	if (has_flag(argc, argv, "-run"))
		return gofn_cli_run(argc, argv);
	return usage();
}
