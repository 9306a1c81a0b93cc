/* sandbox/: limits parsing, report parsing, and real spawns of /bin/sh
 * (its builtins only: the confined root holds no other programs) checking
 * from the inside what a worker sees. Spawn cases print a reason and skip
 * where the machine allows no namespaces at all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/sandbox.h"
#include "sandbox/spawn_plan.h"

/* All workers together hold at most 3/4 of our own RLIMIT_SIGPENDING: the
 * kernel charges their queues to us as well (gofn_sandbox_sigpending_share). */
static void sigpending_share(void **state)
{
	struct rlimit saved, r;
	(void)state;
	assert_int_equal(getrlimit(RLIMIT_SIGPENDING, &saved), 0);
	r = saved;
	r.rlim_cur =
	    saved.rlim_max == RLIM_INFINITY || saved.rlim_max >= 96000 ? 96000 : saved.rlim_max;
	assert_int_equal(setrlimit(RLIMIT_SIGPENDING, &r), 0);
	rlim_t own = r.rlim_cur;

	assert_int_equal(gofn_sandbox_sigpending_share(0), GOFN_SANDBOX_SIGPENDING);
	for (unsigned n = 1; n <= 1000; n = n * 2 + 1) {
		unsigned share = gofn_sandbox_sigpending_share(n);
		assert_true(share <= GOFN_SANDBOX_SIGPENDING);
		assert_true(share >= 64);
		if (share > 64) /* the floor may overcommit; anything above it must not */
			assert_true((rlim_t)share * n <= own / 4 * 3);
	}
	if (own == 96000) {
		assert_int_equal(gofn_sandbox_sigpending_share(4), 1024);
		assert_int_equal(gofn_sandbox_sigpending_share(256), 281);
		assert_int_equal(gofn_sandbox_sigpending_share(5000), 64);
	}
	assert_int_equal(setrlimit(RLIMIT_SIGPENDING, &saved), 0);
}

static void limits_defaults_and_flags(void **state)
{
	gofn_sandbox_limits l;
	gofn_err err = {0};
	char *argv[] = {"x",
			"-timeout",
			"250ms",
			"-mem",
			"64M",
			"-cpu",
			"3",
			"-output",
			"16K",
			"-threads",
			"9",
			"-fsize",
			"1G",
			"-mem",
			"-5",
			"-timeout",
			"1h",
			"-mem",
			"99999999999999999999",
			"-other",
			"1",
			"-cpu"};
	(void)state;
	gofn_sandbox_limits_default(&l);
	assert_int_equal(l.wall_ms, GOFN_SANDBOX_DEFAULT_WALL_MS);
	assert_int_equal(l.mem_bytes, GOFN_SANDBOX_DEFAULT_MEM_BYTES);
	assert_int_equal(gofn_sandbox_limits_flag(&l, 22, argv, 1, &err), 1);
	assert_int_equal(l.wall_ms, 250);
	assert_int_equal(gofn_sandbox_limits_flag(&l, 22, argv, 3, &err), 1);
	assert_int_equal(l.mem_bytes, 64u << 20);
	assert_int_equal(gofn_sandbox_limits_flag(&l, 22, argv, 5, &err), 1);
	assert_int_equal(l.cpu_sec, 3);
	assert_int_equal(gofn_sandbox_limits_flag(&l, 22, argv, 7, &err), 1);
	assert_int_equal(l.output_bytes, 16u << 10);
	assert_int_equal(gofn_sandbox_limits_flag(&l, 22, argv, 9, &err), 1);
	assert_int_equal(l.max_threads, 9);
	assert_int_equal(gofn_sandbox_limits_flag(&l, 22, argv, 11, &err), 1);
	assert_int_equal(l.fsize_bytes, 1u << 30);
	/* negative, unknown unit, overflow: refused with the flag named */
	assert_int_equal(gofn_sandbox_limits_flag(&l, 22, argv, 13, &err), -1);
	assert_non_null(strstr(err.msg, "-mem -5"));
	assert_int_equal(gofn_sandbox_limits_flag(&l, 22, argv, 15, &err), -1);
	assert_int_equal(gofn_sandbox_limits_flag(&l, 22, argv, 17, &err), -1);
	assert_int_equal(l.mem_bytes, 64u << 20); /* unchanged by a refused value */
	assert_int_equal(gofn_sandbox_limits_flag(&l, 22, argv, 19, &err), 0);
	assert_int_equal(gofn_sandbox_limits_flag(&l, 22, argv, 21, &err), -1);
	assert_non_null(strstr(err.msg, "missing value"));
}

