/* Test-only escape attempts run inside a confined worker
 * (`gofn-loader -sandbox -selftest NAME [ARG]`): the C equivalent of a
 * hostile tenant's hand-written machine code, used by tests/escape. */
#ifndef GOFN_HOST_CLI_SANDBOX_ATTEMPTS_H
#define GOFN_HOST_CLI_SANDBOX_ATTEMPTS_H

/* argv[0] = attempt name, argv[1] = optional argument. Prints
 * "ESCAPED:<name>" only if the attempt succeeded, "denied:<name>: <why>" if
 * it got an error; returns the exit code. */
int gofn_sandbox_attempt(int argc, char **argv);

#endif
