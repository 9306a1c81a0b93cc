#include "loader/host/cli/cli.h"

#include <stdio.h>
#include <string.h>

static int usage(void)
{
	fprintf(stderr, "usage: gofn-loader -parse x.o\n"
			"       gofn-loader -o a.o [-o b.o ...] -run main.main [-times N]\n");
	return 2;
}

int gofn_cli_main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	fprintf(stderr, "gofn-loader: %s: not implemented yet\n", argv[1]);
	return 2;
}
