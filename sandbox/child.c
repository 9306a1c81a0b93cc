/* The confinement sequence, run in the freshly cloned worker before it execs
 * the worker executable. Read top to bottom: gofn_sandbox_child() is the whole
 * story; each step is one small function. Only async-signal-safe calls are
 * made here (the parent may be multi-threaded), so errors travel to the
 * parent as a fixed struct on msg_wr. Until it execs, the child runs in the
 * parent's address space (spawn.c, clone_child): it writes only its own
 * stack, its thread-local state and the kernel's objects. */
#include "common/io.h"
#include "sandbox/spawn_plan.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Thread-local: the child shares the parent's memory until it execs
 * (spawn.c, clone_child) and its TLS is that of the thread that spawned
 * it, which does not use these; two threads spawning at once each have
 * their own. */
static _Thread_local int msg_fd = -1;
static _Thread_local unsigned layers;

_Noreturn static void fail_as(const char *what, int template_step)
{
	gofn_child_msg m;

	memset(&m, 0, sizeof m);
	m.failed = 1;
	m.template_step = template_step;
	m.err = errno;
	m.layers = layers;
	strncpy(m.what, what, sizeof m.what - 1);
	(void)gofn_write_all(msg_fd, &m, sizeof m);
	_exit(127);
}

_Noreturn static void fail(const char *what)
{
	fail_as(what, 0);
}

/* A step only the shared root takes: the parent retries without it. */
_Noreturn static void fail_template(const char *what)
{
	fail_as(what, 1);
}

/* Handlers do not survive exec, but ignored signals and the mask do; the
 * worker must start as a fresh process would. */
