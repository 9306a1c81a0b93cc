/* Escape attempts, each trying exactly one thing from inside the sandbox.
 * An attempt that the kernel lets through prints ESCAPED:<name>; one that
 * fails prints denied:<name> and the error; one the filter kills prints
 * nothing (the supervisor reports the system call). tests/escape decides
 * which of these each attempt must end in.
 *
 * Linked only into tests/gofn-loader-escape, the test build of gofn-loader:
 * this definition fills the weak gofn_sandbox_attempt that
 * loader/host/cli/cli_sandbox.c calls for `-sandbox -selftest NAME [ARG]`. */

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static const char *arg;

/* rc < 0: the attempt failed with errno; otherwise it worked. */
static int verdict(const char *name, long rc)
{
	if (rc < 0 && errno == 0) /* not an attack; it printed its own result */
		return 0;
	if (rc < 0) {
		printf("denied:%s: %s\n", name, strerror(errno));
		return 0;
	}
	printf("ESCAPED:%s\n", name);
	return 0;
}

static long open_path(const char *p, int flags)
{
	return open(p, flags | O_CLOEXEC, 0644);
}

static long a_read_passwd(void)
{
	return open_path("/etc/passwd", O_RDONLY);
}
static long a_read_datadir(void)
{
	return open_path(arg ? arg : "/var/lib/gofn", O_RDONLY | O_DIRECTORY);
}
static long a_write_file(void)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/escaped", arg ? arg : "/tmp");
	return open_path(p, O_WRONLY | O_CREAT | O_TRUNC);
}
static long a_write_root(void)
{
	return open_path("/escaped", O_WRONLY | O_CREAT);
}
static long a_list_procs(void)
{
	return open_path("/proc", O_RDONLY | O_DIRECTORY);
}
static long a_proc_environ(void)
{
	return open_path("/proc/self/environ", O_RDONLY);
}
static long a_tcp_socket(void)
{
	return socket(AF_INET, SOCK_STREAM, 0);
}
static long a_udp_socket(void)
{
	return socket(AF_INET6, SOCK_DGRAM, 0);
}
static long a_unix_socket(void)
{
	return socket(AF_UNIX, SOCK_STREAM, 0);
}
static long a_netlink_socket(void)
{
	return socket(AF_NETLINK, SOCK_RAW, 0);
}
static long a_packet_socket(void)
{
	return socket(AF_PACKET, SOCK_RAW, 0);
}
static long a_socketpair(void)
{
	int sv[2];
	return socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
}
/* Connects to the port the test itself listens on (arg). A socket fd from
 * anywhere is tried too: fd 3..63 (none should be a socket). */
static long a_connect_loopback(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_port = htons((uint16_t)atoi(arg ? arg : "1")),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	long fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd >= 0)
		return connect((int)fd, (struct sockaddr *)&sa, sizeof sa);
	for (int i = 3; i < 64; i++)
		if (connect(i, (struct sockaddr *)&sa, sizeof sa) == 0)
			return 0;
	return -1;
}
static long a_exec_shell(void)
{
	char *const av[] = {"/bin/sh", "-c", "echo ESCAPED:exec_shell", NULL};
	return execve("/bin/sh", av, NULL);
}
static long a_execveat(void)
{
	char *const av[] = {"sh", NULL};
	return syscall(SYS_execveat, AT_FDCWD, "/bin/sh", av, NULL, 0);
}
static long a_fork(void)
{
	pid_t p = fork();
	if (p == 0)
		_exit(0);
	return p;
}
static long a_vfork(void)
{
	return syscall(SYS_vfork);
}
static long a_clone_newuser(void)
{
	return syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, 0);
}
static long a_clone3(void)
{
	uint64_t args[11] = {0};
	args[4] = SIGCHLD; /* exit_signal */
	long r = syscall(SYS_clone3, args, sizeof args);
	if (r == 0)
		_exit(0);
	return r;
}
static long a_ptrace_traceme(void)
{
	return ptrace(PTRACE_TRACEME, 0, NULL, NULL);
}
static long a_ptrace_parent(void)
{
	return ptrace(PTRACE_ATTACH, arg ? atoi(arg) : getppid(), NULL, NULL);
}
static long a_process_vm_readv(void)
{
	return syscall(SYS_process_vm_readv, arg ? atoi(arg) : 1, NULL, 0, NULL, 0, 0);
}
/* Signals the host process that runs the test (arg: its host pid). */
static long a_kill_parent(void)
{
	return kill(arg ? atoi(arg) : getppid(), SIGTERM);
}
static long a_kill_all(void)
{
	return kill(-1, SIGKILL);
}
static long a_kill_init(void)
{
	/* In its own pid namespace the worker is pid 1: the host's init has no
	 * pid it could name. */
	if (getpid() == 1) {
		errno = ESRCH;
		return -1;
	}
	return kill(1, 0);
}
static long a_setuid_root(void)
{
	return setuid(0);
}
/* glibc's setuid makes every thread repeat the call (SIGSETXID). One thread
 * here blocks all it can, as Go's cgo thread start does: glibc leaves only
 * its own SIGSETXID open, so that thread traps with SIGSYS blocked. The
 * report must still name setuid (sandbox/setxid.c). */
