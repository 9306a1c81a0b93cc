/* One Go object: the text header the compiler writes before the binary
 * (cmd/compile/internal/gc/obj.go printObjHeader/dumpLinkerObj: the
 * objabi.HeaderString line, optional "build id" and "main" lines, a blank
 * line, optional cgo sections, then "\n!\n"), and the binary header and
 * package/file tables (cmd/internal/goobj/objfile.go). Symbols are in
 * goobj_symbols.c. */
#include <stdlib.h>
#include <string.h>

#include "loader/bigalloc.h"
#include "loader/goobj_internal.h"

static int is_release(goobj_str v)
{
	size_t n = strlen(GOREL_VERSION_PREFIX);

	if (v.len < n || memcmp(v.p, GOREL_VERSION_PREFIX, n) != 0)
		return 0;
	/* "go1.26", "go1.26.8", "go1.26rc1" — but not "go1.260" */
	return v.len == n || v.p[n] == '.' || v.p[n] == 'r' || v.p[n] == 'b';
}

/* Splits the first header line: "go object GOOS GOARCH VERSION ...". */
static int parse_header_line(goobj_object *o, const char *line, size_t n, gofn_err *err)
{
	goobj_str f[5];
	size_t i = 0, k = 0;

	while (k < 5 && i < n) {
		size_t s = i;
		while (i < n && line[i] != ' ')
			i++;
		f[k++] = (goobj_str){line + s, (uint32_t)(i - s)};
		while (i < n && line[i] == ' ')
			i++;
	}
	if (k < 5)
		return gofn_errf(err, GOFN_EINVAL, "%s: malformed object header line", o->name);
	o->goos = f[2];
	o->goarch = f[3];
	o->goversion = f[4];
	if (!is_release(o->goversion) || o->goos.len != strlen(GOREL_GOOS) ||
	    memcmp(o->goos.p, GOREL_GOOS, o->goos.len) != 0 ||
	    o->goarch.len != strlen(GOREL_GOARCH) ||
	    memcmp(o->goarch.p, GOREL_GOARCH, o->goarch.len) != 0)
		return gofn_errf(
		    err, GOFN_EVERSION,
		    "%s: object is for %.*s %.*s/%.*s; this gofn loads only %s.x %s/%s "
		    "objects",
		    o->name, (int)(o->goversion.len > 64 ? 64 : o->goversion.len), o->goversion.p,
		    (int)(o->goos.len > 32 ? 32 : o->goos.len), o->goos.p,
		    (int)(o->goarch.len > 32 ? 32 : o->goarch.len), o->goarch.p,
		    GOREL_VERSION_PREFIX, GOREL_GOOS, GOREL_GOARCH);
	return 0;
}

/* Finds the binary start; sets header fields and is_main. */
static int parse_text_header(goobj_object *o, const uint8_t *raw, size_t len, size_t *binoff,
			     gofn_err *err)
{
	const uint8_t *nl = memchr(raw, '\n', len), *bang, *p;

	if (!nl)
		return gofn_errf(err, GOFN_EINVAL, "%s: truncated object: no end of header line",
				 o->name);
	o->header = (goobj_str){(const char *)raw, (uint32_t)(nl - raw)};
	if (parse_header_line(o, o->header.p, o->header.len, err) < 0)
		return -1;
	bang = memmem(nl, len - (size_t)(nl - raw), "\n!\n", 3);
	if (!bang)
		return gofn_errf(err, GOFN_EINVAL,
				 "%s: truncated object: no \"\\n!\\n\" before the binary part",
				 o->name);
	/* The lines between the header line and the blank line. */
	for (p = nl + 1; p < bang;) {
		const uint8_t *e = memchr(p, '\n', (size_t)(bang + 1 - p));
		if (!e || e == p)
			break;
		if (e - p == 4 && memcmp(p, "main", 4) == 0)
			o->is_main = 1;
		p = e + 1;
	}
	*binoff = (size_t)(bang + 3 - raw);
	return 0;
}

