/* gofn-loader -parse FILE...: print what the object parser sees.
 *
 * Output format (stable, one record per line, for diffing; fields are
 * separated by one space and the symbol name is always last, since Go
 * names may contain spaces):
 *
 *   object NAME                      "x.o" or "x.a(_go_.o)"
 *   package PATH                     "-" if the object does not say
 *   go VERSION GOOS/GOARCH
 *   flags HEX [SHARED] [FROMASSEMBLY] [UNLINKABLE] [STD]
 *   import PATH                      one per Autolib entry
 *   file INDEX PATH                  the CU file table
 *   sym INDEX KIND size=N align=N abi=ABI class=CLASS flags=FLAGS data=N NAME
 *   	reloc OFF SIZE TYPE TARGET+ADD
 *   	aux TYPE TARGET
 *
 * INDEX is the position in the format's order (SymbolDefs, Hashed64Defs,
 * HashedDefs, NonPkgDefs, NonPkgRefs). KIND is the objabi.SymKind name
 * (STEXT, SRODATA, ...). ABI is 0, 1 (ABIInternal) or static. CLASS is def,
 * hashed64, hashed, nonpkgdef or nonpkgref. FLAGS is a comma list of DUPOK,
 * LOCAL, TYPELINK, LEAF, NOSPLIT, REFLECTMETHOD, GOTYPE, USEDINIFACE, ITAB,
 * DICT, PKGINIT, LINKNAME, (1.27: LINKNAMESTD,) ABIWRAPPER, WASMEXPORT, or "-". TYPE is the
 * objabi.RelocType name (R_CALL, ...), "R_WEAK|" prefixed for weak ones.
 * TARGET is a symbol name, "-" for none, "#hash:HEX" for an unnamed hashed
 * symbol, "#INDEX" for another unnamed local symbol, "{pkg P idx I}" for an
 * external symbol the object does not name. ADD is signed decimal. Control
 * bytes in names are written as \xHH; all other bytes as they are (UTF-8
 * such as the "·" in gclocals·..., and backslashes, which Go string symbols
 * such as go:string."\n" contain literally), so names read as the Go tools
 * print them.
 *
 * Errors: one line "gofn-loader: FILE: message" on stderr; the remaining
 * files are still printed and the exit status is 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/release_obj.h"
#include "loader/goobj.h"
#include "loader/host/cli/cli.h"

#define MAX_INPUT (1u << 30) /* objects are far smaller; refuse to slurp more */

static const char *const flag_names[] = {"DUPOK",   "LOCAL",	     "TYPELINK", "LEAF",
					 "NOSPLIT", "REFLECTMETHOD", "GOTYPE"};
static const char *const class_names[] = {"def", "hashed64", "hashed", "nonpkgdef", "nonpkgref"};

static void put_str(FILE *f, goobj_str s)
{
	for (uint32_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];
		if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			putc(c, f);
	}
}

static void put_hash(FILE *f, const uint8_t *h, int n)
{
	fputs("#hash:", f);
	for (int i = 0; i < n; i++)
		fprintf(f, "%02x", h[i]);
}

static void put_symname(FILE *f, const goobj_object *o, uint32_t i)
{
	const goobj_sym *s = &o->syms[i];

	if (s->name.len == 0 && goobj_sym_hash(o, s))
		put_hash(f, goobj_sym_hash(o, s), s->cls == GOOBJ_HASHED64DEF ? 8 : 16);
	else if (s->name.len == 0)
		fprintf(f, "#%u", i);
	else
		put_str(f, s->name);
}

static void put_target(FILE *f, const goobj_object *o, goobj_symref r)
{
	goobj_target t;
	gofn_err e;

	if (goobj_resolve(o, r, &t, &e) < 0 || t.kind == GOOBJ_TARGET_NIL)
		fputs("-", f);
	else if (t.kind == GOOBJ_TARGET_LOCAL)
		put_symname(f, o, t.local);
	else if (t.name.len == 0)
		fprintf(f, "{pkg %u idx %u}", r.pkg, r.idx);
	else
		put_str(f, t.name);
}

static void put_flags(FILE *f, const goobj_sym *s)
{
	int any = 0;

	for (unsigned b = 0; b < 8; b++) {
		if (b < 7 && (s->flag & (1u << b)))
			fprintf(f, "%s%s", any++ ? "," : "", flag_names[b]);
		if ((s->flag2 & (1u << b)) && gorel_symflag2_name(b))
			fprintf(f, "%s%s", any++ ? "," : "", gorel_symflag2_name(b));
	}
	if (!any)
		fputs("-", f);
}