static pthread_barrier_t masked_ready;
static void *masked_idle(void *x)
{
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, NULL);
	pthread_barrier_wait(&masked_ready);
	for (;;)
		sleep(60); /* nanosleep: allowed (pause is not) */
	return x;
}
static long a_setuid_masked(void)
{
	pthread_t t;
	int e;
	pthread_barrier_init(&masked_ready, NULL, 2);
	if ((e = pthread_create(&t, NULL, masked_idle, NULL)) != 0) {
		errno = e;
		return -1;
	}
	pthread_barrier_wait(&masked_ready);
	return setuid(0);
}
static long a_mount_tmpfs(void)
{
	return mount("none", "/", "tmpfs", 0, NULL);
}
static long a_umount_root(void)
{
	return umount2("/", MNT_DETACH);
}
static long a_unshare_user(void)
{
	return unshare(CLONE_NEWUSER);
}
static long a_setns(void)
{
	return syscall(SYS_setns, 0, 0);
}
static long a_chroot(void)
{
	return chroot("/");
}
static long a_pivot_root(void)
{
	return syscall(SYS_pivot_root, "/", "/");
}
static long a_bpf(void)
{
	union bpf_attr a;
	memset(&a, 0, sizeof a);
	return syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof a);
}
static long a_perf_event_open(void)
{
	struct perf_event_attr a;
	memset(&a, 0, sizeof a);
	a.size = sizeof a;
	a.type = PERF_TYPE_SOFTWARE;
	return syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
}
static long a_userfaultfd(void)
{
	return syscall(SYS_userfaultfd, 0);
}
static long a_io_uring_setup(void)
{
	char params[120] = {0};
	return syscall(SYS_io_uring_setup, 8, params);
}
static long a_keyctl(void)
{
	return syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3, 0);
}
static long a_add_key(void)
{
	return syscall(SYS_add_key, "user", "gofn", "x", 1, -3);
}
static long a_raise_nproc(void)
{
	struct rlimit r = {RLIM_INFINITY, RLIM_INFINITY};
	return setrlimit(RLIMIT_NPROC, &r);
}
static long a_raise_cpu(void)
{
	struct rlimit r = {RLIM_INFINITY, RLIM_INFINITY};
	return syscall(SYS_prlimit64, 0, RLIMIT_CPU, &r, NULL);
}
static long a_personality(void)
{
	return syscall(SYS_personality, 0x0040000 /* ADDR_NO_RANDOMIZE */);
}
static long a_reboot(void)
{
	return syscall(SYS_reboot, 0xfee1dead, 672274793, 0x4321fedc, NULL);
}
static long a_init_module(void)
{
	return syscall(SYS_init_module, NULL, 0, "");
}
static long a_iopl(void)
{
	return syscall(SYS_iopl, 3);
}
static long a_syslog(void)
{
	char b[64];
	return syscall(SYS_syslog, 3, b, sizeof b);
}
static long a_open_by_handle(void)
{
	char h[64] = {0};
	return syscall(SYS_open_by_handle_at, AT_FDCWD, h, O_RDONLY);
}
static long a_memfd(void)
{
	return syscall(SYS_memfd_create, "x", 0);
}
static long a_tiocsti(void)
{
	char c = 'x';
	for (int fd = 0; fd < 3; fd++)
		if (ioctl(fd, TIOCSTI, &c) == 0)
			return 0;
	return -1;
}
static long a_dumpable(void)
{
	return prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
}
/* Replacing the SIGSYS reporter would hide which call was refused. */
static long a_replace_sigsys(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	return sigaction(SIGSYS, &sa, NULL);
}
/* The 32-bit ABI has other numbers (11 = execve) and bypasses a
 * native-only list unless the filter checks the architecture. */
