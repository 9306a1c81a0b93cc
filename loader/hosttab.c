/* The worker's host tables, precomputed by the build: see hosttab.h.
 *
 * Layout of the tail appended to the executable (all little-endian, the
 * records exactly the C structs of this build):
 *   head | syms[nsyms] | sym names | pad to 8 | types[ntypes] | type names
 *   | trailer {blob length, "GOFNHTAB"}
 * head.marker is the run-time address of a function of this binary: a table
 * appended to another build does not match and is ignored. */
#include "loader/hosttab.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader/link_internal.h"

#define HOSTTAB_VERSION 1

typedef struct head {
	char magic[8]; /* "GOFNHT01" */
	uint32_t version, sizeof_sym, sizeof_type, pad;
	uint64_t marker;
	uint64_t nsyms, sym_names_len, ntypes, type_names_len;
	uint64_t text_lo, text_hi, image_end;
	int64_t tls_g;
	uint64_t has_tls_g;
} head;

typedef struct trailer {
	uint64_t blob_len;
	char magic[8]; /* "GOFNHTAB" */
} trailer;

static uint64_t marker(void)
{
	return (uint64_t)(uintptr_t)&gofn_hosttab_write;
}

static size_t pad8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* The mapped table, or NULL: looked for once per process. */
static const head *tab;
static pthread_once_t tab_once = PTHREAD_ONCE_INIT;

static const head *check(const uint8_t *blob, uint64_t len)
{
	const head *h = (const head *)blob;
	if (len < sizeof *h || memcmp(h->magic, "GOFNHT01", 8) || h->version != HOSTTAB_VERSION ||
	    h->sizeof_sym != sizeof(gofn_hostsym) || h->sizeof_type != sizeof(gofn_hosttype_rec) ||
	    h->marker != marker())
		return NULL;
	uint64_t need = sizeof *h + h->nsyms * sizeof(gofn_hostsym) + pad8(h->sym_names_len) +
			h->ntypes * sizeof(gofn_hosttype_rec) + h->type_names_len;
	if (h->nsyms > len || h->ntypes > len || h->sym_names_len > len ||
	    h->type_names_len > len || need != len)
		return NULL;
	return h;
}

static void map_tab(void)
{
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	struct stat st;
	trailer tr;

	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && st.st_size > (off_t)sizeof tr &&
	    pread(fd, &tr, sizeof tr, st.st_size - (off_t)sizeof tr) == (ssize_t)sizeof tr &&
	    !memcmp(tr.magic, "GOFNHTAB", 8) && tr.blob_len <= (uint64_t)st.st_size - sizeof tr) {
		off_t start = st.st_size - (off_t)sizeof tr - (off_t)tr.blob_len;
		off_t page = (off_t)sysconf(_SC_PAGESIZE);
		off_t base = start / page * page;
		size_t maplen = (size_t)(st.st_size - base);
		void *m = mmap(NULL, maplen, PROT_READ, MAP_PRIVATE, fd, base);
		if (m != MAP_FAILED) {
			tab = check((const uint8_t *)m + (start - base), tr.blob_len);
			if (!tab)
				munmap(m, maplen);
		}
	}
	close(fd);
}

static const head *table(void)
{
	pthread_once(&tab_once, map_tab);
	return tab;
}

int gofn_hosttab_symtab(gofn_symtab *t)
{
	const head *h = table();
	if (!h)
		return 0;
	const uint8_t *p = (const uint8_t *)(h + 1);
	memset(t, 0, sizeof *t);
	t->syms = (const gofn_hostsym *)p;
	t->nsyms = h->nsyms;
	t->names = (const char *)(p + h->nsyms * sizeof(gofn_hostsym));
	t->mapped = 1;
	t->text_lo = h->text_lo;
	t->text_hi = h->text_hi;
	t->image_end = h->image_end;
	t->tls_g = h->tls_g;
	t->has_tls_g = (int)h->has_tls_g;
	return 1;
}

int gofn_hosttab_types(const gofn_hosttype_rec **recs, size_t *n, const char **names)
{
	const head *h = table();
	if (!h)
		return 0;
	const uint8_t *p =
	    (const uint8_t *)(h + 1) + h->nsyms * sizeof(gofn_hostsym) + pad8(h->sym_names_len);
	*recs = (const gofn_hosttype_rec *)p;
	*n = h->ntypes;
	*names = (const char *)(p + h->ntypes * sizeof(gofn_hosttype_rec));
	return 1;
}

