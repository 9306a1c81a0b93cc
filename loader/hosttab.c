/* The worker's host tables, precomputed by the build: see hosttab.h.
 *
 * Layout of the tail appended to the executable (all little-endian, the
 * records exactly the C structs of this build):
 *   head | syms[nsyms] | sym names | pad to 8 | types[ntypes] | type names
 *   | pad to 8 | itabs[nitabs] | itab names | trailer {blob length, "GOFNHTAB"}
 * (itabs: the host's itabs by name, link_hostitabs.c, as type records).
 * head.marker is the run-time address of a function of this binary: a table
 * appended to another build does not match and is ignored. */
#include "loader/hosttab.h"

#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader/link_internal.h"

#define HOSTTAB_VERSION 2

typedef struct head {
	char magic[8]; /* "GOFNHT01" */
	uint32_t version, sizeof_sym, sizeof_type, pad;
	uint64_t marker;
	uint64_t nsyms, sym_names_len, ntypes, type_names_len, nitabs, itab_names_len;
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
	if (h->nsyms > len || h->ntypes > len || h->sym_names_len > len ||
	    h->type_names_len > len || h->nitabs > len || h->itab_names_len > len)
		return NULL;
	uint64_t need = sizeof *h + h->nsyms * sizeof(gofn_hostsym) + pad8(h->sym_names_len) +
			h->ntypes * sizeof(gofn_hosttype_rec) + pad8(h->type_names_len) +
			h->nitabs * sizeof(gofn_hosttype_rec) + h->itab_names_len;
	if (need != len)
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

int gofn_hosttab_itabs(const gofn_hosttype_rec **recs, size_t *n, const char **names)
{
	const head *h = table();
	if (!h)
		return 0;
	const uint8_t *p = (const uint8_t *)(h + 1) + h->nsyms * sizeof(gofn_hostsym) +
			   pad8(h->sym_names_len) + h->ntypes * sizeof(gofn_hosttype_rec) +
			   pad8(h->type_names_len);
	*recs = (const gofn_hosttype_rec *)p;
	*n = h->nitabs;
	*names = (const char *)(p + h->nitabs * sizeof(gofn_hosttype_rec));
	return 1;
}

static int write_all(FILE *f, const void *p, size_t n)
{
	return n == 0 || fwrite(p, 1, n, f) == n ? 0 : -1;
}

/* The records and names of one sorted section (types or itabs). */
typedef struct recs {
	gofn_hosttype_rec *v;
	size_t n;
	char *names;
	size_t names_len;
} recs;

static int write_recs(FILE *f, const recs *r)
{
	return write_all(f, r->v, r->n * sizeof *r->v) || write_all(f, r->names, r->names_len);
}

static int write_pad(FILE *f, size_t n)
{
	static const uint8_t zeros[8];
	return write_all(f, zeros, pad8(n) - n);
}

static int write_table(const char *path, const gofn_symtab *st, const recs *types,
		       const recs *itabs)
{
	size_t snames_len = 0;
	for (size_t i = 0; i < st->nsyms; i++) {
		size_t end = st->syms[i].name + strlen(gofn_hostsym_name(st, &st->syms[i])) + 1;
		if (end > snames_len)
			snames_len = end;
	}
	head h = {.version = HOSTTAB_VERSION,
		  .sizeof_sym = sizeof(gofn_hostsym),
		  .sizeof_type = sizeof(gofn_hosttype_rec),
		  .marker = marker(),
		  .nsyms = st->nsyms,
		  .sym_names_len = snames_len,
		  .ntypes = types->n,
		  .type_names_len = types->names_len,
		  .nitabs = itabs->n,
		  .itab_names_len = itabs->names_len,
		  .text_lo = st->text_lo,
		  .text_hi = st->text_hi,
		  .image_end = st->image_end,
		  .tls_g = st->tls_g,
		  .has_tls_g = (uint64_t)st->has_tls_g};
	memcpy(h.magic, "GOFNHT01", 8);
	trailer tr = {.blob_len = sizeof h + st->nsyms * sizeof(gofn_hostsym) + pad8(snames_len) +
				  types->n * sizeof(gofn_hosttype_rec) + pad8(types->names_len) +
				  itabs->n * sizeof(gofn_hosttype_rec) + itabs->names_len};
	memcpy(tr.magic, "GOFNHTAB", 8);
	FILE *f = fopen(path, "wb");
	int rc = !f || write_all(f, &h, sizeof h) ||
		 write_all(f, st->syms, st->nsyms * sizeof(gofn_hostsym)) ||
		 write_all(f, st->names, snames_len) || write_pad(f, snames_len) ||
		 write_recs(f, types) || write_pad(f, types->names_len) || write_recs(f, itabs) ||
		 write_all(f, &tr, sizeof tr);
	if (f && fclose(f))
		rc = -1;
	return rc;
}

int gofn_hosttab_write(const char *path, gofn_err *err)
{
	gofn_symtab st;
	recs types = {0}, itabs = {0};
	int rc = -1;

	/* Never from an appended table: this is what builds one. */
	if (gofn_symtab_open(NULL, &st, err))
		return -1;
	if (!gofn_hosttypes_export(&st, &types.v, &types.n, &types.names, &types.names_len, err) &&
	    !gofn_hostitabs_export(&itabs.v, &itabs.n, &itabs.names, &itabs.names_len, err)) {
		rc = write_table(path, &st, &types, &itabs);
		if (rc)
			gofn_errsys(err, "write host table %s", path);
	}
	gofn_symtab_close(&st);
	free(types.v);
	free(types.names);
	free(itabs.v);
	free(itabs.names);
	return rc;
}

/* The parts of loaded objects' read-only mappings that may hold written
 * (private anonymous) pages, page-rounded outwards: each PT_GNU_RELRO,
 * which the dynamic linker wrote before making it read-only, and every
 * loaded segment of an object with text relocations (DT_TEXTREL). A
 * private read-only file mapping outside them holds only the file's bytes:
 * nothing else in a worker writes one (the loader and the Go runtime map
 * anonymous memory; the host table is mapped read-only, map_tab). */
typedef struct span {
	uintptr_t lo, hi;
} span;

#define MAX_WRITTEN 128

typedef struct written {
	span s[MAX_WRITTEN];
	int n, exe_only, full; /* full: more than fit, so trust no mapping */
} written;

static void add_span(written *w, uintptr_t lo, uintptr_t memsz)
{
	if (w->n == MAX_WRITTEN) {
		w->full = 1;
		return;
	}
	w->s[w->n].lo = lo & ~(uintptr_t)4095;
	w->s[w->n].hi = (lo + memsz + 4095) & ~(uintptr_t)4095;
	w->n++;
}

static int has_textrel(const struct dl_phdr_info *info)
{
	for (int i = 0; i < info->dlpi_phnum; i++) {
		if (info->dlpi_phdr[i].p_type != PT_DYNAMIC)
			continue;
		for (const ElfW(Dyn) *d =
			 (const ElfW(Dyn) *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
		     d->d_tag != DT_NULL; d++)
			if (d->d_tag == DT_TEXTREL ||
			    (d->d_tag == DT_FLAGS && (d->d_un.d_val & DF_TEXTREL)))
				return 1;
	}
	return 0;
}

/* dl_iterate_phdr visits the executable first; exe_only stops there. */
static int written_spans(struct dl_phdr_info *info, size_t size, void *arg)
{
	written *w = arg;
	const int textrel = has_textrel(info);
	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type == PT_GNU_RELRO || (textrel && ph->p_type == PT_LOAD))
			add_span(w, info->dlpi_addr + ph->p_vaddr, ph->p_memsz);
	}
	return w->exe_only;
}