static long a_int80_execve(void)
{
	long r;
	static const char sh[] = "/bin/sh";
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(11), "b"(sh), "c"(0), "d"(0) : "memory");
	errno = r < 0 ? (int)-r : 0;
	return r;
}
/* The x32 ABI shares the x86-64 audit arch, numbers offset by 0x40000000. */
static long a_x32_syscall(void)
{
	return syscall(0x40000000 | SYS_getuid);
}
/* -1 is no system call, but the filter still sees it (as 0xffffffff) and
 * traps: the report must name it, not pass for an ordinary exit. */
static long a_syscall_minus1(void)
{
	return syscall(-1L);
}
/* The host's RAM, load and process count: no namespace hides them. */
static long a_sysinfo(void)
{
	char buf[256];
	return syscall(SYS_sysinfo, buf);
}
/* Queued real-time signals are charged to the worker's host uid: with the
 * host's RLIMIT_SIGPENDING one worker could use up every other's share
 * (and their timer_create). The queue must stop at 1024 or fewer. */
static long a_sigqueue_flood(void)
{
	sigset_t rt;
	sigemptyset(&rt);
	sigaddset(&rt, SIGRTMIN);
	pthread_sigmask(SIG_BLOCK, &rt, NULL);
	/* To this thread (it blocks the signal): the runtime's threads do not */
	for (int n = 0; n < 200000; n++) {
		if (syscall(SYS_tgkill, getpid(), gettid(), SIGRTMIN) == 0)
			continue;
		if (n > 1024)
			printf("ESCAPED:sigqueue_flood: %d signals queued\n", n);
		return -1;
	}
	printf("ESCAPED:sigqueue_flood: no limit\n");
	return 0;
}
/* Every fd besides 0-2, the report fd 3 and the objects given on purpose
 * that came in through exec: those lack FD_CLOEXEC (a close-on-exec fd
 * cannot survive exec; the runtime opens its own files close-on-exec). */
static long a_guess_fds(void)
{
	int extra = 0;
	for (int fd = 4; fd < 4096; fd++) {
		int f = fcntl(fd, F_GETFD);
		if (f >= 0 && !(f & FD_CLOEXEC)) {
			printf("inherited fd %d\n", fd);
			extra++;
		}
	}
	if (!extra)
		errno = EBADF;
	return extra ? 0 : -1;
}
static long a_memory_bomb(void)
{
	for (size_t total = 0; total < ((size_t)16 << 30); total += 64 << 20) {
		char *p = malloc(64 << 20);
		if (!p)
			return -1;
		memset(p, 1, 64 << 20);
	}
	return 0;
}
static void *idle(void *x)
{
	for (;;)
		sleep(60);
	return x;
}
static long a_thread_bomb(void)
{
	pthread_t t;
	for (int i = 0; i < 100000; i++) {
		int e = pthread_create(&t, NULL, idle, NULL);
		if (e) {
			errno = e;
			return -1;
		}
	}
	return 0;
}
static long a_infinite_loop(void)
{
	for (volatile unsigned long i = 0;; i++)
		;
	return 0;
}
static long a_stdout_flood(void)
{
	static char buf[1 << 20];
	memset(buf, 'A', sizeof buf);
	for (int i = 0; i < 1024; i++)
		if (write(1, buf, sizeof buf) < 0)
			return -1;
	errno = EFBIG; /* all written: the supervisor must have truncated */
	return -1;
}
/* Not an attack: what pprof's CPU profiler needs (a per-thread CPU timer
 * with SIGPROF delivered to the thread, and ITIMER_PROF) must keep working. */
static volatile sig_atomic_t profs;
static void on_prof(int sig)
{
	(void)sig;
	profs++;
}
static long a_pprof_timers(void)
{
	struct sigaction sa;
	struct sigevent ev;
	struct itimerspec its = {.it_interval = {0, 5000000}, .it_value = {0, 5000000}};
	struct itimerval iv = {.it_interval = {0, 5000}, .it_value = {0, 5000}};
	timer_t t;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_prof;
	sa.sa_flags = SA_RESTART;
	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = SIGEV_THREAD_ID;
	ev.sigev_signo = SIGPROF;
	ev._sigev_un._tid = (int)syscall(SYS_gettid);
	if (sigaction(SIGPROF, &sa, NULL) < 0 ||
	    syscall(SYS_timer_create, CLOCK_THREAD_CPUTIME_ID, &ev, &t) < 0 ||
	    syscall(SYS_timer_settime, t, 0, &its, NULL) < 0 ||
	    setitimer(ITIMER_PROF, &iv, NULL) < 0)
		return -1;
	for (volatile unsigned long i = 0; profs < 20 && i < 4000000000ul; i++)
		;
	syscall(SYS_timer_delete, t);
	if (profs >= 20)
		printf("works:pprof_timers: SIGPROF delivered\n");
	else
		printf("broken:pprof_timers: %d SIGPROF\n", (int)profs);
	errno = 0;
	return -1;
}

