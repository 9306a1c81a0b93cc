/* Confinement of one worker process that runs tenant code.
 *
 * Two halves, used by both gofnd and `gofn-loader -sandbox`:
 *   - gofn_sandbox_spawn(), in the parent: starts the worker executable in
 *     fresh namespaces, an empty read-only root, a non-root uid, no
 *     capabilities, only the fds it names, an empty environment, rlimits
 *     and (where writable) a cgroup;
 *   - gofn_sandbox_enter(), in the worker itself, after the Go runtime has
 *     started its threads and before any tenant byte is parsed:
 *     no_new_privs and the seccomp filter on every thread (TSYNC).
 * The parent then supervises with gofn_sandbox_wait(): wall-clock timeout,
 * RSS watchdog, and the reason the worker died (which system call, if the
 * filter killed it). docs/security.md explains every layer. */
#ifndef GOFN_SANDBOX_H
#define GOFN_SANDBOX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/clock.h"
#include "common/err.h"

/* Limits shared by the service and the CLI. 0 means "no limit" for each. */
typedef struct gofn_sandbox_limits {
	uint64_t wall_ms;      /* per invocation; the worker is killed when it passes */
	uint64_t cpu_sec;      /* RLIMIT_CPU: SIGXCPU then SIGKILL */
	uint64_t mem_bytes;    /* cgroup memory limit, else the RSS watchdog */
	uint64_t max_threads;  /* RLIMIT_NPROC in the worker's own user ns; pids.max */
	uint64_t fsize_bytes;  /* RLIMIT_FSIZE */
	uint64_t output_bytes; /* cap on what the supervisor copies from stdout/stderr */
	/* The CPU group the worker shares with the other workers of its host
	 * uid (gofnd: its tenant): weight 1..10000 (100 = default share; 0 =
	 * no group), cap in millicores (1000 = one CPU; 0 = none). */
	unsigned cpu_weight, cpu_quota_mcpu;
	unsigned sigpending; /* RLIMIT_SIGPENDING; 0: GOFN_SANDBOX_SIGPENDING */
} gofn_sandbox_limits;

#define GOFN_SANDBOX_DEFAULT_WALL_MS	  10000u
#define GOFN_SANDBOX_DEFAULT_CPU_SEC	  10u
#define GOFN_SANDBOX_DEFAULT_MEM_BYTES	  (256u << 20)
#define GOFN_SANDBOX_DEFAULT_MAX_THREADS  64u
#define GOFN_SANDBOX_DEFAULT_FSIZE_BYTES  (1u << 20)
#define GOFN_SANDBOX_DEFAULT_OUTPUT_BYTES (1u << 20)

void gofn_sandbox_limits_default(gofn_sandbox_limits *l);

/* RLIMIT_SIGPENDING of a worker: the inherited limit (~96k) would let one
 * worker take every queue slot its uid has. */
#define GOFN_SANDBOX_SIGPENDING 1024u

/* RLIMIT_SIGPENDING for each of `workers` confined workers started by this
 * process. A queued signal or POSIX timer is charged to the worker's uid in
 * its own user namespace and again to each namespace's creator up to the
 * initial one (kernel/ucount.c inc_rlimit_get_ucounts), checked there
 * against the creator's limit when the namespace was made: our uid and our
 * limit, for every worker of every tenant. So the per-tenant host uids do not
 * separate this quota; sharing our limit does: all workers together hold at
 * most three quarters of it, the rest stays for us and our uid's other
 * processes. At most GOFN_SANDBOX_SIGPENDING, at least 64 (a Go worker's
 * profiling timers: one per thread). */
unsigned gofn_sandbox_sigpending_share(unsigned workers);

/* RLIMIT_DATA for a worker limited to mem_bytes without a cgroup: a
 * backstop behind the RSS watchdog. Go reserves heap address space
 * PROT_NONE (not counted) but glibc's and the loader's writable mappings
 * are, so it is mem_bytes plus the slack a worker needs idle (measured in
 * docs/security.md). */
uint64_t gofn_sandbox_data_limit(uint64_t mem_bytes);

/* The bounds of a tenant CPU group's settings: cgroup v2 cpu.weight, and
 * a cap over the 100 ms period the sandbox uses (the kernel refuses a
 * quota under 1 ms: 10 millicores). */
#define GOFN_CPU_WEIGHT_MIN 1u
#define GOFN_CPU_WEIGHT_MAX 10000u
#define GOFN_CPU_QUOTA_MIN  10u
#define GOFN_CPU_QUOTA_MAX  1024000u