static void put_sym(FILE *f, const goobj_object *o, uint32_t i)
{
	const goobj_sym *s = &o->syms[i];

	fprintf(f, "sym %u %s size=%u align=%u abi=", i, gorel_symkind_name(s->kind), s->size,
		s->align);
	if (s->abi == GOOBJ_ABI_STATIC)
		fputs("static", f);
	else
		fprintf(f, "%u", s->abi);
	fprintf(f, " class=%s flags=", class_names[s->cls]);
	put_flags(f, s);
	fprintf(f, " data=%u ", goobj_sym_data_len(o, s));
	put_symname(f, o, i);
	putc('\n', f);
	for (uint32_t k = 0; k < goobj_sym_nrelocs(o, s); k++) {
		const goobj_reloc *r = &goobj_sym_relocs(o, s)[k];
		fprintf(f, "\treloc %d %u %s%s ", r->off, r->size,
			(r->type & GOREL_R_WEAK) ? "R_WEAK|" : "",
			gorel_reloc_name(r->type & ~GOREL_R_WEAK));
		put_target(f, o, r->sym);
		fprintf(f, "%+lld\n", (long long)r->add);
	}
	for (uint32_t k = 0; k < goobj_sym_nauxs(o, s); k++) {
		fprintf(f, "\taux %s ", gorel_aux_name(goobj_sym_auxs(o, s)[k].type));
		put_target(f, o, goobj_sym_auxs(o, s)[k].sym);
		putc('\n', f);
	}
}

static void put_object(FILE *f, const goobj_object *o)
{
	static const char *const oflags[] = {"SHARED", NULL, "FROMASSEMBLY", "UNLINKABLE", "STD"};

	fprintf(f, "object %s\npackage ", o->name);
	if (o->pkgpath.len)
		put_str(f, o->pkgpath);
	else
		fputs("-", f);
	fputs("\ngo ", f);
	put_str(f, o->goversion);
	fprintf(f, " %.*s/%.*s\nflags %#x", (int)o->goos.len, o->goos.p, (int)o->goarch.len,
		o->goarch.p, o->flags);
	for (unsigned b = 0; b < 5; b++)
		if (oflags[b] && (o->flags & (1u << b)))
			fprintf(f, " %s", oflags[b]);
	putc('\n', f);
	for (uint32_t i = 0; i < o->nautolib; i++) {
		fputs("import ", f);
		put_str(f, o->autolib[i].pkg);
		putc('\n', f);
	}
	for (uint32_t i = 0; i < o->nfiles; i++) {
		fprintf(f, "file %u ", i);
		put_str(f, o->files[i]);
		putc('\n', f);
	}
	for (uint32_t i = 0; i < o->nsyms; i++)
		put_sym(f, o, i);
}

static int read_file(const char *path, uint8_t **buf, size_t *len, gofn_err *err)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f)
		return gofn_errsys(err, "%s: open", path);
	if (fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0) {
		fclose(f);
		return gofn_errsys(err, "%s: not a regular file", path);
	}
	if ((unsigned long)n > MAX_INPUT) {
		fclose(f);
		return gofn_errf(err, GOFN_ELIMIT, "%s: %ld bytes is larger than the %u-byte limit",
				 path, n, MAX_INPUT);
	}
	uint8_t *b = malloc(n ? (size_t)n : 1);
	if (!b) {
		fclose(f);
		return gofn_errf(err, GOFN_ENOMEM, "%s: out of memory", path);
	}
	*len = fread(b, 1, (size_t)n, f);
	fclose(f);
	if (*len != (size_t)n) {
		free(b);
		return gofn_errsys(err, "%s: read", path);
	}
	*buf = b;
	return 0;
}

static int parse_one(const char *path)
{
	goobj_archive *a;
	uint8_t *buf = NULL;
	size_t len = 0;
	gofn_err err = {0};

	if (read_file(path, &buf, &len, &err) < 0 || goobj_parse(path, buf, len, &a, &err) < 0) {
		fflush(stdout);
		fprintf(stderr, "gofn-loader: %s\n", err.msg);
		free(buf);
		return 1;
	}
	for (uint32_t i = 0; i < a->nobjs; i++)
		put_object(stdout, &a->objs[i]);
	goobj_free(a);
	free(buf);
	return 0;
}

int gofn_cli_parse(int argc, char **argv)
{
	int rc = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: gofn-loader -parse FILE...\n");
		return 2;
	}
	for (int i = 2; i < argc; i++)
		rc |= parse_one(argv[i]);
	fflush(stdout);
	return rc;
}