/* A well-behaved tenant running next to the attacks: one line every 100 ms
 * for `arg` seconds, so the test can see it kept working throughout. */
static long a_heartbeat(void)
{
	int n = (arg ? atoi(arg) : 1) * 10;
	for (int i = 0; i < n; i++) {
		printf("beat %d\n", i);
		fflush(stdout);
		usleep(100000);
	}
	errno = 0;
	return -1;
}

static const struct attempt {
	const char *name;
	long (*fn)(void);
} attempts[] = {
    {"read_passwd", a_read_passwd},
    {"read_datadir", a_read_datadir},
    {"write_file", a_write_file},
    {"write_root", a_write_root},
    {"list_procs", a_list_procs},
    {"proc_environ", a_proc_environ},
    {"tcp_socket", a_tcp_socket},
    {"udp_socket", a_udp_socket},
    {"unix_socket", a_unix_socket},
    {"netlink_socket", a_netlink_socket},
    {"packet_socket", a_packet_socket},
    {"socketpair", a_socketpair},
    {"connect_loopback", a_connect_loopback},
    {"exec_shell", a_exec_shell},
    {"execveat", a_execveat},
    {"fork", a_fork},
    {"vfork", a_vfork},
    {"clone_newuser", a_clone_newuser},
    {"clone3", a_clone3},
    {"ptrace_traceme", a_ptrace_traceme},
    {"ptrace_parent", a_ptrace_parent},
    {"process_vm_readv", a_process_vm_readv},
    {"kill_parent", a_kill_parent},
    {"kill_all", a_kill_all},
    {"kill_init", a_kill_init},
    {"setuid_root", a_setuid_root},
    {"setuid_masked", a_setuid_masked},
    {"mount_tmpfs", a_mount_tmpfs},
    {"umount_root", a_umount_root},
    {"unshare_user", a_unshare_user},
    {"setns", a_setns},
    {"chroot", a_chroot},
    {"pivot_root", a_pivot_root},
    {"bpf", a_bpf},
    {"perf_event_open", a_perf_event_open},
    {"userfaultfd", a_userfaultfd},
    {"io_uring_setup", a_io_uring_setup},
    {"keyctl", a_keyctl},
    {"add_key", a_add_key},
    {"raise_nproc", a_raise_nproc},
    {"raise_cpu", a_raise_cpu},
    {"personality", a_personality},
    {"reboot", a_reboot},
    {"init_module", a_init_module},
    {"iopl", a_iopl},
    {"syslog", a_syslog},
    {"open_by_handle", a_open_by_handle},
    {"memfd", a_memfd},
    {"tiocsti", a_tiocsti},
    {"dumpable", a_dumpable},
    {"replace_sigsys", a_replace_sigsys},
    {"int80_execve", a_int80_execve},
    {"x32_syscall", a_x32_syscall},
    {"syscall_minus1", a_syscall_minus1},
    {"sysinfo", a_sysinfo},
    {"sigqueue_flood", a_sigqueue_flood},
    {"guess_fds", a_guess_fds},
    {"memory_bomb", a_memory_bomb},
    {"thread_bomb", a_thread_bomb},
    {"infinite_loop", a_infinite_loop},
    {"stdout_flood", a_stdout_flood},
    {"heartbeat", a_heartbeat},
    {"pprof_timers", a_pprof_timers},
};

int gofn_sandbox_attempt(int argc, char **argv);

int gofn_sandbox_attempt(int argc, char **argv)
{
	if (argc < 1) {
		fprintf(stderr, "gofn-loader: -selftest: missing attempt name\n");
		return 2;
	}
	arg = argc > 1 ? argv[1] : NULL;
	for (size_t i = 0; i < sizeof attempts / sizeof attempts[0]; i++) {
		if (strcmp(argv[0], attempts[i].name) != 0)
			continue;
		int rc = verdict(attempts[i].name, attempts[i].fn());
		fflush(stdout);
		return rc;
	}
	fprintf(stderr, "gofn-loader: -selftest: unknown attempt %s\n", argv[0]);
	return 2;
}