static void reset_signals(void)
{
	struct sigaction sa;
	sigset_t none;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	for (int s = 1; s < NSIG; s++)
		sigaction(s, &sa, NULL); /* SIGKILL/SIGSTOP/reserved ones refuse: fine */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* The parent writes our uid/gid maps and cgroup, then one byte: 'c' if it
 * put us in a cgroup with a pids limit, 'g' otherwise. EOF instead means it
 * died or gave up. */
static int wait_for_parent(int sync_rd)
{
	char c;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		fail("PR_SET_PDEATHSIG");
	if (gofn_read_retry(sync_rd, &c, 1) != 1)
		_exit(127);
	return c == 'c';
}

/* One entry of the new root, relative to it (we are chdir'd into it). */
static void add_entry(const gofn_bind *b)
{
	char at[sizeof b->path + 2];
	int fd;

	at[0] = '.';
	memcpy(at + 1, b->path, strlen(b->path) + 1);
	switch (b->kind) {
	case GOFN_BIND_DIR:
		if (mkdir(at, 0755) < 0 && errno != EEXIST)
			fail("mkdir in new root");
		return;
	case GOFN_BIND_SYMLINK:
		if (symlink(b->target, at) < 0)
			fail("symlink in new root");
		return;
	default:
		fd = open(at, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			fail("mount point in new root");
		close(fd);
		if (mount(b->path, at, NULL, MS_BIND, NULL) < 0)
			fail("bind mount into new root");
	}
}

/* A fresh tmpfs that becomes "/", holding only what rootfs.c planned
 * (/dev/null, the ELF interpreter and libraries, bound one file at a time
 * and remounted read-only later) and a /proc of the new pid namespace (the
 * worker's own processes only). */
static void build_root(const gofn_spawn_plan *p, int for_template)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		fail("make mounts private");
	if (mount("tmpfs", p->base, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "mode=0755,size=64k,nr_inodes=256") < 0)
		fail("mount tmpfs root");
	if (chdir(p->base) < 0)
		fail("chdir new root");
	for (size_t i = 0; i < p->nbinds; i++)
		add_entry(&p->binds[i]);
	if (for_template) {
		/* each worker mounts its own pid namespace's /proc here */
		if (mkdir("proc", 0555) < 0)
			fail("mkdir /proc");
	} else if (p->clone_ns & CLONE_NEWPID) {
		if (mkdir("proc", 0555) < 0)
			fail("mkdir /proc");
		/* Refused where the host /proc is partly hidden (containers): no /proc then. */
		if (mount("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 &&
		    errno != EPERM)
			fail("mount proc");
	}
}

/* Read-only, keeping the flags the kernel locks on mounts inherited from a
 * more privileged namespace (changing them would be refused). */
static void remount_ro(const char *path, unsigned long extra)
{
	const unsigned long keep =
	    MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME;
	struct statfs st;

	if (statfs(path, &st) < 0)
		fail("statfs before read-only remount");
	if (mount(NULL, path, NULL,
		  MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | extra |
		      ((unsigned long)st.f_flags & keep),
		  NULL) < 0)
		fail("remount read-only");
}

/* pivot_root(".", ".") stacks the old root on the new one; detaching it
 * leaves nothing of the host reachable. */
static void enter_root(const gofn_spawn_plan *p)
{
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		fail("pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		fail("detach old root");
	if (chdir("/") < 0)
		fail("chdir /");
	for (size_t i = 0; i < p->nbinds; i++) {
		const gofn_bind *b = &p->binds[i];
		if (b->kind == GOFN_BIND_FILE)
			remount_ro(b->path, MS_NODEV);
		else if (b->kind == GOFN_BIND_DEVICE)
			remount_ro(b->path, MS_NOEXEC);
	}
	remount_ro("/", MS_NOEXEC | MS_NODEV);
}

/* The shared root (sandbox/template.c): as root of the host's user
 * namespace, join the template's mount namespace (already pivoted into the
 * read-only root: no pivot_root here, whose chroot_fs_refs walks every
 * thread on the host), take a private copy of it, mount our pid namespace's
 * /proc, and only then enter a user namespace of our own, whose maps the
 * parent writes when asked. Every namespace but the user one is owned by the
 * host's, so the worker holds no capability over any of them. */
static void enter_template(const gofn_spawn_plan *p, int sync_rd)
{
	gofn_child_msg m;
	char c;

	if (p->clone_ns & CLONE_NEWUTS && sethostname("gofn", 4) < 0)
		fail("sethostname");
	if (setns(p->mnt_template, CLONE_NEWNS) < 0)
		fail_template("join the worker root's template");
	if (unshare(CLONE_NEWNS) < 0)
		fail_template("copy the worker root's template");
	if (p->clone_ns & CLONE_NEWPID &&
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		fail_template("mount proc");
	if (!(p->clone_ns & CLONE_NEWUSER))
		return;
	if (unshare(CLONE_NEWUSER) < 0)
		fail_template("unshare user namespace");
	memset(&m, 0, sizeof m);
	m.want_maps = 1;
	if (gofn_write_all(msg_fd, &m, sizeof m) < 0 || gofn_read_retry(sync_rd, &c, 1) != 1)
		_exit(127);
}

/* fds[i] -> i for every named fd; then, close-on-exec, the exe, the message
 * pipe and the sync pipe; everything else closed. Copies go above every fd we
 * may still read from first, so no dup2 clobbers a source. */
static void arrange_fds(const gofn_spawn_plan *p, int *exefd, int *sync_rd)
{
	int hi[GOFN_PLAN_MAX_FDS + 3];
	const int n = (int)p->nfds;
	const int base = n + 3 + 64;
	int *const own[3] = {exefd, &msg_fd, sync_rd};

	for (int i = 0; i < n; i++)
		if ((hi[i] = fcntl(p->fds[i], F_DUPFD_CLOEXEC, base)) < 0)
			fail("dup worker fd");
	for (int k = 0; k < 3; k++)
		if ((hi[n + k] = fcntl(*own[k], F_DUPFD_CLOEXEC, base)) < 0)
			fail("dup own fd");
	for (int i = 0; i < n; i++)
		if (dup2(hi[i], i) < 0)
			fail("dup2 worker fd");
	for (int k = 0; k < 3; k++) {
		if (dup3(hi[n + k], n + k, O_CLOEXEC) < 0)
			fail("dup3 own fd");
		*own[k] = n + k;
	}
	if (syscall(SYS_close_range, n + 3, ~0U, 0) < 0)
		fail("close_range");
}

static void set_limit(int res, uint64_t v)
{
	struct rlimit r = {.rlim_cur = v, .rlim_max = v};

	if (setrlimit(res, &r) < 0)
		fail("setrlimit");
}

/* RLIMIT_NPROC counts every task of the uid in its user namespace. In our
 * own user namespace that is this worker alone; without one the uid is
 * shared by all workers, so the limit would cap them together: leave the
 * count to pids.max when a cgroup holds it.
 * RLIMIT_CPU is a lifetime total: pooled workers (cpu_sec 0) are held to a
 * per-call budget by their supervisor instead (server/cpu_budget.c).
 * Queued signals and POSIX timers: see gofn_sandbox_sigpending_share.
 * RLIMIT_DATA backs up the RSS watchdog where
 * no cgroup limits memory (gofn_sandbox_data_limit). */
static void set_limits(const gofn_sandbox_limits *l, int shared_uid_and_cgroup, int in_cgroup)
{
	if (l->cpu_sec) {
		/* SIGXCPU at the soft limit is ignored by Go; SIGKILL follows a second later. */
		struct rlimit r = {.rlim_cur = l->cpu_sec, .rlim_max = l->cpu_sec + 1};
		if (setrlimit(RLIMIT_CPU, &r) < 0)
			fail("setrlimit CPU");
	}
	if (l->max_threads && !shared_uid_and_cgroup)
		set_limit(RLIMIT_NPROC, l->max_threads);
	if (l->fsize_bytes)
		set_limit(RLIMIT_FSIZE, l->fsize_bytes);
	if (!in_cgroup && l->mem_bytes)
		set_limit(RLIMIT_DATA, gofn_sandbox_data_limit(l->mem_bytes));
	set_limit(RLIMIT_SIGPENDING, l->sigpending ? l->sigpending : GOFN_SANDBOX_SIGPENDING);
	set_limit(RLIMIT_CORE, 0);
	set_limit(RLIMIT_MEMLOCK, 0);
	set_limit(RLIMIT_MSGQUEUE, 0);
	set_limit(RLIMIT_NOFILE, 256);
}

/* Our outside uid (root) has no inside mapping, so the kernel does not count
 * us as the namespace's root: switching to the worker uid keeps the caps the
 * new namespace gave us, and files we create in the new root get a mapped
 * owner. Without a user namespace the switch clears the caps, so it comes
 * last (drop_privileges). */
static void switch_ids(const gofn_spawn_plan *p)
{
	if (!p->set_ids)
		return;
	/* Raw calls: glibc's wrappers would broadcast the change to the
	 * parent's other threads, which do not exist in this child. */
	if (p->drop_groups && syscall(SYS_setgroups, 0, NULL) < 0)
		fail("setgroups");
	if (syscall(SYS_setresgid, p->gid, p->gid, p->gid) < 0)
		fail("setresgid");
	if (syscall(SYS_setresuid, p->uid, p->uid, p->uid) < 0)
		fail("setresuid");
}

/* Bounding set first (needs CAP_SETPCAP), then ids, then whatever caps
 * survived the id change, so exec starts with none at all. */
static void drop_privileges(const gofn_spawn_plan *p)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct d[2];

	for (int c = 0; c <= 63; c++)
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL && errno != EPERM)
			fail("PR_CAPBSET_DROP");
	if (!(p->clone_ns & CLONE_NEWUSER))
		switch_ids(p);
	memset(d, 0, sizeof d);
	if (syscall(SYS_capset, &h, d) < 0)
		fail("capset");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		fail("clear ambient caps");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		fail("PR_SET_NO_NEW_PRIVS");
	/* Changing ids cleared the parent-death signal; set it again and make
	 * sure the parent did not die in between. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		fail("PR_SET_PDEATHSIG");
}

static void check_parent_alive(int sync_rd)
{
	struct pollfd pf = {.fd = sync_rd, .events = POLLIN};

	if (poll(&pf, 1, 0) > 0 && (pf.revents & (POLLHUP | POLLERR)))
		_exit(127);
}

_Noreturn void gofn_sandbox_child(const gofn_spawn_plan *p, int sync_rd, int msg_wr)
{
	static char *const empty_env[] = {NULL};
	int exefd = p->exefd;
	/* the shared root (template.c) stands in for our own mount namespace */
	const int shared = p->mnt_template >= 0 && (p->clone_ns & CLONE_NEWNS);
	gofn_child_msg ready;
	int in_cgroup;

	msg_fd = msg_wr;
	layers = 0;
	/* Nothing here sets errno (the spawning thread's, which the parent
	 * reads while it writes our maps and cgroup) until the parent is
	 * done and waits on our pipe: reset_signals' refused calls come after.
	 * Every signal stays blocked until then (clone_child). */
	in_cgroup = wait_for_parent(sync_rd);
	reset_signals();
	if (setsid() < 0)
		fail("setsid");
	if (shared)
		enter_template(p, sync_rd);
	if (p->clone_ns & CLONE_NEWUSER)
		switch_ids(p);
	if (p->want_cgroupns && unshare(CLONE_NEWCGROUP) == 0)
		layers |= GOFN_LAYER_CGROUPNS;
	if (!shared && p->clone_ns & CLONE_NEWUTS && sethostname("gofn", 4) < 0)
		fail("sethostname");
	if (shared) {
		/* setns put us at the shared root, cwd included */
	} else if (p->clone_ns & CLONE_NEWNS) {
		build_root(p, 0);
		enter_root(p);
	} else if (chdir("/") < 0)
		fail("chdir /");
	arrange_fds(p, &exefd, &sync_rd);
	set_limits(&p->limits, in_cgroup && !(p->clone_ns & CLONE_NEWUSER), in_cgroup);
	drop_privileges(p);
	check_parent_alive(sync_rd);
	close(sync_rd);

	memset(&ready, 0, sizeof ready);
	ready.layers = layers;
	if (gofn_write_all(msg_fd, &ready, sizeof ready) < 0)
		_exit(127);
	syscall(SYS_execveat, exefd, "", p->argv, empty_env, AT_EMPTY_PATH);
	fail("execveat worker");
}

/* The template's builder (sandbox/template.c): cloned into a mount
 * namespace of its own, it builds the root as a worker would, without a
 * /proc, reports, and holds the namespace until the parent has opened it. */
_Noreturn void gofn_sandbox_template_child(const gofn_spawn_plan *p, int sync_rd, int msg_wr)
{
	gofn_child_msg ready;
	char c;

	msg_fd = msg_wr;
	layers = 0;
	build_root(p, 1);
	enter_root(p);
	memset(&ready, 0, sizeof ready);
	if (gofn_write_all(msg_fd, &ready, sizeof ready) < 0)
		_exit(127);
	(void)gofn_read_retry(sync_rd, &c, 1);
	_exit(0);
}
