/* The system-call filter a worker installs on itself (gofn_sandbox_enter).
 *
 * Three verdicts, chosen so tenant Go code sees ordinary errors where a
 * program may reasonably try something (files, network) and the worker dies
 * where only an attack would go (ptrace, mount, bpf, execve, ...):
 *   allow   what the Go runtime (runtime/sys_linux_amd64.s, os_linux.go),
 *           glibc's thread start (cgo) and the loader need, argument-filtered
 *           where an argument turns a harmless call into a harmful one;
 *   errno   file and network calls (EACCES), newer calls with an older
 *           fallback (ENOSYS), signals to others (EPERM);
 *   trap    everything else: SIGSYS, whose handler reports the number on the
 *           report fd and exits with GOFN_SANDBOX_SIGSYS_EXIT. The syscall
 *           itself never runs. */
#include "sandbox/sandbox.h"
#include "sandbox/setxid.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <linux/prctl.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef PR_SET_VMA
#define PR_SET_VMA 0x53564d41 /* Go >= 1.25 names its anonymous mappings */
#endif

/* Where the SIGSYS handler writes; fixed before the filter goes on. */
static int report_fd = 2;

static size_t fmt_uint(char *p, unsigned long v)
{
	char tmp[24];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	return n;
}

/* Async-signal-safe: raw write and exit only. The parent parses this line
 * (gofn_sandbox_parse_report), so its format is part of the contract. */
static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	static const char head[] = "gofn-sandbox: blocked syscall ";
	char line[64];
	size_t n = sizeof head - 1;

	(void)sig;
	(void)uc;
	memcpy(line, head, n);
	n += fmt_uint(line + n, (unsigned long)(unsigned)si->si_syscall);
	line[n++] = '\n';
	syscall(SYS_write, report_fd, line, n);
	syscall(SYS_exit_group, GOFN_SANDBOX_SIGSYS_EXIT);
}

/* The number is what the kernel put in si_syscall, printed unsigned: any
 * 32-bit value, 0xffffffff included (syscall(-1) still passes the filter,
 * whose default verdict traps it). Returns 0 and sets *nr, or -1. */
int gofn_sandbox_parse_report(const char *buf, size_t len, long *nr)
{
	static const char head[] = "gofn-sandbox: blocked syscall ";
	const size_t hl = sizeof head - 1;
	uint64_t v = 0;
	size_t i;

	for (size_t at = 0; at + hl <= len; at++) {
		if (memcmp(buf + at, head, hl) != 0)
			continue;
		v = 0;
		for (i = at + hl; i < len && buf[i] >= '0' && buf[i] <= '9' && v <= UINT32_MAX; i++)
			v = v * 10 + (uint64_t)(buf[i] - '0');
		if (i > at + hl && v <= UINT32_MAX) {
			*nr = (long)v;
			return 0;
		}
	}
	return -1;
}

