/* What a caller pays (its own user and system CPU, getrusage) to wake a
 * child process over a unix socket and read its one-byte reply, as gofnd
 * does per call, when the children are 1 process or N called in turn, the
 * N in one CPU cgroup (cgroup v1 cpu/wakebench/all) or in one each
 * (cpu/wakebench/g<i>, as gofnd's per-tenant groups). The three modes
 * alternate in one run. Before each call the caller touches CALLER_KIB of
 * its memory, each child CHILD_KIB of its own per call. Needs root and a
 * writable v1 cpu hierarchy. Not built by make: a throwaway measurement
 * kept for docs/benchmarks.md ("100 tenants: gofnd's extra cost").
 *   cc -O2 -o /tmp/wake_rotate bench/wake_rotate.c
 *   /tmp/wake_rotate N ROUNDS SECONDS CALLER_KIB CHILD_KIB */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CG "/sys/fs/cgroup/cpu/wakebench"

static void put(const char *dir, const char *file, const char *v)
{
	char p[256];
	snprintf(p, sizeof p, "%s/%s", dir, file);
	int fd = open(p, O_WRONLY);
	if (fd < 0 || write(fd, v, strlen(v)) < 0) {
		perror(p);
		exit(1);
	}
	close(fd);
}

static void join(const char *group, pid_t pid)
{
	char dir[256], v[32];
	snprintf(dir, sizeof dir, CG "/%s", group);
	mkdir(dir, 0755);
	snprintf(v, sizeof v, "%d", (int)pid);
	put(dir, "cgroup.procs", v);
}

static volatile uint64_t sink;
static void touch(uint8_t *b, size_t n)
{
	uint64_t s = 0;
	for (size_t i = 0; i < n; i += 64) {
		b[i]++;
		s += b[i];
	}
	sink += s;
}

typedef struct kid {
	pid_t pid;
	int fd;
} kid;

static kid spawn(size_t kib)
{
	int sv[2];
	kid k;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		exit(1);
	k.pid = fork();
	if (k.pid == 0) {
		close(sv[0]);
		uint8_t *b = calloc(1, kib * 1024 + 64);
		char c;
		while (read(sv[1], &c, 1) == 1) {
			touch(b, kib * 1024);
			if (write(sv[1], &c, 1) != 1)
				break;
		}
		_exit(0);
	}
	close(sv[1]);
	k.fd = sv[0];
	return k;
}

static double tv(struct timeval t)
{
	return t.tv_sec * 1e6 + t.tv_usec;
}

int main(int argc, char **argv)
{
	if (argc < 6) {
		fprintf(stderr, "usage: wake_rotate N ROUNDS SECONDS CALLER_KIB CHILD_KIB\n");
		return 2;
	}
	int n = atoi(argv[1]), rounds = atoi(argv[2]);
	double secs = atof(argv[3]);
	size_t ckib = (size_t)atol(argv[4]), kkib = (size_t)atol(argv[5]);
	mkdir(CG, 0755);
	/* three sets of children: one alone (group "one"), n in group
	 * "all", n in a group each ("g<i>") */
	kid solo = spawn(kkib);
	join("one", solo.pid);
	kid *all = calloc(n, sizeof *all), *own = calloc(n, sizeof *own);
	for (int i = 0; i < n; i++) {
		char g[32];
		all[i] = spawn(kkib);
		join("all", all[i].pid);
		own[i] = spawn(kkib);
		snprintf(g, sizeof g, "g%d", i);
		join(g, own[i].pid);
	}
	uint8_t *buf = calloc(1, ckib * 1024 + 64);
	const char *names[3] = {"1 child", "N children, one group", "N children, a group each"};
	for (int r = 0; r < rounds; r++)
		for (int m = 0; m < 3; m++) {
			struct rusage a, b;
			struct timespec t0, t1;
			long calls = 0;
			getrusage(RUSAGE_SELF, &a);
			clock_gettime(CLOCK_MONOTONIC, &t0);
			do {
				for (int j = 0; j < 100; j++, calls++) {
					kid *k = m == 0	  ? &solo
						 : m == 1 ? &all[calls % n]
							  : &own[calls % n];
					char c = 1;
					touch(buf, ckib * 1024);
					if (write(k->fd, &c, 1) != 1 || read(k->fd, &c, 1) != 1)
						return 1;
				}
				clock_gettime(CLOCK_MONOTONIC, &t1);
			} while ((t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9 < secs);
			getrusage(RUSAGE_SELF, &b);
			double wall =
			    (t1.tv_sec - t0.tv_sec) * 1e6 + (t1.tv_nsec - t0.tv_nsec) / 1e3;
			printf("round %d %-26s calls %7ld  wall %6.2f us  user %5.2f us  sys %5.2f "
			       "us  "
			       "vcsw %.2f ivcsw %.2f /call\n",
			       r, names[m], calls, wall / calls,
			       (tv(b.ru_utime) - tv(a.ru_utime)) / calls,
			       (tv(b.ru_stime) - tv(a.ru_stime)) / calls,
			       (double)(b.ru_nvcsw - a.ru_nvcsw) / calls,
			       (double)(b.ru_nivcsw - a.ru_nivcsw) / calls);
			fflush(stdout);
		}
	close(solo.fd);
	for (int i = 0; i < n; i++) {
		close(all[i].fd);
		close(own[i].fd);
	}
	while (wait(NULL) > 0)
		;
	rmdir(CG "/one");
	rmdir(CG "/all");
	for (int i = 0; i < n; i++) {
		char g[64];
		snprintf(g, sizeof g, CG "/g%d", i);
		rmdir(g);
	}
	rmdir(CG);
	return 0;
}
