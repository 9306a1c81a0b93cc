/* Internal to sandbox/: everything the child needs after clone, computed by
 * the parent beforehand, because between clone and exec the child of a
 * multi-threaded process may only make async-signal-safe calls (no malloc,
 * no stdio). */
#ifndef GOFN_SANDBOX_SPAWN_PLAN_H
#define GOFN_SANDBOX_SPAWN_PLAN_H

#include <limits.h>
#include <stddef.h>

#include "sandbox/sandbox.h"

#define GOFN_PLAN_MAX_FDS   16
#define GOFN_PLAN_MAX_BINDS 64
#define GOFN_WORKER_UID	    1000 /* inside the user namespace */
#define GOFN_NOBODY	    65534

enum { GOFN_BIND_DIR = 1, GOFN_BIND_SYMLINK, GOFN_BIND_FILE, GOFN_BIND_DEVICE };

/* One entry of the worker's root, replayed in order by the child. */
typedef struct gofn_bind {
	int kind;	  /* GOFN_BIND_* */
	char path[128];	  /* same path inside the new root as outside */
	char target[128]; /* GOFN_BIND_SYMLINK: the link's text */
} gofn_bind;

typedef struct gofn_spawn_plan {
	int exefd;
	int fds[GOFN_PLAN_MAX_FDS];
	size_t nfds;
	char *const *argv;
	unsigned clone_ns; /* CLONE_NEW* flags the clone got */
	int want_cgroupns; /* unshare cgroup ns after being moved into the cgroup */
	int set_ids;	   /* switch to a non-root uid/gid */
	unsigned uid, gid; /* in the worker's view */
	unsigned host_uid; /* outside, when root: the tenant's uid (or nobody) */
	int drop_groups;   /* setgroups(0) is allowed */
	const char *base;  /* existing dir the new root's tmpfs is mounted on */
	int mnt_template;  /* >= 0: the shared root's mount namespace (template.c) */
	gofn_bind binds[GOFN_PLAN_MAX_BINDS];
	size_t nbinds;
	gofn_sandbox_limits limits;
} gofn_spawn_plan;

/* What the child tells the parent before exec; EOF afterwards means exec worked. */
typedef struct gofn_child_msg {
	int failed;	   /* 0: the ready report; 1: `what` failed with errno `err` */
	int template_step; /* the failed step is one only the shared root takes */
	int want_maps;	   /* the child entered its user namespace: write its maps */
	int err;
	unsigned layers;
	char what[96];
} gofn_child_msg;

/* Runs in the cloned child; never returns. */
_Noreturn void gofn_sandbox_child(const gofn_spawn_plan *p, int sync_rd, int msg_wr);

/* The template's builder (child.c): builds p's root in its own mount
 * namespace, reports on msg_wr, then waits for EOF on sync_rd. */
_Noreturn void gofn_sandbox_template_child(const gofn_spawn_plan *p, int sync_rd, int msg_wr);

/* A mount namespace holding p's root, built once per distinct root and
 * kept (template.c): the fd, or -1 where none can be made (not root, a
 * kernel or container refusing); then each worker builds its own. */
int gofn_rootfs_template(const gofn_spawn_plan *p);
/* A worker failed a step of the shared root: build roots one by one from
 * now on. */
void gofn_rootfs_template_off(void);

/* Fills p->binds for exe (sandbox/rootfs.c). */
int gofn_rootfs_plan(const char *exe, gofn_spawn_plan *p, gofn_err *err);

/* Parent side cgroup (sandbox/cgroup.c). 2 = created, pid attached and in
 * its uid's CPU group (l->cpu_weight), 1 = created and attached (memory,
 * pids), 0 = no writable hierarchy with the needed controllers, -1 = error.
 * cpu_own (gofn_sandbox_cfg.cpu_own): not in its uid's CPU group but, on
 * cgroup v1, in one of its own with l's weight (1 then). */
int gofn_cgroup_attach(pid_t pid, const gofn_sandbox_limits *l, unsigned uid, int cpu_own,
		       char *path, size_t len, gofn_err *err);
/* Renames parent/w<pid> to parent/t<uid>, removing an empty t<uid> first:
 * 1 renamed, 0 t<uid> is in use (a process inside: the caller moves the
 * worker instead), -1 error (errno). cgroup v1 only allows renames under one
 * parent; a test passes a plain directory. */
int gofn_cgroup_v1_claim(const char *parent, pid_t pid, unsigned uid);
/* Removes parent's w<pid> groups whose pid no longer exists (leftovers of
 * a supervisor that died; sandbox/cgroup_sweep.c), unless parent was swept
 * in this process less than GOFN_CGROUP_SWEEP_MS before now_ms (gofn_now_ms).
 * 1 swept, 0 not due. */
#define GOFN_CGROUP_SWEEP_MS 60000
int gofn_cgroup_sweep(const char *parent, int64_t now_ms);
/* 1 if the cgroup recorded an OOM kill. */
int gofn_cgroup_oom(const char *path);
void gofn_cgroup_remove(const char *path);
/* 1 if gofn_cgroup_attach could work here (a writable hierarchy with memory and pids). */
int gofn_cgroup_available(void);
/* Writes a tenant CPU group's weight and cap (millicores, 0 = none) into
 * dir: v2 cpu.weight and cpu.max, or (v1) cpu.shares (weight x 1024 / 100)
 * and cpu.cfs_period_us/cpu.cfs_quota_us. 0, or -1 with errno. */
int gofn_cgroup_cpu_write(const char *dir, int v1, unsigned weight, unsigned quota_mcpu);

#endif
