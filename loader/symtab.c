/* Host symbol table: see symtab.h. One pass over SHT_SYMTAB with libelf,
 * names copied into one arena, then sorted for binary search. */
#include "loader/symtab.h"

#include "loader/hosttab.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

typedef struct elf_scan {
	Elf *elf;
	Elf_Scn *symscn;
	GElf_Shdr symhdr;
	size_t shstrndx;
} elf_scan;

static int cmp_sym(const void *a, const void *b, void *names)
{
	return strcmp((const char *)names + ((const gofn_hostsym *)a)->name,
		      (const char *)names + ((const gofn_hostsym *)b)->name);
}

static int find_sections(elf_scan *s, gofn_symtab *t, gofn_err *err)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	if (elf_getshdrstrndx(s->elf, &s->shstrndx) != 0)
		return gofn_errf(err, GOFN_EINVAL, "no section name table: %s", elf_errmsg(-1));
	while ((scn = elf_nextscn(s->elf, scn)) != NULL) {
		if (!gelf_getshdr(scn, &sh))
			continue;
		const char *nm = elf_strptr(s->elf, s->shstrndx, sh.sh_name);
		if (sh.sh_type == SHT_SYMTAB) {
			s->symscn = scn;
			s->symhdr = sh;
		} else if (nm && strcmp(nm, ".text") == 0) {
			t->text_lo = sh.sh_addr;
			t->text_hi = sh.sh_addr + sh.sh_size;
		}
	}
	if (!s->symscn)
		return gofn_errf(err, GOFN_EINVAL, "no symbol table (stripped binary?)");
	if (!t->text_hi)
		return gofn_errf(err, GOFN_EINVAL, "no .text section");
	return 0;
}

/* The highest PT_LOAD end, and the TLS segment that places runtime.tlsg:
 * the executable's TLS block ends at the thread pointer (x86-64 variant
 * II), so a TLS symbol's offset is st_value - alignup(memsz, align). */
static int scan_phdrs(elf_scan *s, gofn_symtab *t, uint64_t *tls_size, uint64_t *phdr_vaddr,
		      gofn_err *err)
{
	size_t n;
	GElf_Phdr ph;

	*tls_size = 0;
	*phdr_vaddr = 0;
	if (elf_getphdrnum(s->elf, &n) != 0)
		return gofn_errf(err, GOFN_EINVAL, "no program headers: %s", elf_errmsg(-1));
	for (size_t i = 0; i < n; i++) {
		if (!gelf_getphdr(s->elf, (int)i, &ph))
			continue;
		if (ph.p_type == PT_LOAD && ph.p_vaddr + ph.p_memsz > t->image_end)
			t->image_end = ph.p_vaddr + ph.p_memsz;
		if (ph.p_type == PT_PHDR)
			*phdr_vaddr = ph.p_vaddr;
		if (ph.p_type == PT_TLS) {
			uint64_t a = ph.p_align ? ph.p_align : 1;
			*tls_size = (ph.p_memsz + a - 1) / a * a;
		}
	}
	return 0;
}

static int read_syms(elf_scan *s, gofn_symtab *t, uint64_t tls_size, gofn_err *err)
{
	Elf_Data *d = elf_getdata(s->symscn, NULL);
	size_t n, names_len = 0, k = 0, off = 0;
	GElf_Sym sym;

	if (!d || s->symhdr.sh_entsize == 0)
		return gofn_errf(err, GOFN_EINVAL, "unreadable symbol table");
	n = s->symhdr.sh_size / s->symhdr.sh_entsize;
	for (size_t i = 0; i < n; i++) {
		const char *nm;
		if (!gelf_getsym(d, (int)i, &sym) ||
		    !(nm = elf_strptr(s->elf, s->symhdr.sh_link, sym.st_name)) || !*nm)
			continue;
		names_len += strlen(nm) + 1;
	}
	gofn_hostsym *syms = calloc(n ? n : 1, sizeof *syms);
	char *names = malloc(names_len ? names_len : 1);
	t->syms = syms;
	t->names = names;
	if (!syms || !names)
		return gofn_errf(err, GOFN_ENOMEM, "symbol table: out of memory");
	for (size_t i = 0; i < n; i++) {
		const char *nm;
		if (!gelf_getsym(d, (int)i, &sym) ||
		    !(nm = elf_strptr(s->elf, s->symhdr.sh_link, sym.st_name)) || !*nm)
			continue;
		int type = GELF_ST_TYPE(sym.st_info);
		if (type == STT_FILE || type == STT_SECTION)
			continue;
		size_t l = strlen(nm) + 1;
		if (off + l > names_len)
			break; /* the table changed under us; keep what fits */
		memcpy(names + off, nm, l);
		if (type == STT_TLS && strcmp(nm, "runtime.tlsg") == 0) {
			t->tls_g = (int64_t)sym.st_value - (int64_t)tls_size;
			t->has_tls_g = 1;
		}
		syms[k++] = (gofn_hostsym){.name = (uint32_t)off,
					   .addr = sym.st_value,
					   .size = sym.st_size,
					   .is_func = type == STT_FUNC};
		off += l;
	}
	t->nsyms = k;
	qsort_r(syms, k, sizeof *syms, cmp_sym, names);
	return 0;
}

