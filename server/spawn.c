#include "server/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/resource.h>
#include <unistd.h>

#include "api/frame.h"
#include "sandbox/sandbox.h"
#include "server/callwatch.h"
#include "server/log.h"

/* posix_spawn (vfork semantics) is safe from our many threads: the child
 * runs no allocator or lock before exec. Every other server fd is
 * O_CLOEXEC, and closefrom drops anything that is not. */
static int spawn_plain(const char *exe, int prepared, int child_end, gofn_spawned *out, gofn_err *e)
{
	posix_spawn_file_actions_t fa;
	char *argv[] = {(char *)"gofn-loader", (char *)"-worker", (char *)"-unconfined",
			prepared ? (char *)"-prepared" : NULL, NULL};
	char *envp[] = {NULL};

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, child_end, GOFN_WORKER_CTRL_FD);
	posix_spawn_file_actions_addclosefrom_np(&fa, GOFN_WORKER_CTRL_FD + 1);
	int rc = posix_spawn(&out->proc.pid, exe, &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		errno = rc;
		return gofn_errsys(e, "spawn %s", exe);
	}
	out->proc.pidfd = (int)pidfd_open(out->proc.pid, 0);
	return 0;
}

/* The limits a confined worker gets. Time and CPU are enforced by gofnd
 * per invocation (a warm worker lives across many: server/callwatch.c), so
 * the sandbox gets no wall-clock limit and no lifetime RLIMIT_CPU; the
 * worker runs as its tenant's host uid, in its tenant's CPU group. */
static void worker_limits(const gofn_config *c, const gofn_tenant_box *box, gofn_sandbox_limits *l)
{
	gofn_sandbox_limits_default(l);
	l->wall_ms = 0;
	l->cpu_sec = 0;
	l->output_bytes = 0;
	l->mem_bytes = gofn_worker_mem_limit(c);
	l->cpu_weight = box ? box->cpu_weight : (unsigned)c->cpu_weight;
	l->cpu_quota_mcpu = box ? box->cpu_quota_mcpu : (unsigned)c->cpu_quota_pct * 10u;
	l->sigpending = gofn_sandbox_sigpending_share((unsigned)c->max_workers);
}

void gofn_spawn_check_sigpending(const gofn_config *c)
{
	struct rlimit r;
	unsigned share = gofn_sandbox_sigpending_share((unsigned)c->max_workers);
	if (getrlimit(RLIMIT_SIGPENDING, &r) < 0 || r.rlim_cur == RLIM_INFINITY ||
	    (rlim_t)share * (rlim_t)c->max_workers <= r.rlim_cur / 4 * 3)
		return;
	gofn_log("warn", "sigpending_overcommitted",
		 json_pack("{s:I,s:i,s:I,s:s}", "rlimit_sigpending", (json_int_t)r.rlim_cur,
			   "max_workers", c->max_workers, "per_worker", (json_int_t)share, "fix",
			   "lower --max-workers or raise gofnd's RLIMIT_SIGPENDING"));
}

static int spawn_confined(const gofn_config *c, const char *exe, const gofn_tenant_box *box,
			  int prepared, int child_end, gofn_spawned *out, gofn_err *e)
{
	char *argv[] = {(char *)"gofn-loader", (char *)"-worker",
			prepared ? (char *)"-prepared" : NULL, NULL};
	int fds[] = {-1, -1, -1, child_end};
	gofn_sandbox_cfg sc = {.exe = exe, .argv = argv, .fds = fds, .nfds = 4, .sigsys_fd = -1};
	worker_limits(c, box, &sc.limits);
	sc.host_uid = box ? box->uid : 0;
	if (prepared) {
		/* It waits in a CPU group of its own with the flags' settings
		 * (most tenants'), renamed to its tenant's at the bind: no
		 * migration on the call's path (sandbox/cgroup.c). */
		sc.cpu_own = 1;
		worker_limits(c, NULL, &sc.limits);
	}
	return gofn_sandbox_spawn(&sc, &out->proc, e);
}

int gofn_spawned_bind(const gofn_config *c, gofn_spawned *sp, const gofn_tenant_box *box,
		      gofn_err *e)
{
	gofn_sandbox_limits l;

	if (!sp->confined)
		return 0;
	worker_limits(c, box, &l);
	return gofn_sandbox_join_cpu(&sp->proc, &l, box->uid, e);
}

/* Workers are started by one long-lived thread: the sandbox arms
 * PR_SET_PDEATHSIG, which fires when the *thread* that forked exits, and
 * HTTP connection threads come and go. */
typedef struct spawn_req {
	const gofn_config *c;
	const char *exe;
	const gofn_tenant_box *box;
	int confined, prepared, child_end, rc, done;
	gofn_spawned *out;
	gofn_err *e;
	struct spawn_req *next;
} spawn_req;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t posted = PTHREAD_COND_INITIALIZER;
static pthread_cond_t finished = PTHREAD_COND_INITIALIZER;
static spawn_req *queue;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int spawner_ok;

static void *spawner(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&mu);
	for (;;) {
		while (!queue)
			pthread_cond_wait(&posted, &mu);
		spawn_req *r = queue;
		queue = r->next;
		pthread_mutex_unlock(&mu);
		r->rc = r->confined ? spawn_confined(r->c, r->exe, r->box, r->prepared,
						     r->child_end, r->out, r->e)
				    : spawn_plain(r->exe, r->prepared, r->child_end, r->out, r->e);
		pthread_mutex_lock(&mu);
		r->done = 1;
		pthread_cond_broadcast(&finished);
	}
	return NULL;
}

static void start_spawner(void)
{
	pthread_t t;
	sigset_t all, old;

	/* The spawner must not take gofnd's SIGTERM; main waits for it. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	spawner_ok = pthread_create(&t, NULL, spawner, NULL) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (spawner_ok)
		pthread_detach(t);
}

int gofn_spawn_worker(const gofn_config *c, const char *exe, int confined,
		      const gofn_tenant_box *box, int prepared, int child_end, gofn_spawned *out,
		      gofn_err *e)
{
	spawn_req r = {.c = c,
		       .exe = exe,
		       .box = box,
		       .prepared = prepared,
		       .confined = confined,
		       .child_end = child_end,
		       .out = out,
		       .e = e};

	memset(out, 0, sizeof *out);
	out->proc.pidfd = -1;
	out->confined = confined;
	pthread_once(&once, start_spawner);
	if (!spawner_ok)
		return gofn_errf(e, GOFN_ESYS, "spawn: cannot start the spawner thread");
	pthread_mutex_lock(&mu);
	spawn_req **tail = &queue; /* first come, first spawned */
	while (*tail)
		tail = &(*tail)->next;
	*tail = &r;
	pthread_cond_signal(&posted);
	while (!r.done)
		pthread_cond_wait(&finished, &mu);
	pthread_mutex_unlock(&mu);
	return r.rc;
}

void gofn_spawned_release(gofn_spawned *sp)
{
	if (sp->confined) {
		gofn_sandbox_release(&sp->proc);
	} else if (sp->proc.pidfd >= 0) {
		close(sp->proc.pidfd);
	}
	sp->proc.pidfd = -1;
}
