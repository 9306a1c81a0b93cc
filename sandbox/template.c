/* The shared root: one mount namespace per distinct worker root, built and
 * pivoted into once, that every worker joins and copies (child.c,
 * enter_template) instead of building its own tmpfs root and calling
 * pivot_root. pivot_root rewrites the root of every thread on the host that
 * has the old one (chroot_fs_refs walks all of them under tasklist_lock):
 * 0.04 ms with 300 threads, 2 ms with 8,800 (docs/benchmarks.md, "Cold
 * starts at 1,000 tenants (eighth session)"). The root holds only mount
 * points and read-only binds of the loader's libraries, no tenant's bytes;
 * it is read-only in the template, so in every copy, and each worker's
 * /proc is mounted in its own copy (private mounts: nothing propagates).
 * Only root can join a namespace the host's user namespace owns; elsewhere
 * (and after any failure) each worker builds its own root as before. */
#include "common/io.h"
#include "sandbox/spawn_plan.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_TEMPLATES 8 /* distinct roots: one per worker executable's libraries */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int off;
/* Which file a bound path was: a library replaced on the host (a package
 * upgrade renames a new file over it) gets a new template, as each worker
 * used to bind whatever the path held at its spawn. */
typedef struct file_id {
	dev_t dev;
	ino_t ino;
	struct timespec mtime;
} file_id;

static struct {
	int fd;
	size_t n;
	gofn_bind binds[GOFN_PLAN_MAX_BINDS];
	file_id ids[GOFN_PLAN_MAX_BINDS];
} cache[MAX_TEMPLATES];
static size_t ncache;

static int ids_of(const gofn_spawn_plan *p, file_id *ids)
{
	struct stat st;

	memset(ids, 0, GOFN_PLAN_MAX_BINDS * sizeof *ids);
	for (size_t i = 0; i < p->nbinds; i++) {
		if (p->binds[i].kind != GOFN_BIND_FILE)
			continue;
		if (stat(p->binds[i].path, &st) < 0)
			return -1;
		ids[i] = (file_id){.dev = st.st_dev, .ino = st.st_ino, .mtime = st.st_mtim};
	}
	return 0;
}

/* Clones the builder (a copy of our address space, once per root: no
 * CLONE_VM games here) and opens its mount namespace once it reports. */
static int build(const gofn_spawn_plan *p)
{
	int syncp[2], msgp[2], fd = -1;
	gofn_child_msg m;
	char path[64];
	pid_t pid;

	if (pipe2(syncp, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(msgp, O_CLOEXEC) < 0) {
		close(syncp[0]);
		close(syncp[1]);
		return -1;
	}
	pid =
	    (pid_t)syscall(SYS_clone, (unsigned long)CLONE_NEWNS | SIGCHLD, NULL, NULL, NULL, 0UL);
	if (pid == 0) {
		close(syncp[1]);
		close(msgp[0]);
		gofn_sandbox_template_child(p, syncp[0], msgp[1]);
	}
	close(syncp[0]);
	close(msgp[1]);
	if (pid > 0 && gofn_read_full(msgp[0], &m, sizeof m) == (ssize_t)sizeof m && !m.failed) {
		snprintf(path, sizeof path, "/proc/%d/ns/mnt", (int)pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	close(syncp[1]); /* the builder exits; the namespace lives on in fd */
	close(msgp[0]);
	if (pid > 0)
		gofn_waitpid(pid, NULL, 0);
	return fd;
}

int gofn_rootfs_template(const gofn_spawn_plan *p)
{
	file_id ids[GOFN_PLAN_MAX_BINDS];
	int fd = -1;

	if (geteuid() != 0 || ids_of(p, ids) < 0)
		return -1;
	pthread_mutex_lock(&mu);
	for (size_t i = 0; !off && i < ncache; i++)
		if (cache[i].n == p->nbinds &&
		    memcmp(cache[i].binds, p->binds, p->nbinds * sizeof p->binds[0]) == 0 &&
		    memcmp(cache[i].ids, ids, p->nbinds * sizeof ids[0]) == 0)
			fd = cache[i].fd;
	/* Templates are never closed (a spawn may be about to clone with
	 * one): past MAX_TEMPLATES roots, workers build their own. */
	if (!off && fd < 0 && ncache < MAX_TEMPLATES) {
		fd = build(p);
		if (fd >= 0) {
			cache[ncache].fd = fd;
			cache[ncache].n = p->nbinds;
			memcpy(cache[ncache].binds, p->binds, p->nbinds * sizeof p->binds[0]);
			memcpy(cache[ncache].ids, ids, sizeof ids);
			ncache++;
		} else {
			off = 1; /* refused here once: it will be again */
		}
	}
	pthread_mutex_unlock(&mu);
	return fd;
}

void gofn_rootfs_template_off(void)
{
	pthread_mutex_lock(&mu);
	off = 1;
	pthread_mutex_unlock(&mu);
}
