/* What goes into a worker's empty root: /dev/null and exactly the files the
 * dynamic loader opens to start the worker executable (its PT_INTERP and the
 * DT_NEEDED closure), each at the path the loader will use, with the chain
 * of symlinks on the way (/lib64 -> usr/lib64 -> ...) recreated. Nothing
 * else of the host is visible. Computed in the parent; the child only
 * replays the list (child.c). */
#include "sandbox/spawn_plan.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Where glibc's ld.so looks without an ld.so.cache (Debian multiarch). */
static const char *const lib_dirs[] = {"/lib/x86_64-linux-gnu",
				       "/usr/lib/x86_64-linux-gnu",
				       "/lib64",
				       "/usr/lib64",
				       "/lib",
				       "/usr/lib"};

#define MAX_LIBS 24

static int add_op(gofn_spawn_plan *p, int kind, const char *path, const char *target, gofn_err *err)
{
	gofn_bind *b;

	for (size_t i = 0; i < p->nbinds; i++)
		if (strcmp(p->binds[i].path, path) == 0)
			return 0;
	if (p->nbinds == GOFN_PLAN_MAX_BINDS)
		return gofn_errf(err, GOFN_ELIMIT, "worker root: more than %d entries",
				 GOFN_PLAN_MAX_BINDS);
	b = &p->binds[p->nbinds];
	if (strlen(path) >= sizeof b->path || (target && strlen(target) >= sizeof b->target))
		return gofn_errf(err, GOFN_ELIMIT, "worker root: path too long: %s", path);
	memset(b, 0, sizeof *b);
	b->kind = kind;
	strcpy(b->path, path);
	if (target)
		strcpy(b->target, target);
	p->nbinds++;
	return 0;
}

/* Adds `path` as the kernel and ld.so will walk it: directories, symlinks
 * (followed, and their targets added too) and the final file. */
static int replicate(gofn_spawn_plan *p, const char *path, int kind, int depth, gofn_err *err)
{
	char cur[256] = "", rest[256], link[128], next[256];
	struct stat st;
	const char *c = path;

	if (depth > 16 || path[0] != '/')
		return gofn_errf(err, GOFN_EINVAL, "worker root: cannot follow %s", path);
	while (*c) {
		size_t n;
		while (*c == '/')
			c++;
		n = strcspn(c, "/");
		if (!n)
			break;
		if (n == 1 && c[0] == '.') {
			c += n;
			continue;
		}
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			char *slash = strrchr(cur, '/');
			if (slash)
				*slash = 0;
			c += n;
			continue;
		}
		if (snprintf(next, sizeof next, "%s/%.*s", cur, (int)n, c) >= (int)sizeof next)
			return gofn_errf(err, GOFN_ELIMIT, "worker root: path too long: %s", path);
		c += n;
		if (lstat(next, &st) < 0)
			return gofn_errsys(err, "worker root: %s", next);
		if (S_ISLNK(st.st_mode)) {
			ssize_t l = readlink(next, link, sizeof link - 1);
			if (l <= 0)
				return gofn_errsys(err, "worker root: readlink %s", next);
			link[l] = 0;
			if (add_op(p, GOFN_BIND_SYMLINK, next, link, err) < 0)
				return -1;
			int w = snprintf(rest, sizeof rest, "%s", c);
			if (w >= 0 && (size_t)w < sizeof rest)
				w = link[0] == '/'
					? snprintf(next, sizeof next, "%s%s", link, rest)
					: snprintf(next, sizeof next, "%s/%s%s", cur, link, rest);
			if (w < 0 || (size_t)w >= sizeof next)
				return gofn_errf(err, GOFN_ELIMIT, "worker root: path too long: %s",
						 path);
			return replicate(p, next, kind, depth + 1, err);
		}
		if (S_ISDIR(st.st_mode) && *c) {
			if (add_op(p, GOFN_BIND_DIR, next, NULL, err) < 0)
				return -1;
			snprintf(cur, sizeof cur, "%s", next);
			continue;
		}
		if (*c)
			return gofn_errf(err, GOFN_EINVAL, "worker root: %s is not a directory",
					 next);
		if ((kind == GOFN_BIND_DEVICE && !S_ISCHR(st.st_mode)) ||
		    (kind == GOFN_BIND_FILE && !S_ISREG(st.st_mode)))
			return gofn_errf(err, GOFN_EINVAL, "worker root: %s: unexpected file type",
					 next);
		return add_op(p, kind, next, NULL, err);
	}
	return gofn_errf(err, GOFN_EINVAL, "worker root: empty path");
}