static void report_and_names(void **state)
{
	static const char good[] = "noise\ngofn-sandbox: blocked syscall 101\n";
	static const char cut[] = "gofn-sandbox: blocked syscall ";
	static const char huge[] = "gofn-sandbox: blocked syscall 99999999999\n";
	char buf[128];
	static const char minus1[] = "gofn-sandbox: blocked syscall 4294967295\n";
	gofn_sandbox_exit x = {.end = GOFN_END_SYSCALL, .syscall = 101};
	long nr = 0;
	(void)state;
	assert_int_equal(gofn_sandbox_parse_report(good, sizeof good - 1, &nr), 0);
	assert_int_equal(nr, 101);
	assert_int_equal(gofn_sandbox_parse_report(cut, sizeof cut - 1, &nr), -1);
	assert_int_equal(gofn_sandbox_parse_report(huge, sizeof huge - 1, &nr), -1);
	assert_int_equal(gofn_sandbox_parse_report("", 0, &nr), -1);
	/* syscall(-1) traps like any unknown number and must be named, not lost */
	assert_int_equal(gofn_sandbox_parse_report(minus1, sizeof minus1 - 1, &nr), 0);
	assert_true(nr == 0xffffffffL);
	assert_string_equal(gofn_sandbox_syscall_name(nr, buf, sizeof buf),
			    "syscall 0xffffffff (no such number)");
	assert_string_equal(gofn_sandbox_syscall_name(101, buf, sizeof buf), "ptrace");
	assert_string_equal(gofn_sandbox_syscall_name(100000, buf, sizeof buf), "syscall_100000");
	assert_non_null(strstr(gofn_sandbox_exit_str(&x, buf, sizeof buf), "ptrace refused"));
	assert_string_equal(
	    gofn_sandbox_layers_str(GOFN_LAYER_PIDNS | GOFN_LAYER_SECCOMP, buf, sizeof buf),
	    "pidns,seccomp");
	assert_string_equal(gofn_sandbox_layers_str(0, buf, sizeof buf), "none");
	gofn_sandbox_layers_str(~0u, buf, 8); /* truncates, never overflows */
	assert_true(strlen(buf) < 8);
}

/* Runs `script` with /bin/sh confined; returns its stdout in out. */
static int sh(const char *script, const gofn_sandbox_limits *lim, char *out, size_t outlen,
	      gofn_sandbox_exit *x, gofn_sandbox_proc *p)
{
	char *argv[] = {"sh", "-c", (char *)script, NULL};
	int pipefd[2], extra[2];
	gofn_err err = {0};
	gofn_sandbox_cfg cfg = {.exe = "/bin/sh", .argv = argv, .nfds = 4, .sigsys_fd = -1};
	size_t n = 0;
	ssize_t r;
	uint64_t start = (uint64_t)gofn_now_ms();

	assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
	assert_int_equal(pipe2(extra, O_CLOEXEC), 0);
	int fds[4] = {-1, pipefd[1], pipefd[1], extra[1]};
	cfg.fds = fds;
	if (lim)
		cfg.limits = *lim;
	if (gofn_sandbox_spawn(&cfg, p, &err) < 0) {
		print_message("spawn failed: %s\n", err.msg);
		close(pipefd[0]);
		close(pipefd[1]);
		close(extra[0]);
		close(extra[1]);
		return -1;
	}
	close(pipefd[1]);
	close(extra[1]);
	fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
	for (;;) {
		while (n + 1 < outlen && (r = read(pipefd[0], out + n, outlen - 1 - n)) > 0)
			n += (size_t)r;
		int rc = gofn_sandbox_wait(p, lim, start, 20, x, &err);
		assert_int_not_equal(rc, -1);
		if (rc == 1)
			break;
	}
	while (n + 1 < outlen && (r = read(pipefd[0], out + n, outlen - 1 - n)) > 0)
		n += (size_t)r;
	out[n] = 0;
	close(pipefd[0]);
	close(extra[0]);
	gofn_sandbox_release(p);
	return 0;
}

