/* Parent side of starting a worker: plan everything, clone into new
 * namespaces (falling back layer by layer where the kernel refuses), write
 * the child's uid/gid maps and cgroup, release it, and wait until it has
 * exec'd or reported the step that failed. */
#include "common/io.h"
#include "sandbox/spawn_plan.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define ALL_NS                                                                                     \
	(CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS)

static int plan_fds(const gofn_sandbox_cfg *cfg, gofn_spawn_plan *p, int devnull, gofn_err *err)
{
	if (cfg->nfds < 3 || cfg->nfds > GOFN_PLAN_MAX_FDS)
		return gofn_errf(err, GOFN_EINVAL, "worker needs 3..%d fds, got %zu",
				 GOFN_PLAN_MAX_FDS, cfg->nfds);
	p->nfds = cfg->nfds;
	for (size_t i = 0; i < cfg->nfds; i++) {
		p->fds[i] = cfg->fds[i] < 0 ? devnull : cfg->fds[i];
		if (fcntl(p->fds[i], F_GETFD) < 0)
			return gofn_errsys(err, "worker fd %zu (%d)", i, cfg->fds[i]);
	}
	return 0;
}

static int write_file(pid_t pid, const char *name, const char *text, gofn_err *err)
{
	char path[64];
	int fd;
	ssize_t n;
	size_t len = strlen(text);

	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return gofn_errsys(err, "open %s", path);
	n = gofn_write_all(fd, text, len);
	close(fd);
	if (n < 0)
		return gofn_errsys(err, "write %s", path);
	return 0;
}

/* Root maps the worker to its tenant's host uid (or nobody), so it owns
 * nothing and can signal nothing of the host or of other tenants, and the
 * kernel's per-user quotas (signals, pipe pages) are per tenant; anyone
 * else can only map itself. */
static int write_id_maps(pid_t pid, int privileged, unsigned host, gofn_err *err)
{
	char map[64];

	snprintf(map, sizeof map, "%d %u 1\n", GOFN_WORKER_UID,
		 privileged ? host : (unsigned)geteuid());
	if (write_file(pid, "uid_map", map, err) < 0)
		return -1;
	if (!privileged && write_file(pid, "setgroups", "deny", err) < 0)
		return -1;
	snprintf(map, sizeof map, "%d %u 1\n", GOFN_WORKER_UID,
		 privileged ? host : (unsigned)getegid());
	return write_file(pid, "gid_map", map, err);
}

/* The child runs in the parent's address space (CLONE_VM, as posix_spawn
 * does) on a stack of its own until it execs: copying gofnd's page tables
 * for a child that replaces them at once, and tearing the copy down again
 * in execve, were 9 % of a spawn's CPU (dup_mmap, exit_mmap;
 * docs/benchmarks.md, "Spawn cost"). Not CLONE_VFORK: the child waits for
 * the parent to write its maps and cgroup. What the sharing asks of the
 * child (child.c): no allocation and no write to memory the parent uses;
 * errno is the spawning thread's (shared TLS), so the child sets it only
 * while the parent is blocked reading its pipes, and its own state is
 * thread-local. Every signal is blocked across the clone, so no handler
 * of the parent's runs on the child's stack before it resets them. */
#define CHILD_STACK (256u << 10)

/* AddressSanitizer keeps its shadow of the stack in the address space, so
 * a child sharing it would rewrite the parent's shadow, and it warns on a
 * stack it did not make: sanitized builds copy the address space (a plain
 * fork in namespaces, the child on its copy of this stack) as before. */
#if defined(__SANITIZE_ADDRESS__)
#define SHARE_VM 0
#else
#define SHARE_VM 1
#endif

typedef struct child_args {
	const gofn_spawn_plan *p;
	int sync_rd, sync_wr, msg_rd, msg_wr;
} child_args;

/* Its own copy of the fd table (no CLONE_FILES): the parent's ends go. */
static int child_main(void *arg)
{
	const child_args *a = arg;
	close(a->sync_wr);
	close(a->msg_rd);
	gofn_sandbox_child(a->p, a->sync_rd, a->msg_wr);
}

static pid_t clone_child(unsigned ns, void *stack, const child_args *a)
{
	sigset_t all, old;
	pid_t pid;
	int saved;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (SHARE_VM) {
		pid = (pid_t)clone(child_main, (char *)stack + CHILD_STACK,
				   (int)ns | CLONE_VM | SIGCHLD, (void *)a);
	} else {
		pid = (pid_t)syscall(SYS_clone, (unsigned long)ns | SIGCHLD, NULL, NULL, NULL, 0UL);
		if (pid == 0)
			child_main((void *)a);
	}
	saved = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return pid;
}

