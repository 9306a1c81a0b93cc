/* Memory and pid limits enforced by the kernel, where a writable cgroup
 * hierarchy with the controllers exists: cgroup v2 (memory.max, pids.max)
 * first, else the v1 memory and pids hierarchies. Neither is an error: the
 * supervisor's RSS watchdog and RLIMIT_NPROC remain. When l->cpu_weight is
 * set, the worker also shares one CPU group with the other workers of its
 * host uid (its tenant's): cpu.weight / cpu.shares between tenants, and
 * cpu.max / cpu.cfs_quota_us as an optional cap per tenant. Layout:
 *   v2: <mount>/gofn/[t<uid>/]w<pid>          recorded as that path
 *   v1: <v1 root>/{memory,pids}/gofn/w<pid>   recorded as "v1:w<pid>",
 *       <v1 root>/cpu/gofn/t<uid>             (tenant group, kept)
 *       <v1 root>/cpu/gofn/w<pid>             (a prepared worker's own CPU
 *                                              group, renamed t<uid> at bind)
 * Moving a process between cgroups (a write to cgroup.procs) takes
 * cgroup_threadgroup_rwsem for writing, which waits for an RCU grace
 * period unless another migration just ran: 3 ms median, up to 38 ms
 * here (docs/benchmarks.md, "Cold start"). A rename moves no process. */
#include "common/clock.h"
#include "common/io.h"
#include "sandbox/spawn_plan.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define V1_ROOT "/sys/fs/cgroup"

static int put(const char *dir, const char *file, const char *text)
{
	char path[512];
	int fd;
	ssize_t n;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	fd =
	    open(path, O_WRONLY | O_TRUNC | O_CLOEXEC); /* as `echo v >file`; a fake dir in tests */
	if (fd < 0)
		return -1;
	n = gofn_write_all(fd, text, strlen(text));
	close(fd);
	return n < 0 ? -1 : 0;
}

/* put, unless the file already reads text: every cold start sets its
 * tenant's CPU group, and a write to the v1 quota or period (v2: cpu.max)
 * recomputes the bandwidth of every group in the hierarchy
 * (tg_set_bandwidth), 1.9 % of a spawn's CPU in a perf profile
 * (docs/benchmarks.md, "Spawn cost"), for a value that rarely changes. */
static int put_changed(const char *dir, const char *file, const char *text)
{
	char path[512], have[64];
	int fd;
	ssize_t n;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = gofn_read_retry(fd, have, sizeof have - 1);
		close(fd);
		if (n > 0) {
			have[n] = 0;
			have[strcspn(have, "\n")] = 0;
			if (strcmp(have, text) == 0)
				return 0;
		}
	}
	return put(dir, file, text);
}

static int has_word(const char *path, const char *word)
{
	char buf[512], *save = NULL;
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return 0;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	for (char *w = strtok_r(buf, " \n", &save); w; w = strtok_r(NULL, " \n", &save))
		if (strcmp(w, word) == 0)
			return 1;
	return 0;
}

