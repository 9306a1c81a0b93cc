/* Entry point of gofn-loader: the Go shim's main() hands argv here, and
 * cli.c dispatches to one mode, each in its own file.
 *
 * The modes that call loaded functions (-worker, -run, and -run inside
 * -sandbox) do not call them from C: they return a session and Go drives
 * it (loader/host/drive.go): gofn_cli_next says what to call, Go calls it
 * from an ordinary goroutine and hands the result to gofn_cli_finish. A
 * call made from C would be a cgo callback, whose goroutine is locked to
 * its thread, so starting a func()'s goroutine and waiting for it would
 * cost two thread hand-offs (futex round trips) per call. */
#ifndef GOFN_HOST_CLI_H
#define GOFN_HOST_CLI_H

#include <stddef.h>
#include <stdint.h>

/* gofn_cli_main's answer when Go is to drive the session it filled in. */
#define GOFN_CLI_DRIVE (-1)

/* One call for Go to make: the loaded function's entry and signature
 * (gofn_sig) and its input (C memory, valid until gofn_cli_finish). */
typedef struct gofn_cli_call {
	uintptr_t pc;
	int sig;
	const uint8_t *in;
	size_t inlen;
	/* With GOFN_CLI_WAIT: after this many ms without the session's fd
	 * readable, call gofn_cli_idle, then next again. */
	int wait_ms;
} gofn_cli_call;

/* What gofn_cli_next returns. */
enum {
	GOFN_CLI_OVER = 0, /* nothing more to call: gofn_cli_end */
	GOFN_CLI_CALL = 1, /* make the call in *c, then gofn_cli_finish */
	GOFN_CLI_WAIT = 2, /* nothing to do until fd is readable: wait, then next */
	GOFN_CLI_SLOW = 3, /* a raw step only: make this step again, as a cgo call */
};

/* A mode driven by Go: next fills *c and says what to do (above); finish
 * takes the call's result; idle is for a wait that lasted wait_ms (the
 * worker trims its memory, worker_trim.h); end returns the process's exit
 * code. fd is the descriptor Go waits on after GOFN_CLI_WAIT, in its
 * netpoller (why there: worker_wait.h), -1 when next never returns
 * GOFN_CLI_WAIT. */
typedef struct gofn_cli_session {
	int fd;
	int (*next)(void *impl, gofn_cli_call *c);
	void (*finish)(void *impl, const uint8_t *out, size_t outlen, const char *err,
		       size_t errlen, int failed);
	void (*idle)(void *impl); /* NULL when next never returns GOFN_CLI_WAIT */
	int (*end)(void *impl);
	/* Optional (NULL: none): next and finish made raw (gofn_cli_raw),
	 * returning GOFN_CLI_SLOW, with nothing done, when the step would
	 * have to wait for anything but a frame already begun, or call Go;
	 * finish_raw returns 0 when done. */
	int (*next_raw)(void *impl, gofn_cli_call *c);
	int (*finish_raw)(void *impl, const uint8_t *out, size_t outlen, const char *err,
			  size_t errlen, int failed);
	void *impl;
} gofn_cli_session;

/* Returns the exit code of a mode C ran to its end, or GOFN_CLI_DRIVE
 * with *s filled in. */
int gofn_cli_main(int argc, char **argv, gofn_cli_session *s);

/* The session's steps, for Go (cgo cannot call function pointers). */
int gofn_cli_next(gofn_cli_session *s, gofn_cli_call *c);
void gofn_cli_finish(gofn_cli_session *s, const uint8_t *out, size_t outlen, const char *err,
		     size_t errlen, int failed);
void gofn_cli_idle(gofn_cli_session *s);
int gofn_cli_end(gofn_cli_session *s);

/* A raw step: next or finish called by Go through runtime.asmcgocall, on
 * its thread's system stack with its P kept, not as a cgo call, whose
 * entersyscall wakes sysmon from its deep sleep (runtime/proc.go
 * reentersyscall, entersyscallWakeSysmon): two of a rarely called
 * worker's context switches and a third of its CPU per call
 * (docs/benchmarks.md, "A rarely called worker's scheduler cost"). Such a
 * step must not call into Go, and a wait in it holds the P, so it waits
 * for nothing but the rest of a frame whose start has come; it answers
 * GOFN_CLI_SLOW otherwise. One argument, as asmcgocall passes it; the
 * result is the step's. */
typedef struct gofn_cli_raw {
	gofn_cli_session *s;
	gofn_cli_call *c; /* next */
	const uint8_t *out;
	size_t outlen;
	const char *err;
	size_t errlen;
	int failed; /* finish */
} gofn_cli_raw;
int gofn_cli_next_raw(void *raw);
int gofn_cli_finish_raw(void *raw);

/* -parse x.o: print the object's symbols and relocations (cli_parse.c). */
int gofn_cli_parse(int argc, char **argv);

/* -o a.o ... -run sym [-times N] [-in FILE]: load and call (cli_run.c).
 * An exit code, or GOFN_CLI_DRIVE with *s filled in. */
int gofn_cli_run(int argc, char **argv, gofn_cli_session *s);

/* -sandbox ...: re-run the rest of the command confined (cli_sandbox.c);
 * the confined child's -run is a session like -run's. */
int gofn_cli_sandbox(int argc, char **argv, gofn_cli_session *s);

/* -worker: serve gofnd over the control channel (cli_worker.c), a session:
 * each INVOKE is a call, every other request is served inside next. */
int gofn_cli_worker(int argc, char **argv, gofn_cli_session *s);

#endif