/* Plain allow: the runtime's own set plus what glibc threads and the loader use. */
static const int allowed[] = {
    SCMP_SYS(read),
    SCMP_SYS(write),
    SCMP_SYS(readv),
    SCMP_SYS(writev),
    SCMP_SYS(pread64),
    SCMP_SYS(pwrite64),
    SCMP_SYS(close),
    SCMP_SYS(lseek),
    SCMP_SYS(fstat),
    SCMP_SYS(dup),
    SCMP_SYS(dup3),
    SCMP_SYS(fcntl),
    SCMP_SYS(pipe2),
    SCMP_SYS(mmap),
    SCMP_SYS(munmap),
    SCMP_SYS(mprotect),
    SCMP_SYS(mremap),
    SCMP_SYS(madvise),
    SCMP_SYS(mincore),
    SCMP_SYS(brk),
    SCMP_SYS(rt_sigprocmask),
    SCMP_SYS(rt_sigreturn),
    SCMP_SYS(sigaltstack),
    SCMP_SYS(sched_yield),
    SCMP_SYS(sched_getaffinity),
    SCMP_SYS(nanosleep),
    SCMP_SYS(clock_nanosleep),
    SCMP_SYS(clock_gettime),
    SCMP_SYS(clock_getres),
    SCMP_SYS(gettimeofday),
    SCMP_SYS(time),
    SCMP_SYS(getpid),
    SCMP_SYS(gettid),
    SCMP_SYS(getppid),
    SCMP_SYS(getuid),
    SCMP_SYS(geteuid),
    SCMP_SYS(getgid),
    SCMP_SYS(getegid),
    SCMP_SYS(getcwd),
    SCMP_SYS(uname),
    SCMP_SYS(getrandom),
    SCMP_SYS(setitimer),
    SCMP_SYS(getitimer),
    SCMP_SYS(timer_settime),
    SCMP_SYS(timer_gettime),
    SCMP_SYS(timer_delete),
    SCMP_SYS(timer_getoverrun),
    SCMP_SYS(epoll_create1),
    SCMP_SYS(epoll_ctl),
    SCMP_SYS(epoll_wait),
    SCMP_SYS(epoll_pwait),
    SCMP_SYS(epoll_pwait2),
    SCMP_SYS(eventfd2),
    SCMP_SYS(poll),
    SCMP_SYS(ppoll),
    SCMP_SYS(pselect6),
    SCMP_SYS(select),
    SCMP_SYS(exit),
    SCMP_SYS(exit_group),
    SCMP_SYS(restart_syscall),
    SCMP_SYS(set_robust_list),
    SCMP_SYS(rseq),
    SCMP_SYS(set_tid_address),
    SCMP_SYS(getrusage),
    SCMP_SYS(getrlimit),
};

/* Calls a program may make for files or the network: an error, not a death. */
static const int eacces[] = {
    SCMP_SYS(open),	     SCMP_SYS(openat),	    SCMP_SYS(creat),	  SCMP_SYS(stat),
    SCMP_SYS(lstat),	     SCMP_SYS(newfstatat),  SCMP_SYS(access),	  SCMP_SYS(faccessat),
    SCMP_SYS(readlink),	     SCMP_SYS(readlinkat),  SCMP_SYS(getdents64), SCMP_SYS(mkdir),
    SCMP_SYS(mkdirat),	     SCMP_SYS(rmdir),	    SCMP_SYS(unlink),	  SCMP_SYS(unlinkat),
    SCMP_SYS(rename),	     SCMP_SYS(renameat),    SCMP_SYS(renameat2),  SCMP_SYS(link),
    SCMP_SYS(linkat),	     SCMP_SYS(symlink),	    SCMP_SYS(symlinkat),  SCMP_SYS(chmod),
    SCMP_SYS(fchmod),	     SCMP_SYS(fchmodat),    SCMP_SYS(chown),	  SCMP_SYS(fchown),
    SCMP_SYS(lchown),	     SCMP_SYS(fchownat),    SCMP_SYS(truncate),	  SCMP_SYS(ftruncate),
    SCMP_SYS(chdir),	     SCMP_SYS(fchdir),	    SCMP_SYS(mknod),	  SCMP_SYS(mknodat),
    SCMP_SYS(utimensat),     SCMP_SYS(statfs),	    SCMP_SYS(fstatfs),	  SCMP_SYS(memfd_create),
    SCMP_SYS(inotify_init1), SCMP_SYS(socket),	    SCMP_SYS(socketpair), SCMP_SYS(connect),
    SCMP_SYS(bind),	     SCMP_SYS(listen),	    SCMP_SYS(accept),	  SCMP_SYS(accept4),
    SCMP_SYS(sendto),	     SCMP_SYS(recvfrom),    SCMP_SYS(sendmsg),	  SCMP_SYS(sendmmsg),
    SCMP_SYS(recvmmsg),	     SCMP_SYS(shutdown),    SCMP_SYS(getsockopt), SCMP_SYS(setsockopt),
    SCMP_SYS(getsockname),   SCMP_SYS(getpeername), SCMP_SYS(wait4),	  SCMP_SYS(waitid),
};