/* Writes weight and cap (0 = none) into the CPU group of host uid's
 * workers where it exists (cgroup v2 <mount>/gofn/t<uid>, v1
 * cpu/gofn/t<uid>): a change reaches the running workers at once. A group
 * not created yet gets the values when its first worker starts. Returns
 * how many groups were written (0: none exists here), -1 with err set. */
int gofn_sandbox_tenant_cpu(unsigned uid, unsigned weight, unsigned quota_mcpu, gofn_err *err);

/* Parses "-timeout 5s|250ms", "-cpu 3", "-mem 256M", "-threads 32",
 * "-fsize 1M", "-output 64K" into l. Returns 1 if argv[i] was one of these
 * flags (and consumed argv[i+1]), 0 if it is not a limit flag, -1 on a bad
 * value (err set). */
int gofn_sandbox_limits_flag(gofn_sandbox_limits *l, int argc, char **argv, int i, gofn_err *err);

/* Which layers a spawn actually got; the kernel or a container may refuse some. */
enum {
	GOFN_LAYER_USERNS = 1u << 0,
	GOFN_LAYER_PIDNS = 1u << 1,
	GOFN_LAYER_MNTNS = 1u << 2, /* and the empty read-only root */
	GOFN_LAYER_NETNS = 1u << 3,
	GOFN_LAYER_IPCNS = 1u << 4,
	GOFN_LAYER_UTSNS = 1u << 5,
	GOFN_LAYER_CGROUPNS = 1u << 6,
	GOFN_LAYER_CGROUP = 1u << 7, /* memory/pids limits enforced by a cgroup */
	GOFN_LAYER_SECCOMP = 1u << 8,
	GOFN_LAYER_CPU = 1u << 9, /* in its tenant's CPU cgroup (weight, optional cap) */
};

/* How to start a worker. The executable is opened by the parent and run by
 * fd, so the worker's root needs no path to it. */
/* The namespace fallback steps gofn_sandbox_spawn tries in order. */
typedef enum gofn_sandbox_fallback {
	GOFN_FALLBACK_ALL_NS = 0, /* every namespace (the default) */
	GOFN_FALLBACK_NO_USERNS,  /* all but the user namespace (root only) */
	GOFN_FALLBACK_NONE,	  /* no namespace: seccomp, ids, rlimits, fds */
} gofn_sandbox_fallback;

typedef struct gofn_sandbox_cfg {
	const char *exe;   /* path of the worker executable (gofn-loader) */
	char *const *argv; /* argv of the worker, NULL-terminated */
	const int *fds;	   /* fds[i] becomes fd i in the worker; -1 = /dev/null */
	size_t nfds;	   /* at least 3 (stdin, stdout, stderr); all other fds are closed */
	gofn_sandbox_limits limits;
	int sigsys_fd; /* fd number IN THE WORKER where a seccomp kill is reported; -1 = stderr */
	/* Test-only: start at a later fallback step, as if the kernel refused
	 * namespaces, so the escape suites can prove what holds there. It can
	 * only weaken confinement; gofnd never sets it (gofn-loader -sandbox
	 * -test-fallback does, for tests/escape). */
	gofn_sandbox_fallback test_fallback;
	/* Host uid/gid the worker runs as when the supervisor is root (its
	 * tenant's, server/tenant_uid.c); 0 = nobody (65534). */
	unsigned host_uid;
	/* Not in host_uid's CPU group yet (gofnd's prepared workers): on
	 * cgroup v1 in a group of its own with limits' weight and cap, which
	 * gofn_sandbox_join_cpu renames to the tenant's; on v2 in none. */
	int cpu_own;
} gofn_sandbox_cfg;

/* A running worker. */
typedef struct gofn_sandbox_proc {
	pid_t pid;
	int pidfd;	   /* for poll(); -1 if the kernel has no pidfd_open */
	unsigned layers;   /* GOFN_LAYER_* actually active */
	char cgroup[256];  /* cgroup directory created for it ("" if none) */
	uint64_t peak_rss; /* highest RSS the watchdog saw, bytes */
} gofn_sandbox_proc;

/* Starts the worker confined and returns once it has exec'd. A namespace
 * layer is skipped only if the kernel refuses it (EPERM/EINVAL/ENOSPC/
 * EUSERS/ENOSYS); out->layers says what the worker got; anything else is an
 * error. The worker is killed (PR_SET_PDEATHSIG) when the *thread* that
 * called this exits: call it from a thread that outlives the worker.
 * cfg->test_fallback starts at a later fallback step (tests only). */
int gofn_sandbox_spawn(const gofn_sandbox_cfg *cfg, gofn_sandbox_proc *out, gofn_err *err);

/* In the worker: no_new_privs, a SIGSYS reporter that writes the refused
 * system call to cfg->sigsys_fd, and the seccomp filter on all threads.
 * Only cfg->limits and cfg->sigsys_fd are read. Irreversible. */