/* The cgroup2 mount point: /sys/fs/cgroup on unified hosts, .../unified on hybrid ones. */
static const char *v2_root(void)
{
	static const char *const c[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"};

	for (size_t i = 0; i < 2; i++) {
		char p[128];
		snprintf(p, sizeof p, "%s/cgroup.controllers", c[i]);
		if (has_word(p, "memory") && has_word(p, "pids"))
			return c[i];
	}
	return NULL;
}

static void num(char *buf, size_t len, uint64_t v)
{
	if (v)
		snprintf(buf, len, "%" PRIu64, v);
	else
		snprintf(buf, len, "max");
}

/* The controllers this v2 tree can delegate below root: memory and pids
 * are required, cpu is used when present. */
static const char *v2_controllers(const char *root)
{
	char p[160];

	snprintf(p, sizeof p, "%s/cgroup.controllers", root);
	return has_word(p, "cpu") ? "+memory +pids +cpu" : "+memory +pids";
}

/* cpu.max and cpu.cfs_quota_us count microseconds per period: over 100 ms,
 * 1000 millicores (one CPU) is 100000 us. */
#define CPU_PERIOD_US 100000u

int gofn_cgroup_cpu_write(const char *dir, int v1, unsigned weight, unsigned quota_mcpu)
{
	char v[48];
	unsigned long long quota = (unsigned long long)quota_mcpu * (CPU_PERIOD_US / 1000u);

	if (v1) {
		/* cpu.weight 100 is the v2 default, cpu.shares 1024 the v1 one */
		unsigned shares = weight * 1024u / 100u;
		snprintf(v, sizeof v, "%u", shares > 2 ? shares : 2);
		if (put_changed(dir, "cpu.shares", v) < 0)
			return -1;
		snprintf(v, sizeof v, "%u", CPU_PERIOD_US);
		if (put_changed(dir, "cpu.cfs_period_us", v) < 0)
			return -1;
		if (quota)
			snprintf(v, sizeof v, "%llu", quota);
		else
			snprintf(v, sizeof v, "-1");
		return put_changed(dir, "cpu.cfs_quota_us", v);
	}
	snprintf(v, sizeof v, "%u", weight);
	if (put_changed(dir, "cpu.weight", v) < 0)
		return -1;
	if (quota)
		snprintf(v, sizeof v, "%llu %u", quota, CPU_PERIOD_US);
	else
		snprintf(v, sizeof v, "max %u", CPU_PERIOD_US);
	return put_changed(dir, "cpu.max", v);
}

/* The tenant's CPU group under parent: weight between tenants, optional cap. */
static int tenant_group_v2(const char *parent, const char *ctl, const gofn_sandbox_limits *l,
			   unsigned uid, char *dir, size_t len)
{
	snprintf(dir, len, "%s/t%u", parent, uid);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -1;
	if (put(dir, "cgroup.subtree_control", ctl) < 0)
		return -1;
	if (!strstr(ctl, "cpu"))
		return 0;
	return gofn_cgroup_cpu_write(dir, 0, l->cpu_weight, l->cpu_quota_mcpu);
}

static int attach_v2(const char *root, pid_t pid, const gofn_sandbox_limits *l, unsigned uid,
		     char *path, size_t len)
{
	char parent[256], group[300], v[32], p[32];
	const char *ctl = v2_controllers(root);

	snprintf(parent, sizeof parent, "%s/gofn", root);
	if (mkdir(parent, 0755) < 0 && errno != EEXIST)
		return 0;
	gofn_cgroup_sweep(parent, gofn_now_ms());
	/* Controllers must be enabled at every level above the leaf. */
	if (put(root, "cgroup.subtree_control", ctl) < 0 ||
	    put(parent, "cgroup.subtree_control", ctl) < 0)
		return 0;
	snprintf(group, sizeof group, "%s", parent);
	if (l->cpu_weight) {
		if (tenant_group_v2(parent, ctl, l, uid, group, sizeof group) < 0)
			return 0;
		gofn_cgroup_sweep(group, gofn_now_ms());
	}
	snprintf(path, len, "%s/w%d", group, (int)pid);
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return 0;
	num(v, sizeof v, l->mem_bytes);
	snprintf(p, sizeof p, "%d", (int)pid);
	if (put(path, "memory.max", v) < 0 || put(path, "memory.swap.max", "0") < 0 ||
	    (num(v, sizeof v, l->max_threads), put(path, "pids.max", v)) < 0 ||
	    put(path, "cgroup.procs", p) < 0) {
		rmdir(path);
		path[0] = 0;
		return 0;
	}
	return strstr(ctl, "cpu") && l->cpu_weight ? 2 : 1;
}

static int v1_dir(const char *ctl, const char *leaf, char *buf, size_t len)
{
	char parent[128];

	snprintf(parent, sizeof parent, V1_ROOT "/%s/gofn", ctl);
	if (mkdir(parent, 0755) < 0 && errno != EEXIST)
		return -1;
	gofn_cgroup_sweep(parent, gofn_now_ms());
	snprintf(buf, len, "%s/%s", parent, leaf);
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

static int attach_v1(pid_t pid, const gofn_sandbox_limits *l, char *path, size_t len)
{
	char leaf[32], mem[256], pids[256], v[32], p[32];

	if (access(V1_ROOT "/memory/cgroup.procs", W_OK) < 0 ||
	    access(V1_ROOT "/pids/cgroup.procs", W_OK) < 0)
		return 0;
	snprintf(leaf, sizeof leaf, "w%d", (int)pid);
	snprintf(p, sizeof p, "%d", (int)pid);
	if (v1_dir("memory", leaf, mem, sizeof mem) < 0 ||
	    v1_dir("pids", leaf, pids, sizeof pids) < 0)
		goto undo;
	snprintf(path, len, "v1:%s", leaf);
	if (l->mem_bytes) {
		snprintf(v, sizeof v, "%" PRIu64, l->mem_bytes);
		if (put(mem, "memory.limit_in_bytes", v) < 0)
			goto undo;
		put(mem, "memory.memsw.limit_in_bytes", v); /* absent without swap accounting */
	}
	num(v, sizeof v, l->max_threads);
	if (put(pids, "pids.max", v) < 0 || put(mem, "cgroup.procs", p) < 0 ||
	    put(pids, "cgroup.procs", p) < 0)
		goto undo;
	return 1;
undo:
	snprintf(path, len, "v1:%s", leaf);
	gofn_cgroup_remove(path);
	path[0] = 0;
	return 0;
}

/* v1: the tenant's group in the cpu hierarchy; the worker joins it. A
 * group is never removed while gofnd runs (one per tenant), except when
 * empty by a bind that renames a prepared worker's group in its place
 * (gofn_cgroup_v1_claim): a join that loses that race finds its group
 * gone (ENOENT) and joins the renamed one. 1 = joined. */
static int attach_v1_cpu(pid_t pid, const gofn_sandbox_limits *l, unsigned uid)
{
	char dir[160], v[32];

	if (!l->cpu_weight || access(V1_ROOT "/cpu/cgroup.procs", W_OK) < 0)
		return 0;
	if (mkdir(V1_ROOT "/cpu/gofn", 0755) < 0 && errno != EEXIST)
		return 0;
	snprintf(dir, sizeof dir, V1_ROOT "/cpu/gofn/t%u", uid);
	snprintf(v, sizeof v, "%d", (int)pid);
	for (int tries = 0; tries < 4; tries++) {
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return 0;
		if (gofn_cgroup_cpu_write(dir, 1, l->cpu_weight, l->cpu_quota_mcpu) == 0 &&
		    put(dir, "cgroup.procs", v) == 0)
			return 1;
		if (errno != ENOENT)
			return 0;
	}
	return 0;
}

/* v1: a CPU group of the worker's own, cpu/gofn/w<pid>, with l's weight
 * and cap: where a prepared worker waits, so that its bind can rename the
 * group to its tenant's instead of moving it. 1 = joined. */
static int attach_v1_own_cpu(pid_t pid, const gofn_sandbox_limits *l)
{
	char dir[160], v[32];

	if (!l->cpu_weight || access(V1_ROOT "/cpu/cgroup.procs", W_OK) < 0)
		return 0;
	if (mkdir(V1_ROOT "/cpu/gofn", 0755) < 0 && errno != EEXIST)
		return 0;
	gofn_cgroup_sweep(V1_ROOT "/cpu/gofn", gofn_now_ms()); /* own groups of dead workers */
	snprintf(dir, sizeof dir, V1_ROOT "/cpu/gofn/w%d", (int)pid);
	snprintf(v, sizeof v, "%d", (int)pid);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return 0;
	if (gofn_cgroup_cpu_write(dir, 1, l->cpu_weight, l->cpu_quota_mcpu) < 0 ||
	    put(dir, "cgroup.procs", v) < 0) {
		rmdir(dir);
		return 0;
	}
	return 1;
}

int gofn_cgroup_v1_claim(const char *parent, pid_t pid, unsigned uid)
{
	char own[300], dir[300];

	snprintf(own, sizeof own, "%s/w%d", parent, (int)pid);
	snprintf(dir, sizeof dir, "%s/t%u", parent, uid);
	for (int tries = 0; tries < 4; tries++) {
		if (rename(own, dir) == 0)
			return 1;
		if (errno != EEXIST && errno != ENOTEMPTY && errno != EBUSY)
			return -1;
		/* The tenant's group exists: empty (its workers ended), it
		 * makes way; with a process inside (EBUSY on cgroupfs), the
		 * worker must join it. */
		if (rmdir(dir) < 0 && errno != ENOENT)
			return errno == EBUSY || errno == ENOTEMPTY ? 0 : -1;
	}
	return 0;
}

/* v1 bind: the worker's own group becomes its tenant's when the tenant has
 * none running (no migration), else the worker joins the tenant's group
 * and its own is removed. 1 = renamed, 0 = joined, -1 = neither. */
static int v1_bind_cpu(pid_t pid, const gofn_sandbox_limits *l, unsigned uid)
{
	char own[160];

	snprintf(own, sizeof own, V1_ROOT "/cpu/gofn/w%d", (int)pid);
	if (access(own, F_OK) == 0 &&
	    gofn_cgroup_cpu_write(own, 1, l->cpu_weight, l->cpu_quota_mcpu) == 0 &&
	    gofn_cgroup_v1_claim(V1_ROOT "/cpu/gofn", pid, uid) == 1)
		return 1;
	int joined = attach_v1_cpu(pid, l, uid);
	rmdir(own); /* ENOENT when it never had one; EBUSY if the join failed */
	return joined ? 0 : -1;
}

int gofn_sandbox_tenant_cpu(unsigned uid, unsigned weight, unsigned quota_mcpu, gofn_err *err)
{
	char dir[2][256];
	const char *root = v2_root();
	int n = 0;

	snprintf(dir[0], sizeof dir[0], "%s/gofn/t%u", root ? root : "", uid);
	snprintf(dir[1], sizeof dir[1], V1_ROOT "/cpu/gofn/t%u", uid);
	for (int v1 = !root; v1 < 2; v1++) {
		char f[300];
		/* a v2 group without the cpu controller has no cpu.weight */
		snprintf(f, sizeof f, "%s/%s", dir[v1], v1 ? "cpu.shares" : "cpu.weight");
		if (access(f, F_OK) < 0)
			continue;
		if (gofn_cgroup_cpu_write(dir[v1], v1, weight, quota_mcpu) < 0)
			return gofn_errsys(err, "CPU group %s", dir[v1]);
		n++;
	}
	return n;
}

int gofn_cgroup_available(void)
{
	const char *root = v2_root();
	char p[128];

	if (root) {
		snprintf(p, sizeof p, "%s/cgroup.procs", root);
		if (access(p, W_OK) == 0)
			return 1;
	}
	return access(V1_ROOT "/memory/cgroup.procs", W_OK) == 0 &&
	       access(V1_ROOT "/pids/cgroup.procs", W_OK) == 0;
}

int gofn_cgroup_attach(pid_t pid, const gofn_sandbox_limits *l, unsigned uid, int cpu_own,
		       char *path, size_t len, gofn_err *err)
{
	const char *root = v2_root();
	gofn_sandbox_limits nocpu = *l;
	int r;

	(void)err;
	path[0] = 0;
	/* v2 cannot rename a group: a prepared worker waits in no CPU group
	 * and moves at its bind, as before. */
	nocpu.cpu_weight = 0;
	if (root && (r = attach_v2(root, pid, cpu_own ? &nocpu : l, uid, path, len)) > 0)
		return r;
	path[0] = 0;
	r = attach_v1(pid, l, path, len);
	if (r > 0 && cpu_own) {
		attach_v1_own_cpu(pid, l); /* without it, the bind joins by a move */
		return r;
	}
	return r > 0 && attach_v1_cpu(pid, l, uid) ? 2 : r;
}

int gofn_sandbox_join_cpu(gofn_sandbox_proc *p, const gofn_sandbox_limits *l, unsigned uid,
			  gofn_err *err)
{
	const char *root = v2_root();
	char leaf[sizeof p->cgroup];
	int r;

	if (!p->cgroup[0] || !l->cpu_weight)
		return 0;
	uid = uid ? uid : GOFN_NOBODY; /* as gofn_sandbox_spawn names the group */
	if (strncmp(p->cgroup, "v1:", 3) == 0) {
		r = v1_bind_cpu(p->pid, l, uid);
		if (r < 0)
			return 0; /* no cpu hierarchy: as a spawn without the CPU layer */
		p->layers |= GOFN_LAYER_CPU;
		return r;
	}
	if (!root)
		return 0;
	r = attach_v2(root, p->pid, l, uid, leaf, sizeof leaf);
	if (r == 0)
		return gofn_errf(err, GOFN_ESYS, "worker %d: cannot move it to cgroup %s/gofn/t%u",
				 (int)p->pid, root, uid);
	rmdir(p->cgroup);
	snprintf(p->cgroup, sizeof p->cgroup, "%s", leaf);
	p->layers |= r > 1 ? GOFN_LAYER_CPU : 0;
	return 0;
}

static int counter(const char *file, const char *key)
{
	char line[128];
	long v = 0;
	FILE *f = fopen(file, "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, key, strlen(key)) == 0 && line[strlen(key)] == ' ')
			v = strtol(line + strlen(key) + 1, NULL, 10);
	fclose(f);
	return v > 0;
}

int gofn_cgroup_oom(const char *path)
{
	char f[512];

	if (!path[0])
		return 0;
	if (strncmp(path, "v1:", 3) == 0) {
		snprintf(f, sizeof f, V1_ROOT "/memory/gofn/%s/memory.oom_control", path + 3);
		return counter(f, "oom_kill");
	}
	snprintf(f, sizeof f, "%s/memory.events", path);
	return counter(f, "oom_kill");
}

void gofn_cgroup_remove(const char *path)
{
	char d[512];

	if (!path || !path[0])
		return;
	if (strncmp(path, "v1:", 3) == 0) {
		if (!path[3])
			return;
		snprintf(d, sizeof d, V1_ROOT "/memory/gofn/%s", path + 3);
		rmdir(d);
		snprintf(d, sizeof d, V1_ROOT "/pids/gofn/%s", path + 3);
		rmdir(d);
		/* a prepared worker's own CPU group, if it was never renamed */
		snprintf(d, sizeof d, V1_ROOT "/cpu/gofn/%s", path + 3);
		rmdir(d);
		return;
	}
	rmdir(path);
}
