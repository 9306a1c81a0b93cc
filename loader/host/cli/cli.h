/* Entry point of gofn-loader: the Go shim's main() hands argv here. */
#ifndef GOFN_HOST_CLI_H
#define GOFN_HOST_CLI_H

int gofn_cli_main(int argc, char **argv);

#endif
