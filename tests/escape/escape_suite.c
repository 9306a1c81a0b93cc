/* Escape suite, C half: every attempt of tests/escape/attempts.c (the
 * -selftest mode of gofn-loader-escape, gofn-loader built again with them)
 * runs confined exactly like tenant code (same executable code, same
 * confinement, same filter), the machine-code equivalent of a hostile
 * tenant. For each attempt it asserts that no ESCAPED marker appears and that
 * the attempt ended the way the design says (an error, or a kill naming the
 * refused system call, or a limit). Around the suite it asserts the host is
 * unaffected: a canary file outside, a socket the test listens on, the test
 * process itself, and a second confined worker running throughout.
 *
 * GOFN_SANDBOX_TEST_FALLBACK=nouserns|none runs every confined process with
 * -test-fallback MODE.
 *
 * usage: escape_suite path/to/gofn-loader-escape */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum expect { ERROR, KILLED, TIMEOUT, MEMORY, TRUNCATED, WORKS };
enum argkind { NONE, DIR_ARG, PORT_ARG, PID_ARG };

static const struct attempt {
	const char *name;
	enum argkind arg;
	enum expect expect;
	const char *detail; /* ERROR: strerror text; KILLED: syscall name ("" = SIGSYS) */
} attempts[] = {
    {"read_passwd", NONE, ERROR, "Permission denied"},
    {"read_datadir", DIR_ARG, ERROR, "Permission denied"},
    {"write_file", DIR_ARG, ERROR, "Permission denied"},
    {"write_root", NONE, ERROR, "Permission denied"},
    {"list_procs", NONE, ERROR, "Permission denied"},
    {"proc_environ", NONE, ERROR, "Permission denied"},
    {"tcp_socket", NONE, ERROR, "Permission denied"},
    {"udp_socket", NONE, ERROR, "Permission denied"},
    {"unix_socket", NONE, ERROR, "Permission denied"},
    {"netlink_socket", NONE, ERROR, "Permission denied"},
    {"packet_socket", NONE, ERROR, "Permission denied"},
    {"socketpair", NONE, ERROR, "Permission denied"},
    {"connect_loopback", PORT_ARG, ERROR, "Permission denied"},
    {"exec_shell", NONE, KILLED, "execve"},
    {"execveat", NONE, KILLED, "execveat"},
    {"fork", NONE, KILLED, "clone"},
    {"vfork", NONE, KILLED, "vfork"},
    {"clone_newuser", NONE, KILLED, "clone"},
    {"clone3", NONE, ERROR, "Function not implemented"},
    {"ptrace_traceme", NONE, KILLED, "ptrace"},
    {"ptrace_parent", PID_ARG, KILLED, "ptrace"},
    {"process_vm_readv", PID_ARG, KILLED, "process_vm_readv"},
    {"kill_parent", PID_ARG, ERROR, "Operation not permitted"},
    {"kill_all", NONE, ERROR, "Operation not permitted"},
    {"kill_init", NONE, ERROR, NULL},
    {"setuid_root", NONE, KILLED, "setuid"},
    {"setuid_masked", NONE, KILLED, "setuid"},
    {"mount_tmpfs", NONE, KILLED, "mount"},
    {"umount_root", NONE, KILLED, "umount2"},
    {"unshare_user", NONE, KILLED, "unshare"},
    {"setns", NONE, KILLED, "setns"},
    {"chroot", NONE, KILLED, "chroot"},
    {"pivot_root", NONE, KILLED, "pivot_root"},
    {"bpf", NONE, KILLED, "bpf"},
    {"perf_event_open", NONE, KILLED, "perf_event_open"},
    {"userfaultfd", NONE, KILLED, "userfaultfd"},
    {"io_uring_setup", NONE, KILLED, "io_uring_setup"},
    {"keyctl", NONE, KILLED, "keyctl"},
    {"add_key", NONE, KILLED, "add_key"},
    {"raise_nproc", NONE, ERROR, "Operation not permitted"},
    {"raise_cpu", NONE, ERROR, "Operation not permitted"},
    {"personality", NONE, KILLED, "personality"},
    {"reboot", NONE, KILLED, "reboot"},
    {"init_module", NONE, KILLED, "init_module"},
    {"iopl", NONE, KILLED, "iopl"},
    {"syslog", NONE, KILLED, "syslog"},
    {"open_by_handle", NONE, KILLED, "open_by_handle_at"},
    {"memfd", NONE, ERROR, "Permission denied"},
    {"tiocsti", NONE, ERROR, "Inappropriate ioctl for device"},
    {"dumpable", NONE, ERROR, "Operation not permitted"},
    {"replace_sigsys", NONE, KILLED, ""},
    {"int80_execve", NONE, KILLED, ""},
    {"x32_syscall", NONE, KILLED, ""},
    {"syscall_minus1", NONE, KILLED, "syscall 0xffffffff (no such number)"},
    {"sysinfo", NONE, ERROR, "Operation not permitted"},
    {"sigqueue_flood", NONE, ERROR, "Resource temporarily unavailable"},
    {"guess_fds", NONE, ERROR, "Bad file descriptor"},
    {"thread_bomb", NONE, ERROR, "Resource temporarily unavailable"},
    {"memory_bomb", NONE, MEMORY, NULL},
    {"infinite_loop", NONE, TIMEOUT, NULL},
    {"stdout_flood", NONE, TRUNCATED, NULL},
    /* not an attack: the profiler's timers must keep working inside */
    {"pprof_timers", NONE, WORKS, "works:pprof_timers: SIGPROF delivered"},
};