int goobj_strref_error(const goobj_bin *bin, uint32_t n, uint32_t off, gofn_err *err)
{
	return gofn_errf(err, GOFN_EINVAL,
			 "string at offset %u length %u outside the object (%u bytes)", off, n,
			 bin->len);
}

static const uint32_t block_recsize[GOREL_NBLK] = {
    [GOREL_BLK_AUTOLIB] = GOREL_IMPORTEDPKG_SIZE,
    [GOREL_BLK_PKGIDX] = GOREL_STRREF_SIZE,
    [GOREL_BLK_FILE] = GOREL_STRREF_SIZE,
    [GOREL_BLK_SYMDEF] = GOREL_SYM_SIZE,
    [GOREL_BLK_HASHED64DEF] = GOREL_SYM_SIZE,
    [GOREL_BLK_HASHEDDEF] = GOREL_SYM_SIZE,
    [GOREL_BLK_NONPKGDEF] = GOREL_SYM_SIZE,
    [GOREL_BLK_NONPKGREF] = GOREL_SYM_SIZE,
    [GOREL_BLK_REFFLAGS] = GOREL_REFFLAGS_SIZE,
    [GOREL_BLK_HASH64] = GOREL_HASH64_SIZE,
    [GOREL_BLK_HASH] = GOREL_HASH_SIZE,
    [GOREL_BLK_RELOCIDX] = 4,
    [GOREL_BLK_AUXIDX] = 4,
    [GOREL_BLK_DATAIDX] = 4,
    [GOREL_BLK_RELOC] = GOREL_RELOC_SIZE,
    [GOREL_BLK_AUX] = GOREL_AUX_SIZE,
    [GOREL_BLK_DATA] = 1,
    [GOREL_BLK_REFNAME] = GOREL_REFNAME_SIZE,
};

/* Magic, flags and block offsets: every block inside the object, in
 * order, and a whole number of records long. */
static int parse_bin_header(goobj_object *o, goobj_bin *bin, gofn_err *err)
{
	const uint8_t *b = bin->b;

	if (bin->len < GOREL_HEADER_SIZE)
		return gofn_errf(err, GOFN_EINVAL,
				 "%s: truncated object: %u bytes after the text header, the binary "
				 "header needs %d",
				 o->name, bin->len, GOREL_HEADER_SIZE);
	if (memcmp(b, GOREL_MAGIC, GOREL_MAGIC_LEN) != 0)
		return gofn_errf(err, GOFN_EINVAL,
				 "%s: wrong magic: not a Go 1.26 object (expected \"\\0go120ld\")",
				 o->name);
	o->fingerprint = b + GOREL_MAGIC_LEN;
	o->flags = goobj_le32(b + GOREL_MAGIC_LEN + GOREL_FINGERPRINT_SIZE);
	for (int i = 0; i < GOREL_NBLK; i++) {
		uint32_t prev = i ? bin->off[i - 1] : GOREL_HEADER_SIZE;
		bin->off[i] = goobj_le32(b + GOREL_MAGIC_LEN + GOREL_FINGERPRINT_SIZE + 4 + 4 * i);
		if (bin->off[i] < prev || bin->off[i] > bin->len)
			return gofn_errf(
			    err, GOFN_EINVAL,
			    "%s: block %d offset %u out of order or outside the object "
			    "(previous %u, size %u)",
			    o->name, i, bin->off[i], prev, bin->len);
	}
	for (int i = 0; i < GOREL_BLK_END; i++)
		if (goobj_blklen(bin, i) % block_recsize[i] != 0)
			return gofn_errf(err, GOFN_EINVAL,
					 "%s: block %d is %u bytes, not a multiple of its %u-byte "
					 "records",
					 o->name, i, goobj_blklen(bin, i), block_recsize[i]);
	return 0;
}

static int read_strtab(const goobj_bin *bin, int blk, uint32_t stride, goobj_str **out, uint32_t *n,
		       const char *what, gofn_err *err)
{
	*n = goobj_blklen(bin, blk) / stride;
	*out = calloc(*n ? *n : 1, sizeof **out);
	if (!*out)
		return gofn_errf(err, GOFN_ENOMEM, "out of memory");
	for (uint32_t i = 0; i < *n; i++)
		if (goobj_strref(bin, bin->b + bin->off[blk] + i * stride, &(*out)[i], err) < 0)
			return gofn_errctx(err, "%s %u", what, i);
	return 0;
}