static int write_all(FILE *f, const void *p, size_t n)
{
	return n == 0 || fwrite(p, 1, n, f) == n ? 0 : -1;
}

int gofn_hosttab_write(const char *path, gofn_err *err)
{
	gofn_symtab st;
	gofn_hosttype_rec *recs = NULL;
	char *tnames = NULL;
	size_t ntypes = 0, tnames_len = 0;
	static const uint8_t zeros[8];

	/* Never from an appended table: this is what builds one. */
	if (gofn_symtab_open(NULL, &st, err))
		return -1;
	if (gofn_hosttypes_export(&st, &recs, &ntypes, &tnames, &tnames_len, err)) {
		gofn_symtab_close(&st);
		return -1;
	}
	size_t snames_len = 0;
	for (size_t i = 0; i < st.nsyms; i++) {
		size_t end = st.syms[i].name + strlen(gofn_hostsym_name(&st, &st.syms[i])) + 1;
		if (end > snames_len)
			snames_len = end;
	}
	head h = {.version = HOSTTAB_VERSION,
		  .sizeof_sym = sizeof(gofn_hostsym),
		  .sizeof_type = sizeof(gofn_hosttype_rec),
		  .marker = marker(),
		  .nsyms = st.nsyms,
		  .sym_names_len = snames_len,
		  .ntypes = ntypes,
		  .type_names_len = tnames_len,
		  .text_lo = st.text_lo,
		  .text_hi = st.text_hi,
		  .image_end = st.image_end,
		  .tls_g = st.tls_g,
		  .has_tls_g = (uint64_t)st.has_tls_g};
	memcpy(h.magic, "GOFNHT01", 8);
	trailer tr = {.blob_len = sizeof h + st.nsyms * sizeof(gofn_hostsym) + pad8(snames_len) +
				  ntypes * sizeof(gofn_hosttype_rec) + tnames_len};
	memcpy(tr.magic, "GOFNHTAB", 8);
	FILE *f = fopen(path, "wb");
	int rc = !f || write_all(f, &h, sizeof h) ||
		 write_all(f, st.syms, st.nsyms * sizeof(gofn_hostsym)) ||
		 write_all(f, st.names, snames_len) ||
		 write_all(f, zeros, pad8(snames_len) - snames_len) ||
		 write_all(f, recs, ntypes * sizeof *recs) || write_all(f, tnames, tnames_len) ||
		 write_all(f, &tr, sizeof tr);
	if (f && fclose(f))
		rc = -1;
	gofn_symtab_close(&st);
	free(recs);
	free(tnames);
	return rc ? gofn_errsys(err, "write host table %s", path) : 0;
}

/* The read-only mappings of the worker's own file (text, rodata, the
 * appended table) after start-up: the init functions of every standard
 * package ran once, and with the kernel's fault-around each pulled in
 * neighbouring pages, so most of the 28 MB file is resident though idle
 * work never touches it again. Dropping the pages from this process's page
 * tables is exact for a private mapping none of whose pages was written
 * (smaps: no dirty or anonymous page; RELRO pages the dynamic linker wrote
 * are both, and are kept): a later access faults the same bytes back in
 * from the page cache. */
static void trim_one(unsigned long lo, unsigned long hi, int clean)
{
	if (clean && hi > lo)
		madvise((void *)lo, hi - lo, MADV_DONTNEED);
}

void gofn_hosttab_trim(void)
{
	char exe[4096], line[4096 + 128];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	unsigned long lo = 0, hi = 0;
	int cand = 0, clean = 0;
	FILE *f;

	if (n <= 0 || !(f = fopen("/proc/self/smaps", "re")))
		return;
	exe[n] = 0;
	while (fgets(line, sizeof line, f)) {
		unsigned long a, b, kb;
		char perms[5];
		int path = 0;
		line[strcspn(line, "\n")] = 0;
		if (sscanf(line, "%lx-%lx %4s %*s %*s %*s %n", &a, &b, perms, &path) >= 3 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			if (cand)
				trim_one(lo, hi, clean);
			lo = a, hi = b;
			cand = path && perms[1] != 'w' && perms[3] == 'p' &&
			       strcmp(line + path, exe) == 0;
			clean = 1;
			continue;
		}
		if ((sscanf(line, "Private_Dirty: %lu kB", &kb) == 1 ||
		     sscanf(line, "Anonymous: %lu kB", &kb) == 1) &&
		    kb)
			clean = 0;
	}
	if (cand)
		trim_one(lo, hi, clean);
	fclose(f);
}
