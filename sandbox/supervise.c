/* The parent's watch over a running worker: wall clock, memory, and the
 * reason it ended. */
#include "common/io.h"
#include "sandbox/spawn_plan.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* /proc/PID/NAME into buf (NUL-terminated); its length, or -1. */
static ssize_t read_proc(pid_t pid, const char *name, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = gofn_read_retry(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return n;
}

uint64_t gofn_sandbox_rss(pid_t pid)
{
	char buf[128];
	unsigned long long size = 0, rss = 0;

	if (read_proc(pid, "statm", buf, sizeof buf) < 0 ||
	    sscanf(buf, "%llu %llu", &size, &rss) != 2)
		return 0;
	return (uint64_t)rss * (uint64_t)sysconf(_SC_PAGESIZE);
}

uint64_t gofn_sandbox_cpu_ms(pid_t pid)
{
	char buf[1024];
	unsigned long long ut, st;

	if (read_proc(pid, "stat", buf, sizeof buf) < 0)
		return 0;
	/* comm (field 2) may hold spaces and parentheses: count from the last ')' */
	const char *p = strrchr(buf, ')');
	if (!p ||
	    sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return 0;
	return (uint64_t)(ut + st) * 1000u / (uint64_t)sysconf(_SC_CLK_TCK);
}

int gofn_sandbox_oom_killed(const gofn_sandbox_proc *p)
{
	return gofn_cgroup_oom(p->cgroup);
}

static void classify(gofn_sandbox_proc *p, const gofn_sandbox_limits *l, int status,
		     const struct rusage *ru, gofn_sandbox_exit *x)
{
	x->syscall = -1;
	if (WIFEXITED(status)) {
		x->end = WEXITSTATUS(status) == GOFN_SANDBOX_SIGSYS_EXIT ? GOFN_END_SYSCALL
									 : GOFN_END_EXITED;
		x->status = WEXITSTATUS(status);
		return;
	}
	x->status = WTERMSIG(status);
	x->end = GOFN_END_SIGNALED;
	if (x->status == SIGSYS) {
		x->end = GOFN_END_SYSCALL; /* killed by the filter itself (SCMP_ACT_KILL_PROCESS) */
	} else if (x->status == SIGKILL && l && l->cpu_sec &&
		   (uint64_t)(ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) >= l->cpu_sec) {
		x->end = GOFN_END_CPU;
	} else if (x->status == SIGKILL && gofn_cgroup_oom(p->cgroup)) {
		x->end = GOFN_END_MEMORY;
	}
}

/* Reaps if it ended; 1 = reaped. */
static int reap(gofn_sandbox_proc *p, const gofn_sandbox_limits *l, gofn_sandbox_exit *x,
		gofn_err *err)
{
	struct rusage ru;
	int status;
	pid_t r;

	do
		r = wait4(p->pid, &status, WNOHANG, &ru);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return gofn_errsys(err, "wait worker %d", (int)p->pid);
	if (r == 0)
		return 0;
	classify(p, l, status, &ru, x);
	p->pid = -1;
	return 1;
}

static void force_end(gofn_sandbox_proc *p, gofn_sandbox_end why, gofn_sandbox_exit *x)
{
	gofn_sandbox_kill(p);
	x->end = why;
	x->status = SIGKILL;
	x->syscall = -1;
}

int gofn_sandbox_wait(gofn_sandbox_proc *p, const gofn_sandbox_limits *l, uint64_t start_ms,
		      int timeout_ms, gofn_sandbox_exit *x, gofn_err *err)
{
	uint64_t rss;
	int r;

	if (p->pid <= 0)
		return gofn_errf(err, GOFN_EINVAL, "wait: no running worker");
	if (timeout_ms > 0) {
		struct pollfd pf = {.fd = p->pidfd, .events = POLLIN};
		if (p->pidfd >= 0)
			gofn_poll(&pf, 1, timeout_ms);
		else
			usleep((useconds_t)timeout_ms * 1000);
	}
	if ((r = reap(p, l, x, err)) != 0)
		return r;
	if (!l)
		return 0;
	if (l->wall_ms && (uint64_t)gofn_now_ms() - start_ms >= l->wall_ms) {
		force_end(p, GOFN_END_TIMEOUT, x);
		return 1;
	}
	rss = gofn_sandbox_rss(p->pid);
	if (rss > p->peak_rss)
		p->peak_rss = rss;
	if (l->mem_bytes && rss > l->mem_bytes) {
		force_end(p, GOFN_END_MEMORY, x);
		return 1;
	}
	return 0;
}

void gofn_sandbox_kill(gofn_sandbox_proc *p)
{
	if (p->pid > 0) {
		kill(p->pid, SIGKILL);
		gofn_waitpid(p->pid, NULL, 0);
		p->pid = -1;
	}
	gofn_sandbox_release(p);
}

void gofn_sandbox_release(gofn_sandbox_proc *p)
{
	gofn_cgroup_remove(p->cgroup);
	p->cgroup[0] = 0;
	if (p->pidfd >= 0)
		close(p->pidfd);
	p->pidfd = -1;
}

/* Which layers a worker would get here: a clone asking for them (falling
 * back as gofn_sandbox_spawn does) whose child exits at once. */
unsigned gofn_sandbox_layers(void)
{
	static int probed;
	static unsigned cached;
	const unsigned all =
	    CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS;
	const unsigned tries[] = {all, geteuid() == 0 ? all & ~CLONE_NEWUSER : all};

	if (probed)
		return cached;
	for (size_t i = 0; i < 2 && !cached; i++) {
		int st = 1;
		pid_t pid = (pid_t)syscall(SYS_clone, (unsigned long)tries[i] | SIGCHLD, NULL, NULL,
					   NULL, 0UL);
		if (pid == 0)
			_exit(unshare(CLONE_NEWCGROUP) == 0 ? 0 : 1);
		if (pid < 0)
			continue;
		if (gofn_waitpid(pid, &st, 0) < 0)
			continue;
		cached = (tries[i] & CLONE_NEWUSER ? GOFN_LAYER_USERNS : 0) | GOFN_LAYER_PIDNS |
			 GOFN_LAYER_MNTNS | GOFN_LAYER_NETNS | GOFN_LAYER_IPCNS | GOFN_LAYER_UTSNS;
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
			cached |= GOFN_LAYER_CGROUPNS;
	}
	if (gofn_cgroup_available())
		cached |= GOFN_LAYER_CGROUP;
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0)
		cached |= GOFN_LAYER_SECCOMP;
	probed = 1;
	return cached;
}