#define SKIP_IF_NO_NAMESPACES()                                                                    \
	do {                                                                                       \
		if (!(gofn_sandbox_layers() & GOFN_LAYER_MNTNS)) {                                 \
			print_message(                                                             \
			    "SKIP: no mount namespace allowed here; spawn cases need one\n");      \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

/* What a worker sees: nothing of the host, a read-only root, no env, a
 * non-root uid, its own hostname and pid 1, only the fds it was given. */
static void spawn_view_from_inside(void **state)
{
	static const char script[] =
	    "test -e /etc/passwd && echo HOST_FS;"
	    "test -e /tmp/gofn-unit-canary && echo HOST_TMP;"
	    "( echo x > /escaped ) 2>/dev/null && echo ROOT_WRITABLE;"
	    "echo pid=$$;"
	    "read h < /proc/sys/kernel/hostname; echo host=$h;"
	    "while read k v rest; do [ \"$k\" = Uid: ] && echo uid=$v; done < /proc/self/status;"
	    "export -p | while read l; do case $l in *PWD*) ;; *) echo ENV:$l;; esac; done;"
	    "for f in /proc/self/fd/*; do n=${f##*/}; echo fd=$n; done;"
	    "set -- /usr/lib/x86_64-linux-gnu/*; echo libs=$#;"
	    "echo side >&3; exit 7";
	char out[4096];
	gofn_sandbox_exit x;
	gofn_sandbox_proc p;
	FILE *f;
	(void)state;
	SKIP_IF_NO_NAMESPACES();
	f = fopen("/tmp/gofn-unit-canary", "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(sh(script, NULL, out, sizeof out, &x, &p), 0);
	unlink("/tmp/gofn-unit-canary");
	assert_null(strstr(out, "HOST_FS"));
	assert_null(strstr(out, "HOST_TMP"));
	assert_null(strstr(out, "ROOT_WRITABLE"));
	assert_non_null(strstr(out, "pid=1\n"));
	assert_non_null(strstr(out, "host=gofn\n"));
	assert_non_null(strstr(out, "uid=1000\n"));
	assert_null(strstr(out, "ENV:"));
	/* 0-3 as given, plus the one the glob itself opens */
	assert_non_null(strstr(out, "fd=3\n"));
	assert_null(strstr(out, "fd=5\n"));
	/* only the interpreter and sh's own libraries, not the host's library dir */
	const char *libs = strstr(out, "libs=");
	assert_non_null(libs);
	assert_in_range(atoi(libs + 5), 1, 4);
	assert_int_equal(x.end, GOFN_END_EXITED);
	assert_int_equal(x.status, 7);
	assert_true(p.layers & GOFN_LAYER_USERNS);
}

/* Starts /bin/sh on `script` with stdin from in_rd and stdout to out_wr. */
static void sh_live(const char *script, int in_rd, int out_wr, gofn_sandbox_proc *p)
{
	char *argv[] = {"sh", "-c", (char *)script, NULL};
	int fds[3] = {in_rd, out_wr, out_wr};
	gofn_sandbox_cfg cfg = {
	    .exe = "/bin/sh", .argv = argv, .fds = fds, .nfds = 3, .sigsys_fd = -1};
	gofn_err err = {0};

	if (gofn_sandbox_spawn(&cfg, p, &err) < 0)
		print_message("spawn failed: %s\n", err.msg);
	assert_true(p->pid > 0);
}

static void ns_of(pid_t pid, const char *ns, char *out, size_t len)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)pid, ns);
	n = readlink(path, out, len - 1);
	assert_true(n > 0);
	out[n] = 0;
}

/* Workers started one after another (the second on the shared root,
 * sandbox/template.c, where this runs as root) each have a mount and a user
 * namespace of their own, not the host's nor each other's; each sees only
 * its own /proc, a few mounts and no writable root. */