/* Host-wide facts a tenant does not need: sysinfo reports the host's RAM,
 * load and process count, none of which a namespace hides. */
static const int eperm[] = {
    SCMP_SYS(sysinfo),
};

/* Newer calls whose callers fall back to an older one on ENOSYS. */
static const int enosys[] = {
    SCMP_SYS(clone3),
    SCMP_SYS(openat2),
    SCMP_SYS(faccessat2),
    SCMP_SYS(statx),
};

static int add_list(scmp_filter_ctx ctx, uint32_t action, const int *nrs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (seccomp_rule_add(ctx, action, nrs[i], 0) < 0)
			return nrs[i];
	return -1;
}

#define ADD(ctx, action, nr, ...)                                                                  \
	do {                                                                                       \
		int rc_ = seccomp_rule_add(ctx, action, nr, __VA_ARGS__);                          \
		if (rc_ < 0)                                                                       \
			return gofn_errf(err, GOFN_ESYS, "seccomp rule for %s: %s", #nr,           \
					 strerror(-rc_));                                          \
	} while (0)

/* Rules whose verdict depends on an argument. */
static int add_arg_rules(scmp_filter_ctx ctx, gofn_err *err)
{
	const scmp_datum_t self = (scmp_datum_t)getpid();
	const scmp_datum_t thread = CLONE_VM | CLONE_THREAD | CLONE_SIGHAND;
	const scmp_datum_t clone_mask = thread | CLONE_NEWNS | CLONE_NEWUSER | CLONE_NEWPID |
					CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS |
					CLONE_NEWCGROUP | CLONE_PTRACE | CLONE_VFORK;
	const scmp_datum_t futex_ops[] = {FUTEX_WAIT_PRIVATE, FUTEX_WAKE_PRIVATE,
					  FUTEX_WAIT_BITSET_PRIVATE, FUTEX_WAKE_BITSET_PRIVATE};

	/* A new thread of this process, never a new process or namespace. */
	ADD(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
	    SCMP_A0_64(SCMP_CMP_MASKED_EQ, clone_mask, thread));
	/* Only the wait/wake ops the runtime and glibc use; not requeue or PI. */
	for (size_t i = 0; i < sizeof futex_ops / sizeof futex_ops[0]; i++)
		ADD(ctx, SCMP_ACT_ALLOW, SCMP_SYS(futex), 1,
		    SCMP_A1_32(SCMP_CMP_MASKED_EQ, ~(uint32_t)FUTEX_CLOCK_REALTIME, futex_ops[i]));
	/* Signals only to itself (preemption, profiling, raise). */
	ADD(ctx, SCMP_ACT_ALLOW, SCMP_SYS(kill), 1, SCMP_A0_32(SCMP_CMP_EQ, self));
	ADD(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(kill), 1, SCMP_A0_32(SCMP_CMP_NE, self));
	ADD(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1, SCMP_A0_32(SCMP_CMP_EQ, self));
	ADD(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(tgkill), 1, SCMP_A0_32(SCMP_CMP_NE, self));
	ADD(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(tkill), 0);
	/* The SIGSYS reporter must stay: replacing it could hide a refused call. */
	ADD(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(rt_sigaction), 1, SCMP_A0_32(SCMP_CMP_EQ, SIGSYS));
	ADD(ctx, SCMP_ACT_ALLOW, SCMP_SYS(rt_sigaction), 1, SCMP_A0_32(SCMP_CMP_NE, SIGSYS));
	/* Reading limits is fine, changing them is not. */
	ADD(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64), 1, SCMP_A2_64(SCMP_CMP_EQ, 0));
	ADD(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(prlimit64), 1, SCMP_A2_64(SCMP_CMP_NE, 0));
	ADD(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(setrlimit), 0);
	/* pprof: per-thread CPU timers only. */
	ADD(ctx, SCMP_ACT_ALLOW, SCMP_SYS(timer_create), 1,
	    SCMP_A0_32(SCMP_CMP_EQ, CLOCK_THREAD_CPUTIME_ID));
	ADD(ctx, SCMP_ACT_ALLOW, SCMP_SYS(timer_create), 1,
	    SCMP_A0_32(SCMP_CMP_EQ, CLOCK_PROCESS_CPUTIME_ID));
	/* prctl: the runtime's mapping names; the rest (dumpable, seccomp...) refused. */
	ADD(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1, SCMP_A0_32(SCMP_CMP_EQ, PR_SET_VMA));
	ADD(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(prctl), 1, SCMP_A0_32(SCMP_CMP_NE, PR_SET_VMA));
	/* gofnd's control socket, fd 3 (api/frame.h): requests arrive with their
	 * stdout/stderr pipes attached (SCM_RIGHTS), which needs recvmsg. */
	ADD(ctx, SCMP_ACT_ALLOW, SCMP_SYS(recvmsg), 1, SCMP_A0_32(SCMP_CMP_EQ, 3));
	ADD(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(recvmsg), 1, SCMP_A0_32(SCMP_CMP_NE, 3));
	/* No terminal tricks (TIOCSTI); isatty() just says no. */
	ADD(ctx, SCMP_ACT_ERRNO(ENOTTY), SCMP_SYS(ioctl), 0);
	return 0;
}