int gofn_sandbox_enter(const gofn_sandbox_cfg *cfg, gofn_err *err);

/* Why a worker ended. */
typedef enum gofn_sandbox_end {
	GOFN_END_EXITED = 1, /* status = exit code */
	GOFN_END_SIGNALED,   /* status = signal number */
	GOFN_END_SYSCALL,    /* killed by the seccomp filter; syscall = its number */
	GOFN_END_TIMEOUT,    /* wall clock passed; killed by the supervisor */
	GOFN_END_MEMORY,     /* RSS/cgroup limit passed; killed */
	GOFN_END_CPU,	     /* RLIMIT_CPU */
} gofn_sandbox_end;

typedef struct gofn_sandbox_exit {
	gofn_sandbox_end end;
	int status;
	long syscall; /* -1 unless GOFN_END_SYSCALL (0xffffffff is a real report) */
} gofn_sandbox_exit;

/* The exit code a worker uses after reporting a refused system call, so the
 * parent can tell it from an ordinary exit even without the report. */
#define GOFN_SANDBOX_SIGSYS_EXIT 159 /* 128 + SIGSYS */

/* Parses one report line the worker's SIGSYS reporter wrote
 * ("gofn-sandbox: blocked syscall N\n", N any unsigned 32-bit number):
 * 0 with *nr set, or -1 if buf holds no such line. */
int gofn_sandbox_parse_report(const char *buf, size_t len, long *nr);

/* Waits for the worker (non-blocking if timeout_ms == 0), killing it when the
 * wall clock (limits.wall_ms since `start_ms`, a gofn_now_ms() value)
 * or the memory limit is passed. Returns 1 if it ended (x filled, reaped), 0 if
 * still running, -1 on error. Callers that also pump pipes call it in their
 * poll loop with a small timeout. */
int gofn_sandbox_wait(gofn_sandbox_proc *p, const gofn_sandbox_limits *l, uint64_t start_ms,
		      int timeout_ms, gofn_sandbox_exit *x, gofn_err *err);

/* Puts a worker started with cpu_own or limits.cpu_weight 0 (gofnd's
 * prepared workers, server/prepared.h) into the CPU group of host uid
 * (0: nobody) with l's weight and cap, as if it had been started there.
 * cgroup v1: when no process is in cpu/gofn/t<uid>, the worker's own group
 * is renamed to it (1: no process moved); else the worker joins it and its
 * own group is removed. v2 moves it to a new leaf t<uid>/w<pid> with the
 * same memory and pids limits (what it used before stays charged to the
 * old leaf, which is removed). Adds GOFN_LAYER_CPU to p->layers. 0 when
 * it moved, and when the worker has no cgroup here (nothing to join). */
int gofn_sandbox_join_cpu(gofn_sandbox_proc *p, const gofn_sandbox_limits *l, unsigned uid,
			  gofn_err *err);

/* SIGKILL the worker and reap it; removes its cgroup. Safe to call twice. */
void gofn_sandbox_kill(gofn_sandbox_proc *p);

/* Removes the cgroup and closes the pidfd of a reaped worker. */
void gofn_sandbox_release(gofn_sandbox_proc *p);

/* 1 if the worker's cgroup recorded an OOM kill (memory.max / limit_in_bytes). */
int gofn_sandbox_oom_killed(const gofn_sandbox_proc *p);

/* Resident set size of a process in bytes, from /proc; 0 if unknown. */
uint64_t gofn_sandbox_rss(pid_t pid);

/* CPU time (user + system, all threads, dead ones included) a process has
 * used, in ms, from /proc/PID/stat; 0 if unknown. Clock-tick resolution. */
uint64_t gofn_sandbox_cpu_ms(pid_t pid);

/* "userns,pidns,mntns,netns,ipcns,utsns,cgroupns,cgroup,seccomp" for the given
 * mask, written into buf. Returns buf. */
const char *gofn_sandbox_layers_str(unsigned layers, char *buf, size_t len);

/* The layers this kernel allows, probed once by spawning a trivial child;
 * for /healthz and start-up logs. */
unsigned gofn_sandbox_layers(void);

/* Name of an x86-64 system call number ("ptrace"), "syscall_N" for an
 * unnamed one, "syscall 0xffffffff (no such number)" outside 0..INT_MAX. */
const char *gofn_sandbox_syscall_name(long nr, char *buf, size_t len);

/* Short description of an end for logs: "killed: syscall ptrace refused". */
const char *gofn_sandbox_exit_str(const gofn_sandbox_exit *x, char *buf, size_t len);

#endif