static unsigned ns_layers(unsigned ns)
{
	unsigned l = 0;

	l |= ns & CLONE_NEWUSER ? GOFN_LAYER_USERNS : 0;
	l |= ns & CLONE_NEWPID ? GOFN_LAYER_PIDNS : 0;
	l |= ns & CLONE_NEWNS ? GOFN_LAYER_MNTNS : 0;
	l |= ns & CLONE_NEWNET ? GOFN_LAYER_NETNS : 0;
	l |= ns & CLONE_NEWIPC ? GOFN_LAYER_IPCNS : 0;
	l |= ns & CLONE_NEWUTS ? GOFN_LAYER_UTSNS : 0;
	return l;
}

static void plan_ids(gofn_spawn_plan *p, int privileged)
{
	p->set_ids = 1;
	p->drop_groups = privileged;
	if (p->clone_ns & CLONE_NEWUSER) {
		p->uid = p->gid = GOFN_WORKER_UID;
	} else if (privileged) {
		p->uid = p->gid = p->host_uid;
	} else {
		p->set_ids = 0; /* neither a userns nor root: stays who it is */
	}
}

/* Reads the child's reports until exec closes the pipe. A child on the
 * shared root asks for its uid/gid maps once it has entered its user
 * namespace (child.c, enter_template): they are written, then it is
 * released again on the sync pipe. */
static int await_exec(pid_t pid, const gofn_spawn_plan *p, int sync_wr, int msg_rd,
		      unsigned *layers, int *template_failed, gofn_err *err)
{
	gofn_child_msg m;
	ssize_t n;
	int ready = 0;

	for (;;) {
		n = read(msg_rd, &m, sizeof m);
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0)
			break;
		if (n != sizeof m) {
			kill(pid, SIGKILL);
			gofn_waitpid(pid, NULL, 0);
			return gofn_errf(err, GOFN_ESYS, "worker setup: short report");
		}
		if (m.failed) {
			m.what[sizeof m.what - 1] = 0;
			gofn_waitpid(pid, NULL, 0);
			*template_failed = m.template_step;
			errno = m.err;
			return gofn_errsys(err, "worker setup: %s", m.what);
		}
		if (m.want_maps) {
			if (write_id_maps(pid, geteuid() == 0, p->host_uid, err) < 0 ||
			    gofn_write_all(sync_wr, "m", 1) < 0) {
				kill(pid, SIGKILL);
				gofn_waitpid(pid, NULL, 0);
				return gofn_errctx(err, "worker setup");
			}
			continue;
		}
		*layers |= m.layers;
		ready = 1;
	}
	if (!ready) {
		gofn_waitpid(pid, NULL, 0);
		return gofn_errf(err, GOFN_ESYS, "worker setup: child died before exec");
	}
	return 0;
}

/* cfg->test_fallback starts at a later fallback step, so the suites can
 * prove what holds where a kernel or a container refuses namespaces. */
static size_t first_try(const gofn_sandbox_cfg *cfg)
{
	switch (cfg->test_fallback) {
	case GOFN_FALLBACK_NO_USERNS:
		return 1;
	case GOFN_FALLBACK_NONE:
		return 2;
	case GOFN_FALLBACK_ALL_NS:
		break;
	}
	return 0;
}