#define OUTPUT_CAP 65536

static const char *loader;
static const char *fallback; /* GOFN_SANDBOX_TEST_FALLBACK, or NULL */
static char canary_dir[64], port_str[16], pid_str[16];
static int failures;

static void failf(const char *name, const char *fmt, const char *a, const char *b)
{
	printf("FAIL %s: ", name);
	printf(fmt, a, b);
	printf("\n");
	failures++;
}

/* Runs one gofn-loader invocation; stdout/stderr go to files we read back. */
static int run(char *const argv[], char *out, size_t outlen, size_t *outn, char *err, size_t errlen)
{
	char op[96], ep[96];
	int status = -1;
	FILE *f;
	pid_t pid;

	snprintf(op, sizeof op, "%s.out", canary_dir);
	snprintf(ep, sizeof ep, "%s.err", canary_dir);
	pid = fork();
	if (pid == 0) {
		int o = open(op, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int e = open(ep, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (o < 0 || e < 0)
			_exit(126);
		dup2(o, 1);
		dup2(e, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	out[0] = err[0] = 0;
	*outn = 0;
	if ((f = fopen(op, "r"))) {
		struct stat st;
		if (fstat(fileno(f), &st) == 0)
			*outn = (size_t)st.st_size;
		out[fread(out, 1, outlen - 1, f)] = 0;
		fclose(f);
	}
	if ((f = fopen(ep, "r"))) {
		err[fread(err, 1, errlen - 1, f)] = 0;
		fclose(f);
	}
	unlink(op);
	unlink(ep);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void check(const struct attempt *a)
{
	static char out[1 << 17], err[8192];
	char want[160];
	size_t outn;
	const char *argval = a->arg == DIR_ARG	  ? canary_dir
			     : a->arg == PORT_ARG ? port_str
			     : a->arg == PID_ARG  ? pid_str
						  : NULL;
	char *argv[20] = {(char *)loader, "-sandbox"};
	int n = 2;
	if (fallback) {
		argv[n++] = "-test-fallback";
		argv[n++] = (char *)fallback;
	}
	/* A slow machine (the TCG VM of tests/vm) sets a longer wall clock: the
	 * worker's start must not be mistaken for an attempt's timeout. The CPU
	 * limit stays above any wall clock, or on one busy CPU the infinite loop
	 * ends by either limit, whichever the scheduler reaches first. */
	const char *wall = getenv("GOFN_ESCAPE_TIMEOUT");
	char *rest[] = {"-timeout",	wall && *wall ? (char *)wall : "2s",
			"-cpu",		"600",
			"-mem",		"128M",
			"-output",	"64K",
			"-selftest",	(char *)a->name,
			(char *)argval, NULL};
	for (size_t i = 0; i < sizeof rest / sizeof *rest; i++)
		argv[n++] = rest[i];
	int rc = run(argv, out, sizeof out, &outn, err, sizeof err);

	if (strstr(out, "ESCAPED:") || strstr(err, "ESCAPED:")) {
		failf(a->name, "escaped: %s%s", out, err);
		return;
	}
	switch (a->expect) {
	case ERROR:
		snprintf(want, sizeof want, "denied:%s: %s", a->name, a->detail ? a->detail : "");
		if (rc != 0 || !strstr(out, want))
			failf(a->name, "want an error (%s), got: %s", want, err[0] ? err : out);
		break;
	case KILLED:
		if (a->detail[0])
			snprintf(want, sizeof want, "system call %s refused", a->detail);
		else
			snprintf(want, sizeof want, "refused by the sandbox (SIGSYS)");
		if (rc != 159 || !strstr(err, want))
			failf(a->name, "want killed (%s), got: %s", want, err[0] ? err : out);
		break;
	case TIMEOUT:
		if (rc != 124 || !strstr(err, "wall-clock timeout"))
			failf(a->name, "want the wall-clock kill, got: %s%s", err, "");
		break;
	case MEMORY:
		if (rc != 137 || !strstr(err, "memory limit"))
			failf(a->name, "want the memory kill, got: %s%s", err, "");
		break;
	case WORKS:
		if (rc != 0 || !strstr(out, a->detail))
			failf(a->name, "want it to work (%s), got: %s", a->detail,
			      err[0] ? err : out);
		break;
	case TRUNCATED:
		if (outn != OUTPUT_CAP || !strstr(err, "stdout truncated at 65536 bytes"))
			failf(a->name, "want stdout cut at 64K and flagged, got: %s%s", err, "");
		break;
	}
	static const char *const how[] = {"refused",	 "killed",    "timed out",
					  "memory kill", "truncated", "works"};
	printf("ok   %-18s %s\n", a->name, how[a->expect]);
}

static int listen_loopback(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof sa;
	int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(s, 8) < 0 ||
	    getsockname(s, (struct sockaddr *)&sa, &len) < 0) {
		perror("escape_suite: listen on 127.0.0.1");
		exit(1);
	}
	snprintf(port_str, sizeof port_str, "%d", ntohs(sa.sin_port));
	return s;
}

/* The second tenant: beats for the whole suite; its pipe is read at the end. */
static pid_t start_neighbour(int *rd)
{
	int p[2];
	pid_t pid;

	if (pipe(p) < 0)
		exit(1);
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		if (fallback)
			execl(loader, loader, "-sandbox", "-test-fallback", fallback, "-timeout",
			      "600s", "-selftest", "heartbeat", "600", (char *)NULL);
		else
			execl(loader, loader, "-sandbox", "-timeout", "600s", "-selftest",
			      "heartbeat", "600", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	*rd = p[0];
	return pid;
}

static int count_beats(int rd)
{
	char buf[65536];
	ssize_t n;
	int beats = 0;

	while ((n = read(rd, buf, sizeof buf)) > 0)
		for (ssize_t i = 0; i + 4 < n; i++)
			beats += memcmp(buf + i, "beat", 4) == 0;
	return beats;
}

static void check_host(int listener, const char *canary, pid_t neighbour, int rd, int beats0)
{
	char buf[64] = {0}, escaped[96];
	FILE *f = fopen(canary, "r");
	int status, beats;

	if (!f || !fgets(buf, sizeof buf, f) || strcmp(buf, "canary\n") != 0)
		failf("host", "canary file %s changed or gone%s", canary, "");
	if (f)
		fclose(f);
	snprintf(escaped, sizeof escaped, "%s/escaped", canary_dir);
	if (access(escaped, F_OK) == 0)
		failf("host", "a worker created %s%s", escaped, "");
	if (accept(listener, NULL, NULL) >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
		failf("host", "the loopback listener got a connection%s%s", "", "");
	sleep(1);
	beats = count_beats(rd);
	if (waitpid(neighbour, &status, WNOHANG) != 0)
		failf("host", "the second worker died during the suite%s%s", "", "");
	if (beats < 5)
		failf("host", "the second worker stopped working (%s beats)%s",
		      beats ? "few" : "no", "");
	printf("ok   host: canary intact, listener untouched, neighbour alive (%d+%d beats)\n",
	       beats0, beats);
}

int main(int argc, char **argv)
{
	char canary[96];
	int listener, rd, beats0;
	pid_t neighbour;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: escape_suite path/to/gofn-loader-escape\n");
		return 2;
	}
	loader = argv[1];
	fallback = getenv("GOFN_SANDBOX_TEST_FALLBACK");
	if (fallback && !*fallback)
		fallback = NULL;
	signal(SIGPIPE, SIG_IGN);
	snprintf(canary_dir, sizeof canary_dir, "/tmp/gofn-escape-XXXXXX");
	if (!mkdtemp(canary_dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(canary, sizeof canary, "%s/canary", canary_dir);
	if (!(f = fopen(canary, "w")) || fputs("canary\n", f) < 0 || fclose(f) != 0) {
		perror("canary");
		return 1;
	}
	snprintf(pid_str, sizeof pid_str, "%d", (int)getpid());
	listener = listen_loopback();
	neighbour = start_neighbour(&rd);
	usleep(300000);
	beats0 = count_beats(rd);
	for (size_t i = 0; i < sizeof attempts / sizeof attempts[0]; i++)
		check(&attempts[i]);
	check_host(listener, canary, neighbour, rd, beats0);
	kill(neighbour, SIGKILL);
	waitpid(neighbour, NULL, 0);
	unlink(canary);
	rmdir(canary_dir);
	printf("%zu attempts, %d failures\n", sizeof attempts / sizeof attempts[0], failures);
	return failures ? 1 : 0;
}