/* The Go worker is not PIE (bias 0), but a PIE process reading itself (the
 * unit tests) is loaded at a bias: where the kernel put the program
 * headers minus where the file says they are. */
static void relocate_self(gofn_symtab *t, uint64_t phdr_vaddr)
{
	uint64_t bias = getauxval(AT_PHDR) - phdr_vaddr;
	if (!bias)
		return;
	gofn_hostsym *syms = (gofn_hostsym *)t->syms; /* ours: read from the ELF */
	for (size_t i = 0; i < t->nsyms; i++)
		if (syms[i].addr)
			syms[i].addr += bias;
	t->text_lo += bias;
	t->text_hi += bias;
	t->image_end += bias;
}

int gofn_symtab_open(const char *path, gofn_symtab *t, gofn_err *err)
{
	elf_scan s = {0};
	uint64_t tls_size, phdr_vaddr;
	int fd, rc = -1, self = !path;

	memset(t, 0, sizeof *t);
	if (!path)
		path = "/proc/self/exe";
	if (elf_version(EV_CURRENT) == EV_NONE)
		return gofn_errf(err, GOFN_EINVAL, "libelf: %s", elf_errmsg(-1));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return gofn_errsys(err, "open %s", path);
	s.elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!s.elf || elf_kind(s.elf) != ELF_K_ELF) {
		gofn_errf(err, GOFN_EINVAL, "not an ELF file");
		goto out;
	}
	if (find_sections(&s, t, err) || scan_phdrs(&s, t, &tls_size, &phdr_vaddr, err) ||
	    read_syms(&s, t, tls_size, err))
		goto out;
	if (self && phdr_vaddr)
		relocate_self(t, phdr_vaddr);
	rc = 0;
out:
	if (s.elf)
		elf_end(s.elf);
	close(fd);
	if (rc) {
		gofn_errctx(err, "host symbols of %s", path);
		gofn_symtab_close(t);
	}
	return rc;
}

void gofn_symtab_close(gofn_symtab *t)
{
	if (!t->mapped) {
		free((void *)t->syms);
		free((void *)t->names);
	}
	memset(t, 0, sizeof *t);
}

const gofn_hostsym *gofn_symtab_find_in(const gofn_symtab *t, gofn_symrange r, const char *name,
					size_t len)
{
	size_t lo = r.lo, hi = r.hi < t->nsyms ? r.hi : t->nsyms;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *m = gofn_hostsym_name(t, &t->syms[mid]);
		int c = strncmp(m, name, len);
		if (c == 0 && m[len] != 0)
			c = 1;
		if (c == 0)
			return &t->syms[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const gofn_hostsym *gofn_symtab_find(const gofn_symtab *t, const char *name, size_t len)
{
	return gofn_symtab_find_in(t, (gofn_symrange){0, t->nsyms}, name, len);
}

/* The index of the first name not below prefix (its first len bytes). */
static size_t first_not_below(const gofn_symtab *t, const char *prefix, size_t len)
{
	size_t lo = 0, hi = t->nsyms;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strncmp(gofn_hostsym_name(t, &t->syms[mid]), prefix, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

gofn_symrange gofn_symtab_prefix_range(const gofn_symtab *t, const char *prefix, size_t len)
{
	size_t lo = first_not_below(t, prefix, len), hi, end = t->nsyms;

	for (hi = lo; hi < end;) { /* the first name above every prefix match */
		size_t mid = hi + (end - hi) / 2;
		if (strncmp(gofn_hostsym_name(t, &t->syms[mid]), prefix, len) <= 0)
			hi = mid + 1;
		else
			end = mid;
	}
	return (gofn_symrange){lo, hi};
}

const gofn_hostsym *gofn_symtab_first_prefix(const gofn_symtab *t, const char *prefix, size_t len)
{
	size_t lo = first_not_below(t, prefix, len);

	if (lo < t->nsyms && strncmp(gofn_hostsym_name(t, &t->syms[lo]), prefix, len) == 0)
		return &t->syms[lo];
	return NULL;
}

const gofn_hostsym *gofn_symtab_lookup_in(const gofn_symtab *t, gofn_symrange r, const char *name,
					  size_t len, int abi)
{
	if (abi == 0 && len < 490) {
		char buf[512];
		memcpy(buf, name, len);
		memcpy(buf + len, ".abi0", 6);
		const gofn_hostsym *h = gofn_symtab_find_in(t, r, buf, len + 5);
		if (h)
			return h;
	}
	return gofn_symtab_find_in(t, r, name, len);
}

const gofn_hostsym *gofn_symtab_lookup(const gofn_symtab *t, const char *name, size_t len, int abi)
{
	return gofn_symtab_lookup_in(t, (gofn_symrange){0, t->nsyms}, name, len, abi);
}

static gofn_symtab self_tab;
static gofn_err self_err;
static int self_rc;
static pthread_once_t self_once = PTHREAD_ONCE_INIT;

static void open_self(void)
{
	if (gofn_hosttab_symtab(&self_tab))
		return;
	self_rc = gofn_symtab_open(NULL, &self_tab, &self_err);
}

const gofn_symtab *gofn_symtab_self(gofn_err *err)
{
	pthread_once(&self_once, open_self);
	if (self_rc) {
		if (err)
			*err = self_err;
		return NULL;
	}
	return &self_tab;
}