static int start(const gofn_sandbox_cfg *cfg, gofn_spawn_plan *p, gofn_sandbox_proc *out,
		 int *template_failed, gofn_err *err)
{
	const int privileged = geteuid() == 0;
	static const unsigned tries[] = {ALL_NS, ALL_NS & ~CLONE_NEWUSER, 0};
	int syncp[2], msgp[2];
	pid_t pid = -1;
	int rc;
	child_args a = {.p = p};
	void *stack = mmap(NULL, CHILD_STACK, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);

	if (stack == MAP_FAILED)
		return gofn_errsys(err, "worker stack");
	if (pipe2(syncp, O_CLOEXEC) < 0) {
		munmap(stack, CHILD_STACK);
		return gofn_errsys(err, "pipe");
	}
	if (pipe2(msgp, O_CLOEXEC) < 0) {
		close(syncp[0]);
		close(syncp[1]);
		munmap(stack, CHILD_STACK);
		return gofn_errsys(err, "pipe");
	}
	a = (child_args){
	    .p = p, .sync_rd = syncp[0], .sync_wr = syncp[1], .msg_rd = msgp[0], .msg_wr = msgp[1]};
	for (size_t i = first_try(cfg); i < sizeof tries / sizeof tries[0]; i++) {
		/* Namespaces without a userns need root; do not try them otherwise. */
		if (tries[i] && !(tries[i] & CLONE_NEWUSER) && !privileged)
			continue;
		p->clone_ns = tries[i];
		plan_ids(p, privileged);
		p->want_cgroupns = tries[i] != 0;
		/* On the shared root the child enters its user and mount
		 * namespaces itself, after the clone (child.c, enter_template). */
		pid = clone_child(tries[i] & CLONE_NEWNS && p->mnt_template >= 0
				      ? tries[i] & ~(unsigned)(CLONE_NEWNS | CLONE_NEWUSER)
				      : tries[i],
				  stack, &a);
		if (pid > 0 || (errno != EPERM && errno != EINVAL && errno != ENOSPC &&
				errno != EUSERS && errno != ENOSYS))
			break;
	}
	close(syncp[0]);
	close(msgp[1]);
	if (pid < 0) {
		rc = gofn_errsys(err, "clone worker");
		goto out;
	}
	out->pid = pid;
	out->layers = ns_layers(p->clone_ns);
	rc = 0;
	if (p->clone_ns & CLONE_NEWUSER && !(p->clone_ns & CLONE_NEWNS && p->mnt_template >= 0))
		rc = write_id_maps(pid, privileged, p->host_uid, err);
	if (rc == 0) {
		int cg = gofn_cgroup_attach(pid, &cfg->limits, p->host_uid, cfg->cpu_own,
					    out->cgroup, sizeof out->cgroup, err);
		rc = cg < 0 ? -1 : 0;
		out->layers |= cg > 0 ? GOFN_LAYER_CGROUP : 0;
		out->layers |= cg > 1 ? GOFN_LAYER_CPU : 0;
	}
	if (rc < 0) {
		kill(pid, SIGKILL);
		gofn_waitpid(pid, NULL, 0);
		gofn_cgroup_remove(out->cgroup);
		goto out;
	}
	if (gofn_write_all(syncp[1], out->layers & GOFN_LAYER_CGROUP ? "c" : "g", 1) < 0) {
		rc = gofn_errsys(err, "release worker");
		kill(pid, SIGKILL);
		gofn_waitpid(pid, NULL, 0);
		goto out;
	}
	rc = await_exec(pid, p, syncp[1], msgp[0], &out->layers, template_failed, err);
	if (rc < 0)
		gofn_cgroup_remove(out->cgroup);
out:
	close(syncp[1]);
	close(msgp[0]);
	/* The child left the stack: it exec'd (the message pipe's end closed
	 * in execve, after the switch to its own address space) or was reaped. */
	munmap(stack, CHILD_STACK);
	return rc;
}

int gofn_sandbox_spawn(const gofn_sandbox_cfg *cfg, gofn_sandbox_proc *out, gofn_err *err)
{
	gofn_spawn_plan p;
	int devnull, rc;

	memset(out, 0, sizeof *out);
	out->pid = -1;
	out->pidfd = -1;
	memset(&p, 0, sizeof p);
	p.argv = cfg->argv;
	p.limits = cfg->limits;
	p.host_uid = cfg->host_uid ? cfg->host_uid : GOFN_NOBODY;
	p.base = access("/tmp", F_OK) == 0 ? "/tmp" : "/mnt";
	p.exefd = open(cfg->exe, O_RDONLY | O_CLOEXEC);
	if (p.exefd < 0)
		return gofn_errsys(err, "sandbox spawn: open %s", cfg->exe);
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0) {
		close(p.exefd);
		return gofn_errsys(err, "sandbox spawn: open /dev/null");
	}
	rc = gofn_rootfs_plan(cfg->exe, &p, err);
	if (rc == 0)
		rc = plan_fds(cfg, &p, devnull, err);
	p.mnt_template = -1;
	if (rc == 0)
		p.mnt_template = gofn_rootfs_template(&p);
	if (rc == 0) {
		int template_failed = 0;
		rc = start(cfg, &p, out, &template_failed, err);
		if (rc < 0 && template_failed) {
			/* a kernel or container refusing a step of the shared
			 * root: every worker builds its own from now on */
			gofn_rootfs_template_off();
			p.mnt_template = -1;
			rc = start(cfg, &p, out, &template_failed, err);
		}
	}
	close(devnull);
	close(p.exefd);
	if (rc < 0)
		return gofn_errctx(err, "sandbox spawn %s", cfg->exe);
	out->layers |= GOFN_LAYER_SECCOMP; /* the worker installs it itself (gofn_sandbox_enter) */
	out->pidfd = (int)syscall(SYS_pidfd_open, out->pid, 0);
	return 0;
}
