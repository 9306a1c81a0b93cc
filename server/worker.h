/* The server's side of one worker process: spawn, LOAD, INVOKE, reap.
 *
 * Each exchange sends one request and waits for its one reply, which
 * carries the call's output (at most max_output bytes per stream, from the
 * memfds LOAD gave the worker). No send and no receive on the control
 * socket outlasts the request's deadline: sends never block, and the reply
 * is waited for in recvmsg with the socket's SO_RCVTIMEO, so the loop
 * measures the call every GOFN_CALLWATCH_CHECK_MS (api/proto.h says what
 * may be said when). When the worker dies, times out or talks
 * nonsense, the outcome says how (status below) and `dead` is set: the
 * caller must gofn_worker_destroy it and use a new one. */
#ifndef GOFN_SERVER_WORKER_H
#define GOFN_SERVER_WORKER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "api/profile.h"
#include "api/proto.h"
#include "common/err.h"
#include "server/callwatch.h"
#include "server/config.h"
#include "server/spawn.h"
#include "server/store.h"

typedef struct gofn_worker {
	gofn_spawned sp;
	pid_t pid; /* 0 once reaped */
	int ctrl;
	char function[40]; /* the function whose object this worker holds */
	int64_t spawned_us;
	int64_t invocations;
	uint64_t calls;		 /* INVOKEs sent: the last one's number (api/proto.h) */
	int64_t first_result_us; /* spawn (for an invocation) to its result; 0 until then */
	int64_t idle_since_ms;	 /* when it went back to the pool (CLOCK_MONOTONIC) */
	/* Its CPU time when its last request (LOAD, INIT, INVOKE) ended, read
	 * once there (cpu_marked): the next call's CPU counts from it
	 * (server/callwatch.h), and the pool's idle watch compares against it. */
	uint64_t idle_cpu_ms;
	int cpu_marked;
	gofn_cpuclock cpu; /* its CPU clock (server/callwatch.h) */
	/* Its stdout and stderr (memfds sent with LOAD, api/proto.h): read
	 * here only when a call ends without a RESULT; -1 before LOAD. */
	int out_fd, err_fd;
	int dead;
	struct gofn_worker *next; /* pool bookkeeping: its tenant's idle workers */
	struct gofn_worker *lru_prev,
	    *lru_next;	   /* pool: every tenant's idle workers, oldest first */
	void *pool_tenant; /* pool: the tenant whose idle worker it is */
	int lru_class;	   /* pool: which of the pool's idle lists */
	uint64_t idle_seq; /* pool: which time it went idle (the idle watch's identity check) */
	struct gofn_worker *reg_next; /* every live worker (gofn_workers_kill_all) */
	int registered;
} gofn_worker;

typedef struct gofn_capture {
	uint8_t *data;
	size_t len;
	int truncated;
} gofn_capture;

typedef struct gofn_outcome {
	gofn_status status; /* gofn_status_name() is the API's "status" */
	int exit_code;
	int err_class;	  /* GOFN_E* when the worker refused (ERROR frame), else 0 */
	char error[1024]; /* the handler's error, the crash, or the refusal */
	gofn_capture out, err, result;
	int64_t duration_us;
	/* pprof profiles the worker took (gzip'd profile.proto), by api/profile.h
	 * kind, or why one is missing */
	gofn_capture profiles[GOFN_PROF_NKINDS];
	char profile_error[GOFN_PROF_NKINDS][160];
	/* The INVOKE never reached the worker: it was gone (died while idle)
	 * before the first byte left. The call can be made on another worker
	 * (gofn_exec_invoke). */
	int undelivered;
} gofn_outcome;

/* Spawns the worker executable exe (server/runtimes.h picks it by Go
 * release) with a tenant's uid and CPU group (NULL: none; server/spawn.h)
 * and waits (until deadline_ms) for its HELLO. */
int gofn_worker_spawn(const gofn_config *c, const char *exe, int confined,
		      const gofn_tenant_box *box, int64_t deadline_ms, gofn_worker **out,
		      gofn_err *e);
/* The same for a prepared worker (server/prepared.h): no tenant yet, the
 * one-time host uid uid (0: nobody), no CPU group until it is bound. */
int gofn_worker_spawn_prepared(const gofn_config *c, const char *exe, int confined, unsigned uid,
			       int64_t deadline_ms, gofn_worker **out, gofn_err *e);

/* LOADs a link unit (objects in link order), then INITs it. Returns 0 with
 * the symbols the worker listed before any tenant code ran (caller frees via
 * gofn_function_clear on a scratch function) or -1 with o filled. A NULL
 * syms_into asks for no list (LOAD's UNLISTED): a cold start's, whose
 * worker then reads no signature but the called one's. */
typedef struct gofn_objbuf {
	const uint8_t *data;
	size_t len;
} gofn_objbuf;

int gofn_worker_load(gofn_worker *w, const gofn_config *c, const gofn_objbuf *objs, size_t nobjs,
		     gofn_function *syms_into, gofn_outcome *o);
/* The same, with the function's environment (INIT's ENV, "KEY=VALUE"
 * each; NULL: none) set before its package init runs. */
int gofn_worker_load_env(gofn_worker *w, const gofn_config *c, const gofn_objbuf *objs,
			 size_t nobjs, const gofn_msg_init *env, gofn_function *syms_into,
			 gofn_outcome *o);

/* INVOKEs symbol; always fills o. */
void gofn_worker_invoke(gofn_worker *w, const gofn_config *c, const char *symbol, const uint8_t *in,
			size_t in_len, int64_t timeout_ms, gofn_outcome *o);
/* The same with the profiles of prof_kinds (api/profile.h bits) taken around
 * the call at prof_hz (0: the runtime's default). */
void gofn_worker_invoke_profiled(gofn_worker *w, const gofn_config *c, const char *symbol,
				 const uint8_t *in, size_t in_len, int64_t timeout_ms,
				 unsigned prof_kinds, int prof_hz, gofn_outcome *o);

/* SIGKILLs every spawned worker, busy or idle, and every one spawned later
 * (shutdown's hard deadline): the threads talking to them see the end of
 * their streams at once. Returns how many it signalled. */
int gofn_workers_kill_all(void);

/* Kills (if alive), reaps and frees. */
void gofn_worker_destroy(gofn_worker *w);

void gofn_outcome_clear(gofn_outcome *o);

#endif
