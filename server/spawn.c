#include "server/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <string.h>
#include <sys/pidfd.h>
#include <unistd.h>

#include "api/frame.h"
#include "sandbox/sandbox.h"

/* posix_spawn (vfork semantics) is safe from our many threads: the child
 * runs no allocator or lock before exec. Every other server fd is
 * O_CLOEXEC, and closefrom drops anything that is not. */
static int spawn_plain(const gofn_config *c, int child_end, gofn_spawned *out, gofn_err *e)
{
	posix_spawn_file_actions_t fa;
	char *argv[] = {(char *)"gofn-loader", (char *)"-worker", (char *)"-unconfined", NULL};
	char *envp[] = {NULL};

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, child_end, GOFN_WORKER_CTRL_FD);
	posix_spawn_file_actions_addclosefrom_np(&fa, GOFN_WORKER_CTRL_FD + 1);
	int rc = posix_spawn(&out->proc.pid, c->loader_path, &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		errno = rc;
		return gofn_errsys(e, "spawn %s", c->loader_path);
	}
	out->proc.pidfd = (int)pidfd_open(out->proc.pid, 0);
	return 0;
}

/* Timeouts are enforced by gofnd per invocation (a warm worker lives across
 * many), so the sandbox gets no wall-clock limit; the rest are its defaults. */
static int spawn_confined(const gofn_config *c, int child_end, gofn_spawned *out, gofn_err *e)
{
	char *argv[] = {(char *)"gofn-loader", (char *)"-worker", NULL};
	int fds[] = {-1, -1, -1, child_end};
	gofn_sandbox_cfg sc = {
	    .exe = c->loader_path, .argv = argv, .fds = fds, .nfds = 4, .sigsys_fd = -1};
	gofn_sandbox_limits_default(&sc.limits);
	sc.limits.wall_ms = 0;
	sc.limits.output_bytes = 0;
	return gofn_sandbox_spawn(&sc, &out->proc, e);
}

int gofn_spawn_worker(const gofn_config *c, int confined, int child_end, gofn_spawned *out,
		      gofn_err *e)
{
	memset(out, 0, sizeof *out);
	out->proc.pidfd = -1;
	out->confined = confined;
	return confined ? spawn_confined(c, child_end, out, e) : spawn_plain(c, child_end, out, e);
}

void gofn_spawned_release(gofn_spawned *sp)
{
	if (sp->confined) {
		gofn_sandbox_release(&sp->proc);
	} else if (sp->proc.pidfd >= 0) {
		close(sp->proc.pidfd);
	}
	sp->proc.pidfd = -1;
}
