#include "loader/host/cli/cli.h"

#include <stdio.h>

int gofn_cli_sandbox(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "gofn-loader: %s: not implemented yet\n", argv[1]);
	return 2;
}