static void spawn_own_mount_namespace(void **state)
{
	static const char script[] =
	    "set -- /proc/[0-9]*; echo procs=$#;"
	    "n=0; while read l; do n=$((n+1)); done < /proc/self/mountinfo; echo mounts=$n;"
	    "( echo x > /escaped ) 2>/dev/null && echo ROOT_WRITABLE;"
	    "echo up; read x";
	gofn_sandbox_proc p[2];
	gofn_sandbox_limits lim = {0};
	gofn_sandbox_exit x;
	gofn_err err = {0};
	char out[2][512], mnt[3][64], user[3][64];
	int in[2][2], o[2][2];
	(void)state;
	SKIP_IF_NO_NAMESPACES();
	for (int i = 0; i < 2; i++) {
		size_t n = 0;
		ssize_t r;
		assert_int_equal(pipe2(in[i], O_CLOEXEC), 0);
		assert_int_equal(pipe2(o[i], O_CLOEXEC), 0);
		sh_live(script, in[i][0], o[i][1], &p[i]);
		close(in[i][0]);
		close(o[i][1]);
		while (n + 1 < sizeof out[i] &&
		       (r = read(o[i][0], out[i] + n, sizeof out[i] - 1 - n)) > 0) {
			n += (size_t)r;
			out[i][n] = 0;
			if (strstr(out[i], "up\n"))
				break;
		}
		out[i][n] = 0;
		assert_non_null(strstr(out[i], "up\n"));
		assert_non_null(strstr(out[i], "procs=1\n"));
		assert_null(strstr(out[i], "ROOT_WRITABLE"));
		const char *m = strstr(out[i], "mounts=");
		assert_non_null(m);
		assert_in_range(atoi(m + 7), 2, 16);
		ns_of(p[i].pid, "mnt", mnt[i], sizeof mnt[i]);
		ns_of(p[i].pid, "user", user[i], sizeof user[i]);
	}
	ns_of(getpid(), "mnt", mnt[2], sizeof mnt[2]);
	ns_of(getpid(), "user", user[2], sizeof user[2]);
	assert_string_not_equal(mnt[0], mnt[1]);
	assert_string_not_equal(mnt[0], mnt[2]);
	assert_string_not_equal(mnt[1], mnt[2]);
	if (p[0].layers & GOFN_LAYER_USERNS) {
		assert_string_not_equal(user[0], user[1]);
		assert_string_not_equal(user[0], user[2]);
	}
	for (int i = 0; i < 2; i++) {
		close(in[i][1]); /* read x sees EOF: sh exits 1 */
		while (gofn_sandbox_wait(&p[i], &lim, (uint64_t)gofn_now_ms(), 100, &x, &err) == 0)
			;
		assert_int_equal(x.end, GOFN_END_EXITED);
		close(o[i][0]);
		gofn_sandbox_release(&p[i]);
	}
}

/* A shared root (sandbox/template.c) is reused for the same files, and a
 * file replaced under one of its paths (a library upgrade) gets a new one. */