static int overlaps(const written *w, unsigned long a, unsigned long b)
{
	for (int i = 0; i < w->n; i++)
		if (a < w->s[i].hi && w->s[i].lo < b)
			return 1;
	return 0;
}

/* gofn_clean_file_maps from /proc/self/maps: reading smaps instead walks
 * the page tables of every mapping of the process (the Go heap's
 * included): 1.2 of the preload's 1.3 ms, and 3.4 % of a worker spawn's
 * CPU for the idle trim's list (docs/benchmarks.md, "Spawn cost"), where
 * the written parts of read-only file mappings are known from the ELF
 * headers (written_spans; a debugger's breakpoint would be dropped, not
 * the program broken). */
int gofn_clean_file_maps(int exe_only, void (*fn)(unsigned long lo, unsigned long hi, void *arg),
			 void *arg)
{
	char exe[4096], line[4096 + 128];
	written w;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	int count = 0;
	FILE *f;

	if (n <= 0)
		return -1;
	exe[n] = 0;
	memset(&w, 0, sizeof w);
	w.exe_only = exe_only;
	dl_iterate_phdr(written_spans, &w);
	if (w.full || !(f = fopen("/proc/self/maps", "re")))
		return -1;
	while (fgets(line, sizeof line, f)) {
		unsigned long a, b;
		char perms[5];
		int path = 0;
		line[strcspn(line, "\n")] = 0;
		if (sscanf(line, "%lx-%lx %4s %*s %*s %*s %n", &a, &b, perms, &path) < 3 || !path ||
		    line[path] != '/' || perms[1] == 'w' || perms[3] != 'p' || b <= a ||
		    (exe_only && strcmp(line + path, exe) != 0) || overlaps(&w, a, b))
			continue;
		fn(a, b, arg);
		count++;
	}
	fclose(f);
	return count;
}

/* Dropping a clean private file mapping's pages from this process's page
 * tables is exact: a later access faults the same bytes back in from the
 * page cache, where they stay, shared with every other worker. */
static void drop(unsigned long lo, unsigned long hi, void *arg)
{
	(void)arg;
	madvise((void *)lo, hi - lo, MADV_DONTNEED);
}

/* The read-only mappings of the worker's own file (text, rodata, the
 * appended table) after start-up: the init functions of every standard
 * package ran once, and with the kernel's fault-around each pulled in
 * neighbouring pages, so most of the 28 MB file is resident though idle
 * work never touches it again. */
void gofn_hosttab_trim(void)
{
	gofn_clean_file_maps(1, drop, NULL);
}