/* The interpreter and the DT_NEEDED names of one ELF file. */
static int read_deps(const char *path, char *interp, size_t ilen, char names[][64], int *n,
		     gofn_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;
	Elf *e;
	Elf_Scn *scn = NULL;
	size_t phnum;

	if (fd < 0)
		return gofn_errsys(err, "worker root: open %s", path);
	/* mapped, not read: elf_rawfile on ELF_C_READ reads the whole file
	 * (the worker is ~28 MB with the standard library kept) */
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF || elf_getphdrnum(e, &phnum) != 0) {
		rc = gofn_errf(err, GOFN_EINVAL, "worker root: %s: not an ELF file", path);
		goto out;
	}
	for (size_t i = 0; interp && i < phnum; i++) {
		GElf_Phdr ph;
		size_t size;
		char *raw = elf_rawfile(e, &size);
		if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_INTERP)
			continue;
		if (!raw || ph.p_offset >= size || ph.p_filesz > size - ph.p_offset ||
		    ph.p_filesz == 0 || ph.p_filesz >= ilen || raw[ph.p_offset + ph.p_filesz - 1]) {
			rc = gofn_errf(err, GOFN_EINVAL, "worker root: %s: bad PT_INTERP", path);
			goto out;
		}
		memcpy(interp, raw + ph.p_offset, ph.p_filesz);
	}
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNAMIC ||
		    !(d = elf_getdata(scn, NULL)))
			continue;
		for (size_t k = 0; sh.sh_entsize && k < sh.sh_size / sh.sh_entsize; k++) {
			GElf_Dyn dyn;
			const char *name;
			if (!gelf_getdyn(d, (int)k, &dyn) || dyn.d_tag != DT_NEEDED)
				continue;
			name = elf_strptr(e, sh.sh_link, dyn.d_un.d_val);
			if (!name || strlen(name) >= 64 || strchr(name, '/') || *n >= MAX_LIBS) {
				rc = gofn_errf(err, GOFN_EINVAL, "worker root: %s: bad DT_NEEDED",
					       path);
				goto out;
			}
			int seen = 0;
			for (int j = 0; j < *n; j++)
				seen |= strcmp(names[j], name) == 0;
			if (!seen)
				strcpy(names[(*n)++], name);
		}
	}
out:
	if (e)
		elf_end(e);
	close(fd);
	return rc;
}

static int find_lib(const char *name, char *out, size_t len)
{
	for (size_t i = 0; i < sizeof lib_dirs / sizeof lib_dirs[0]; i++) {
		int w = snprintf(out, len, "%s/%s", lib_dirs[i], name);
		if (w > 0 && (size_t)w < len && access(out, R_OK) == 0)
			return 0;
	}
	return -1;
}

static int plan(const char *exe, gofn_spawn_plan *p, gofn_err *err)
{
	char interp[128] = "", names[MAX_LIBS][64], path[256];
	int n = 0;

	p->nbinds = 0;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return gofn_errf(err, GOFN_EINVAL, "libelf: %s", elf_errmsg(-1));
	if (replicate(p, "/dev/null", GOFN_BIND_DEVICE, 0, err) < 0 ||
	    read_deps(exe, interp, sizeof interp, names, &n, err) < 0)
		return -1;
	if (!interp[0])
		return 0; /* static: nothing to add */
	if (replicate(p, interp, GOFN_BIND_FILE, 0, err) < 0)
		return -1;
	/* names grows while we walk it: the closure of every library's needs. */
	for (int i = 0; i < n; i++) {
		if (find_lib(names[i], path, sizeof path) < 0)
			return gofn_errf(err, GOFN_ENOTFOUND, "worker root: library %s not found",
					 names[i]);
		if (replicate(p, path, GOFN_BIND_FILE, 0, err) < 0 ||
		    read_deps(path, NULL, 0, names, &n, err) < 0)
			return -1;
	}
	return 0;
}

/* gofnd spawns the same executable over and over: keep the last plan,
 * keyed by the file's identity, so only a changed worker is parsed again. */
static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
	dev_t dev;
	ino_t ino;
	struct timespec mtime;
	size_t n;
	gofn_bind binds[GOFN_PLAN_MAX_BINDS];
} cache;

int gofn_rootfs_plan(const char *exe, gofn_spawn_plan *p, gofn_err *err)
{
	struct stat st;
	int rc;

	if (stat(exe, &st) < 0)
		return gofn_errsys(err, "worker root: %s", exe);
	pthread_mutex_lock(&cache_mu);
	if (cache.n && cache.dev == st.st_dev && cache.ino == st.st_ino &&
	    cache.mtime.tv_sec == st.st_mtim.tv_sec && cache.mtime.tv_nsec == st.st_mtim.tv_nsec) {
		memcpy(p->binds, cache.binds, cache.n * sizeof cache.binds[0]);
		p->nbinds = cache.n;
		pthread_mutex_unlock(&cache_mu);
		return 0;
	}
	rc = plan(exe, p, err);
	if (rc == 0) {
		cache.dev = st.st_dev;
		cache.ino = st.st_ino;
		cache.mtime = st.st_mtim;
		cache.n = p->nbinds;
		memcpy(cache.binds, p->binds, p->nbinds * sizeof p->binds[0]);
	}
	pthread_mutex_unlock(&cache_mu);
	return rc;
}
