/* Entry point of gofn-loader: the Go shim's main() hands argv here, and
 * cli.c dispatches to one mode, each in its own file. */
#ifndef GOFN_HOST_CLI_H
#define GOFN_HOST_CLI_H

int gofn_cli_main(int argc, char **argv);

/* -parse x.o: print the object's symbols and relocations (cli_parse.c). */
int gofn_cli_parse(int argc, char **argv);

/* -o a.o ... -run sym [-times N] [-in FILE]: load and call (cli_run.c). */
int gofn_cli_run(int argc, char **argv);

/* -sandbox ...: re-run the rest of the command confined (cli_sandbox.c). */
int gofn_cli_sandbox(int argc, char **argv);

/* -worker: serve gofnd over the control channel (cli_worker.c). */
int gofn_cli_worker(int argc, char **argv);

#endif
