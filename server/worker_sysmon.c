/* sysmon's timer slack in a worker: see worker_sysmon.h. */
#include "server/worker_sysmon.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/io.h"
#include "sandbox/sandbox.h"

/* The text of file name under directory fd dfd, NUL-terminated; -1 if unreadable. */
static ssize_t read_at(int dfd, const char *name, char *buf, size_t len)
{
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = gofn_read_retry(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return n;
}

/* The value of "key:" in a /proc status text, which starts with Name: (the
 * last number of its line: NSpid lists the id in each PID namespace,
 * innermost last); -1 if absent. */
static long status_field(const char *status, const char *key)
{
	char pat[32];
	snprintf(pat, sizeof pat, "\n%s:", key);
	const char *p = strstr(status, pat);
	long v = -1;
	char *end;

	if (!p)
		return -1;
	for (p += strlen(pat);; p = end) {
		p += strspn(p, " \t");
		if (*p < '0' || *p > '9')
			break;
		v = strtol(p, &end, 10);
	}
	return v;
}

pid_t gofn_worker_first_thread(pid_t pid)
{
	char path[64], status[2048];
	struct dirent *d;
	long best_ns = -1;
	pid_t best = 0;

	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	DIR *dir = opendir(path);
	if (!dir)
		return 0;
	while ((d = readdir(dir))) {
		char *end;
		long tid = strtol(d->d_name, &end, 10);
		if (*end || tid <= 0 || tid == pid)
			continue;
		int tfd = openat(dirfd(dir), d->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (tfd < 0)
			continue;
		long ns = read_at(tfd, "status", status, sizeof status) < 0
			      ? -1
			      : status_field(status, "NSpid");
		close(tfd);
		if (ns > 0 && (best_ns < 0 || ns < best_ns)) {
			best_ns = ns;
			best = (pid_t)tid;
		}
	}
	closedir(dir);
	return best;
}

int gofn_worker_coarse_sysmon(pid_t pid, unsigned layers)
{
	char path[64], status[2048], v[24];

	if (!(layers & GOFN_LAYER_PIDNS) || pid <= 0)
		return 0;
	pid_t tid = gofn_worker_first_thread(pid);
	if (!tid)
		return 0;
	/* timerslack_ns is in /proc/TID, not in /proc/PID/task/TID. The
	 * directory pins that task: should the thread have ended and its id
	 * gone to another process, its Tgid says so and nothing is written. */
	snprintf(path, sizeof path, "/proc/%d", (int)tid);
	int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return 0;
	int ok = read_at(dfd, "status", status, sizeof status) >= 0 &&
		 status_field(status, "Tgid") == (long)pid;
	if (ok) {
		int fd = openat(dfd, "timerslack_ns", O_WRONLY | O_CLOEXEC);
		int n = snprintf(v, sizeof v, "%d", GOFN_SYSMON_SLACK_NS);
		ok = fd >= 0 && gofn_write_all(fd, v, (size_t)n) == 0;
		if (fd >= 0)
			close(fd);
	}
	close(dfd);
	return ok;
}