static void template_follows_replaced_file(void **state)
{
	char path[] = "/tmp/gofn-unit-tmpl-XXXXXX", next[64];
	gofn_spawn_plan p;
	int f, fd1, fd2, fd3;
	(void)state;
	SKIP_IF_NO_NAMESPACES();
	if (geteuid() != 0 || access("/mnt", F_OK) != 0) {
		print_message("SKIP: shared roots need root and /mnt\n");
		skip();
	}
	f = mkstemp(path);
	assert_true(f >= 0);
	assert_int_equal(write(f, "a", 1), 1);
	close(f);
	memset(&p, 0, sizeof p);
	p.base = "/mnt";
	p.binds[0].kind = GOFN_BIND_DIR;
	strcpy(p.binds[0].path, "/tmp");
	p.binds[1].kind = GOFN_BIND_FILE;
	strcpy(p.binds[1].path, path);
	p.nbinds = 2;
	fd1 = gofn_rootfs_template(&p);
	assert_true(fd1 >= 0);
	fd2 = gofn_rootfs_template(&p);
	assert_int_equal(fd1, fd2);
	snprintf(next, sizeof next, "%s.new", path);
	f = open(next, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	assert_true(f >= 0);
	assert_int_equal(write(f, "b", 1), 1);
	close(f);
	assert_int_equal(rename(next, path), 0);
	fd3 = gofn_rootfs_template(&p);
	unlink(path);
	assert_true(fd3 >= 0);
	assert_int_not_equal(fd3, fd1);
}

static void spawn_wall_timeout_kills(void **state)
{
	gofn_sandbox_limits l;
	gofn_sandbox_exit x;
	gofn_sandbox_proc p;
	char out[64];
	(void)state;
	SKIP_IF_NO_NAMESPACES();
	gofn_sandbox_limits_default(&l);
	l.wall_ms = 200;
	uint64_t t0 = (uint64_t)gofn_now_ms();
	assert_int_equal(sh("while :; do :; done", &l, out, sizeof out, &x, &p), 0);
	assert_int_equal(x.end, GOFN_END_TIMEOUT);
	assert_true((uint64_t)gofn_now_ms() - t0 >= 200);
	assert_int_equal(p.pid, -1);
}

/* What a fake cgroup directory holds after gofn_cgroup_cpu_write. */
static void cg_file(const char *dir, const char *name, const char *text)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void cg_expect(const char *dir, const char *name, const char *want)
{
	char p[256], got[64] = {0};
	FILE *f;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	f = fopen(p, "r");
	assert_non_null(f);
	assert_non_null(fgets(got, sizeof got, f));
	fclose(f);
	assert_string_equal(got, want);
}

/* Sets the file's mtime to 1000 s after the epoch; cg_untouched: still so. */
static void cg_age(const char *dir, const char *name)
{
	char p[256];
	const struct timespec t[2] = {{1000, 0}, {1000, 0}};

	snprintf(p, sizeof p, "%s/%s", dir, name);
	assert_int_equal(utimensat(AT_FDCWD, p, t, 0), 0);
}

static int cg_untouched(const char *dir, const char *name)
{
	char p[256];
	struct stat st;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	assert_int_equal(stat(p, &st), 0);
	return st.st_mtim.tv_sec == 1000;
}

/* A tenant's CPU weight and cap as the cgroup files take them: v2
 * cpu.weight and cpu.max over a 100 ms period, v1 cpu.shares (weight x
 * 1024 / 100, at least 2) and cpu.cfs_quota_us (-1: none). */
static void cgroup_cpu_writer(void **state)
{
	char dir[] = "/tmp/gofn-cg.XXXXXX";
	const char *files[] = {"cpu.weight", "cpu.max", "cpu.shares", "cpu.cfs_period_us",
			       "cpu.cfs_quota_us"};

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (size_t i = 0; i < 5; i++)
		cg_file(dir, files[i], "untouched");
	assert_int_equal(gofn_cgroup_cpu_write(dir, 0, 250, 1500), 0);
	cg_expect(dir, "cpu.weight", "250");
	cg_expect(dir, "cpu.max", "150000 100000");
	cg_expect(dir, "cpu.shares", "untouched");
	assert_int_equal(gofn_cgroup_cpu_write(dir, 0, 1, 0), 0);
	cg_expect(dir, "cpu.weight", "1");
	cg_expect(dir, "cpu.max", "max 100000");
	assert_int_equal(gofn_cgroup_cpu_write(dir, 1, 10000, 10), 0);
	cg_expect(dir, "cpu.shares", "102400");
	cg_expect(dir, "cpu.cfs_period_us", "100000");
	cg_expect(dir, "cpu.cfs_quota_us", "1000");
	assert_int_equal(gofn_cgroup_cpu_write(dir, 1, 1, 0), 0);
	cg_expect(dir, "cpu.shares", "10");
	cg_expect(dir, "cpu.cfs_quota_us", "-1");
	/* A value the file already holds is not written again (a quota write
	 * recomputes every group's bandwidth): its mtime, set far back, stays. */
	for (size_t i = 0; i < 5; i++)
		cg_age(dir, files[i]);
	assert_int_equal(gofn_cgroup_cpu_write(dir, 1, 1, 0), 0);
	assert_true(cg_untouched(dir, "cpu.shares") && cg_untouched(dir, "cpu.cfs_period_us") &&
		    cg_untouched(dir, "cpu.cfs_quota_us"));
	assert_int_equal(gofn_cgroup_cpu_write(dir, 1, 1, 20), 0);
	cg_expect(dir, "cpu.cfs_quota_us", "2000");
	assert_false(cg_untouched(dir, "cpu.cfs_quota_us"));
	assert_true(cg_untouched(dir, "cpu.shares") && cg_untouched(dir, "cpu.cfs_period_us"));
	for (size_t i = 0; i < 5; i++) {
		char p[256];
		snprintf(p, sizeof p, "%s/%s", dir, files[i]);
		unlink(p);
	}
	/* a group without the files (no cpu controller): an error, not a crash */
	assert_int_equal(gofn_cgroup_cpu_write(dir, 0, 100, 0), -1);
	rmdir(dir);
}

/* A bind's rename of a prepared worker's own v1 CPU group (w<pid>) to its
 * tenant's (t<uid>): taken when the tenant's group is absent or empty, left
 * alone when something is inside (cgroupfs: a process; here: a file). */
static void cgroup_v1_claim(void **state)
{
	char dir[] = "/tmp/gofn-cg.XXXXXX", p[256];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof p, "%s/w41", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	cg_file(p, "cgroup.procs", "41");
	assert_int_equal(gofn_cgroup_v1_claim(dir, 41, 7), 1); /* no t7 yet */
	cg_expect(dir, "t7/cgroup.procs", "41");
	snprintf(p, sizeof p, "%s/w42", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	assert_int_equal(gofn_cgroup_v1_claim(dir, 42, 7), 0); /* t7 holds 41 */
	assert_int_equal(access(p, F_OK), 0);		       /* w42 stays for the caller */
	snprintf(p, sizeof p, "%s/t7/cgroup.procs", dir);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(gofn_cgroup_v1_claim(dir, 42, 7), 1); /* t7 empty: replaced */
	snprintf(p, sizeof p, "%s/w42", dir);
	assert_int_equal(access(p, F_OK), -1);
	assert_int_equal(gofn_cgroup_v1_claim(dir, 43, 7), -1); /* no w43 */
	assert_int_equal(errno, ENOENT);
	snprintf(p, sizeof p, "%s/t7", dir);
	assert_int_equal(rmdir(p), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* A pid that no longer exists: a child's, reaped. */
static pid_t dead_pid(void)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	return pid;
}

static int cg_dir(const char *parent, const char *name, int make)
{
	char p[256];

	snprintf(p, sizeof p, "%s/%s", parent, name);
	if (make)
		assert_int_equal(mkdir(p, 0755), 0);
	return access(p, F_OK) == 0;
}

/* The sweep of leftovers (w<pid> of a dead pid) removes them at a parent's
 * first sweep, leaves a live pid's group and other names alone, and does
 * not walk the parent again before GOFN_CGROUP_SWEEP_MS has passed: a
 * leftover appearing meanwhile waits for the next due sweep. */
static void cgroup_sweep_rate(void **state)
{
	char dir[] = "/tmp/gofn-cg.XXXXXX", dead[32], dead2[32], live[32];
	const int64_t t0 = 5000000;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(dead, sizeof dead, "w%d", (int)dead_pid());
	snprintf(live, sizeof live, "w%d", (int)getpid());
	cg_dir(dir, dead, 1);
	cg_dir(dir, live, 1);
	cg_dir(dir, "t7", 1);
	cg_dir(dir, "w12x", 1);
	assert_int_equal(gofn_cgroup_sweep(dir, t0), 1);
	assert_false(cg_dir(dir, dead, 0));
	assert_true(cg_dir(dir, live, 0) && cg_dir(dir, "t7", 0) && cg_dir(dir, "w12x", 0));
	snprintf(dead2, sizeof dead2, "w%d", (int)dead_pid());
	cg_dir(dir, dead2, 1);
	assert_int_equal(gofn_cgroup_sweep(dir, t0 + GOFN_CGROUP_SWEEP_MS - 1), 0);
	assert_true(cg_dir(dir, dead2, 0));
	assert_int_equal(gofn_cgroup_sweep(dir, t0 + GOFN_CGROUP_SWEEP_MS), 1);
	assert_false(cg_dir(dir, dead2, 0));
	/* another parent is its own first sweep */
	assert_int_equal(gofn_cgroup_sweep("/nonexistent/gofn", t0), 1);
	assert_int_equal(gofn_cgroup_sweep("/nonexistent/gofn", t0 + 1), 0);
	const char *rest[] = {live, "t7", "w12x"};
	for (size_t i = 0; i < 3; i++) {
		char p[256];
		snprintf(p, sizeof p, "%s/%s", dir, rest[i]);
		assert_int_equal(rmdir(p), 0);
	}
	assert_int_equal(rmdir(dir), 0);
}

static void spawn_refuses_bad_cfg(void **state)
{
	char *argv[] = {"x", NULL};
	int fds[2] = {-1, -1};
	gofn_sandbox_cfg cfg = {.exe = "/nonexistent/worker", .argv = argv, .fds = fds, .nfds = 2};
	gofn_sandbox_proc p;
	gofn_err err = {0};
	(void)state;
	assert_int_equal(gofn_sandbox_spawn(&cfg, &p, &err), -1);
	assert_non_null(strstr(err.msg, "/nonexistent/worker"));
	cfg.exe = "/bin/sh";
	assert_int_equal(gofn_sandbox_spawn(&cfg, &p, &err), -1);
	assert_non_null(strstr(err.msg, "3..16 fds"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(limits_defaults_and_flags),
	    cmocka_unit_test(report_and_names),
	    cmocka_unit_test(spawn_view_from_inside),
	    cmocka_unit_test(spawn_wall_timeout_kills),
	    cmocka_unit_test(spawn_refuses_bad_cfg),
	    cmocka_unit_test(cgroup_cpu_writer),
	    cmocka_unit_test(cgroup_v1_claim),
	    cmocka_unit_test(cgroup_sweep_rate),
	    cmocka_unit_test(sigpending_share),
	    cmocka_unit_test(spawn_own_mount_namespace),
	    cmocka_unit_test(template_follows_replaced_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