static int read_tables(goobj_object *o, const goobj_bin *bin, gofn_err *err)
{
	goobj_str *names;

	if (read_strtab(bin, GOREL_BLK_AUTOLIB, GOREL_IMPORTEDPKG_SIZE, &names, &o->nautolib,
			"import", err) < 0) {
		free(names);
		return -1;
	}
	o->autolib = calloc(o->nautolib ? o->nautolib : 1, sizeof *o->autolib);
	if (!o->autolib) {
		free(names);
		return gofn_errf(err, GOFN_ENOMEM, "out of memory");
	}
	for (uint32_t i = 0; i < o->nautolib; i++) {
		o->autolib[i].pkg = names[i];
		o->autolib[i].fingerprint =
		    bin->b + bin->off[GOREL_BLK_AUTOLIB] + i * GOREL_IMPORTEDPKG_SIZE + 8;
	}
	free(names);
	if (read_strtab(bin, GOREL_BLK_PKGIDX, GOREL_STRREF_SIZE, &o->pkgs, &o->npkgs,
			"package index", err) < 0)
		return -1;
	return read_strtab(bin, GOREL_BLK_FILE, GOREL_STRREF_SIZE, &o->files, &o->nfiles, "file",
			   err);
}

static int suffix_eq(goobj_str s, const char *suf, size_t n)
{
	return s.len >= n && memcmp(s.p + s.len - n, suf, n) == 0;
}

/* The object does not store its package path as such; the compiler's
 * DWARF compile-unit symbol "go:cuinfo.packagename.<path>" and the init
 * task "<path>..inittask" both carry it (cmd/compile/internal/dwarfgen,
 * pkginit); either may be a SymbolDef or a NonPkgDef. Package main says
 * "main" in its text header. Assembly objects say nothing: goobj_parse
 * gives them their archive siblings' path. */
static void derive_pkgpath(goobj_object *o)
{
	static const char cu[] = "go:cuinfo.packagename.", it[] = "..inittask";

	for (uint32_t i = 0; i < o->ndefined; i++) {
		goobj_str n = o->syms[i].name;
		if (n.len > sizeof cu - 1 && memcmp(n.p, cu, sizeof cu - 1) == 0) {
			o->pkgpath =
			    (goobj_str){n.p + sizeof cu - 1, n.len - (uint32_t)sizeof cu + 1};
			return;
		}
	}
	for (uint32_t i = 0; i < o->nsymdefs; i++)
		if (o->syms[i].name.len > sizeof it - 1 &&
		    suffix_eq(o->syms[i].name, it, sizeof it - 1)) {
			o->pkgpath = (goobj_str){o->syms[i].name.p,
						 o->syms[i].name.len - (uint32_t)sizeof it + 1};
			return;
		}
	if (o->is_main)
		o->pkgpath = (goobj_str){"main", 4};
}

int goobj_object_parse(goobj_object *o, const char *name, const uint8_t *raw, size_t len,
		       gofn_err *err)
{
	goobj_bin bin;
	size_t binoff = 0;

	o->name = name;
	o->raw = raw;
	o->raw_len = len;
	if (parse_text_header(o, raw, len, &binoff, err) < 0)
		return -1;
	bin.b = raw + binoff;
	bin.len = (uint32_t)(len - binoff);
	if (parse_bin_header(o, &bin, err) < 0)
		return -1;
	if (read_tables(o, &bin, err) < 0 || goobj_read_symbols(o, &bin, err) < 0)
		return gofn_errctx(err, "%s", name);
	derive_pkgpath(o);
	return 0;
}

void goobj_object_release(goobj_object *o)
{
	free(o->autolib);
	free(o->pkgs);
	free(o->files);
	/* relocs and auxs are read in place (goobj.h) */
	gofn_big_free(o->syms, (size_t)o->nsyms * sizeof *o->syms);
	free(o->refnames);
	free(o->refhash);
}