static int build_filter(scmp_filter_ctx ctx, gofn_err *err)
{
	int bad, rc;

	if ((bad = add_list(ctx, SCMP_ACT_ALLOW, allowed, sizeof allowed / sizeof allowed[0])) >=
		0 ||
	    (bad = add_list(ctx, SCMP_ACT_ERRNO(EACCES), eacces,
			    sizeof eacces / sizeof eacces[0])) >= 0 ||
	    (bad = add_list(ctx, SCMP_ACT_ERRNO(ENOSYS), enosys,
			    sizeof enosys / sizeof enosys[0])) >= 0 ||
	    (bad = add_list(ctx, SCMP_ACT_ERRNO(EPERM), eperm, sizeof eperm / sizeof eperm[0])) >=
		0)
		return gofn_errf(err, GOFN_ESYS, "seccomp rule for syscall %d refused", bad);
	if (add_arg_rules(ctx, err) < 0)
		return -1;
	/* The thread-sync'd filter must reach threads Go started before us. */
	if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1)) < 0)
		return gofn_errf(err, GOFN_ESYS, "seccomp TSYNC: %s", strerror(-rc));
	/* Other ABIs (int 0x80, x32) would bypass a native-only list: kill. */
	if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS)) < 0)
		return gofn_errf(err, GOFN_ESYS, "seccomp bad-arch action: %s", strerror(-rc));
	return 0;
}

static int install_reporter(int fd, gofn_err *err)
{
	struct sigaction sa;

	report_fd = fd;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigfillset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) < 0)
		return gofn_errsys(err, "sigaction(SIGSYS)");
	/* setuid() traps on every thread, some with SIGSYS blocked (setxid.c). */
	return gofn_sandbox_wrap_setxid(err);
}

int gofn_sandbox_enter(const gofn_sandbox_cfg *cfg, gofn_err *err)
{
	scmp_filter_ctx ctx;
	int rc;

	/* Dumpable is reset by execve, so it is set here, after it. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return gofn_errsys(err, "sandbox enter: PR_SET_DUMPABLE");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return gofn_errsys(err, "sandbox enter: PR_SET_NO_NEW_PRIVS");
	if (install_reporter(cfg && cfg->sigsys_fd >= 0 ? cfg->sigsys_fd : 2, err) < 0)
		return gofn_errctx(err, "sandbox enter");
	ctx = seccomp_init(SCMP_ACT_TRAP);
	if (!ctx)
		return gofn_errf(err, GOFN_ENOMEM, "sandbox enter: seccomp_init failed");
	if (build_filter(ctx, err) < 0) {
		seccomp_release(ctx);
		return gofn_errctx(err, "sandbox enter");
	}
	rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc < 0)
		return gofn_errf(err, GOFN_ESYS, "sandbox enter: seccomp_load: %s", strerror(-rc));
	return 0;
}
