/* The parser on real objects from `go tool compile` and `go build
 * -buildmode=archive` (compiled at build time by testdata/build.sh): what
 * the linker and the module builder rely on must be there and resolve. */
#include "tests/unit/test_goobj_util.h"

static const goobj_sym *find(const goobj_object *o, const char *name, int abi)
{
	long i = goobj_find_sym(o, name, abi);
	if (i < 0)
		fail_msg("symbol %s not found", name);
	return &o->syms[i];
}

/* Is there a reloc of `type` in s whose target resolves to `name`? */
static int has_reloc_to(const goobj_object *o, const goobj_sym *s, unsigned type, const char *name)
{
	for (uint32_t k = 0; k < goobj_sym_nrelocs(o, s); k++) {
		goobj_target t;
		gofn_err e;
		assert_int_equal(goobj_resolve(o, goobj_sym_relocs(o, s)[k].sym, &t, &e), 0);
		if (goobj_sym_relocs(o, s)[k].type == type && str_eq(t.name, name))
			return 1;
	}
	return 0;
}

static void hello_object(void **state)
{
	blob b = load_testdata("hello.o");
	goobj_archive *a = parse_ok(b);
	const goobj_object *o;
	const goobj_sym *m, *str;

	(void)state;
	assert_int_equal(a->nobjs, 1);
	assert_true(a->pkgdef.len > 0);
	o = &a->objs[0];
	assert_true(str_eq(o->pkgpath, "main"));
	assert_true(o->is_main);
	assert_true(o->goversion.len >= 6 && memcmp(o->goversion.p, "go1.26", 6) == 0);
	assert_true(str_eq(o->goos, "linux") && str_eq(o->goarch, "amd64"));
	assert_int_equal(o->nsyms,
			 o->nsymdefs + o->nhashed64 + o->nhashed + o->nnonpkgdefs + o->nnonpkgrefs);
	assert_true(o->npkgs >= 2 && o->pkgs[0].len == 0);

	m = find(o, "main.main", GOOBJ_ABIINTERNAL);
	assert_int_equal(m->kind, GOREL_STEXT);
	assert_int_equal(m->cls, GOOBJ_DEF);
	uint32_t mlen;
	const uint8_t *mdata = goobj_sym_data(o, m, &mlen);
	assert_int_equal(mlen, m->size);
	/* the data really is x86 code inside the caller's buffer */
	assert_true(mdata > b.p && mdata + mlen <= b.p + b.len);
	assert_true(has_reloc_to(o, m, GOREL_R_CALL, "fmt.Fprintln"));
	assert_true(has_reloc_to(o, m, GOREL_R_CALL, "runtime.morestack_noctxt"));

	str = find(o, "main.T.String", GOOBJ_ABIINTERNAL);
	assert_true(has_reloc_to(o, str, GOREL_R_CALL, "strings.Repeat"));
	goobj_free(a);
	free(b.p);
}

/* Every symref in every reloc and aux resolves; reloc targets in other
 * packages have names (outside DWARF), builtins match the list, and
 * goobj_refname_ext gives goobj_resolve's ext for a ref by index. */
static void every_ref_resolves(void **state)
{
	static const char *const files[] = {"hello.o", "multi.o", "generics.o", "lib.a"};

	(void)state;
	for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
		blob b = load_testdata(files[f]);
		goobj_archive *a = parse_ok(b);
		unsigned ext = 0, builtin = 0;
		for (uint32_t n = 0; n < a->nobjs; n++) {
			const goobj_object *o = &a->objs[n];
			for (uint32_t i = 0; i < o->ndefined; i++) {
				const goobj_sym *s = &o->syms[i];
				for (uint32_t k = 0; k < goobj_sym_nrelocs(o, s); k++) {
					goobj_target t;
					gofn_err e;
					goobj_symref r = goobj_sym_relocs(o, s)[k].sym;
					assert_int_equal(goobj_resolve(o, r, &t, &e), 0);
					/* the linker's shortcut to a named extern's slot */
					assert_int_equal(goobj_refname_ext(o, r),
							 t.kind == GOOBJ_TARGET_EXTERN &&
								 r.pkg != GOOBJ_PKG_BUILTIN
							     ? t.ext
							     : GOOBJ_NO_EXT);
					if (t.kind == GOOBJ_TARGET_LOCAL)
						assert_true(t.local < o->nsyms);
					if (t.kind != GOOBJ_TARGET_EXTERN || s->kind != GOREL_STEXT)
						continue;
					ext++;
					assert_true(t.name.len > 0);
					if (r.pkg == GOOBJ_PKG_BUILTIN) {
						builtin++;
						assert_true(
						    str_eq(t.name, gorel_builtin(r.idx)->name));
					} else {
						assert_int_equal(t.abi, GOOBJ_ABI_UNKNOWN);
						assert_true(t.pkg.len > 0);
					}
				}
				for (uint32_t k = 0; k < goobj_sym_nauxs(o, s); k++) {
					goobj_target t;
					gofn_err e;
					assert_int_equal(
					    goobj_resolve(o, goobj_sym_auxs(o, s)[k].sym, &t, &e),
					    0);
				}
			}
		}
		assert_true(ext > 0);
		if (strcmp(files[f], "lib.a") != 0)
			assert_true(builtin > 0);
		goobj_free(a);
		free(b.p);
	}
}

static void multi_file_package(void **state)
{
	blob b = load_testdata("multi.o");
	goobj_archive *a = parse_ok(b);
	const goobj_object *o = &a->objs[0];
	int from_a = 0, from_b = 0;

	(void)state;
	find(o, "main.main", GOOBJ_ABIINTERNAL);
	find(o, "main.double", -1);
	find(o, "main.Version", -1);
	for (uint32_t i = 0; i < o->nfiles; i++) {
		from_a |= ends_with(o->files[i], "multi/a.go");
		from_b |= ends_with(o->files[i], "multi/b.go");
	}
	assert_true(from_a && from_b);
	goobj_free(a);
	free(b.p);
}

/* go build -buildmode=archive of a package with Go and assembly files:
 * two objects, both of the package, the assembled one flagged. */
static void archive_with_assembly(void **state)
{
	blob b = load_testdata("lib.a");
	goobj_archive *a = parse_ok(b);
	const goobj_object *asmo = NULL, *goo = NULL;

	(void)state;
	assert_int_equal(a->nobjs, 2);
	for (uint32_t i = 0; i < 2; i++) {
		assert_true(str_eq(a->objs[i].pkgpath, "example.com/gofnlib"));
		if (a->objs[i].flags & GOOBJ_OBJFLAG_FROMASSEMBLY)
			asmo = &a->objs[i];
		else
			goo = &a->objs[i];
	}
	assert_non_null(asmo);
	assert_non_null(goo);
	assert_false(goo->is_main);
	const goobj_sym *add = find(asmo, "example.com/gofnlib.Add", GOOBJ_ABI0);
	assert_int_equal(add->kind, GOREL_STEXT);
	assert_true(goobj_sym_data_len(asmo, add) > 0);
	assert_true(has_reloc_to(goo, find(goo, "example.com/gofnlib.Shout", GOOBJ_ABIINTERNAL),
				 GOREL_R_CALL, "strings.ToUpper"));
	goobj_free(a);
	free(b.p);
}

static void funcinfo_of_main(void **state)
{
	blob b = load_testdata("hello.o");
	goobj_archive *a = parse_ok(b);
	const goobj_object *o = &a->objs[0];
	long m = goobj_find_sym(o, "main.main", GOOBJ_ABIINTERNAL);
	long d = goobj_find_sym(o, "main..inittask", -1);
	goobj_funcinfo fi;
	gofn_err e = {0};
	int main_go = 0;

	(void)state;
	assert_true(m >= 0 && d >= 0);
	assert_int_equal(goobj_funcinfo_get(o, (uint32_t)m, &fi, &e), 1);
	assert_int_equal(fi.startline, 18); /* "func main() {" in testdata/hello/main.go */
	assert_true(fi.nfiles >= 1);
	for (uint32_t k = 0; k < fi.nfiles; k++) {
		main_go |= ends_with(o->files[goobj_funcinfo_file(&fi, k)], "hello/main.go");
	}
	assert_true(main_go);
	for (uint32_t k = 0; k < fi.ninl; k++) {
		goobj_inlnode n;
		goobj_target t;
		goobj_funcinfo_inl(&fi, k, &n);
		assert_true(n.file < o->nfiles);
		assert_int_equal(goobj_resolve(o, n.func, &t, &e), 0);
	}
	/* a data symbol has no FuncInfo */
	assert_int_equal(goobj_funcinfo_get(o, (uint32_t)d, &fi, &e), 0);
	goobj_free(a);
	free(b.p);
}

/* The _go_.o member alone (no archive around it) parses the same. */
static void bare_object(void **state)
{
	blob b = load_testdata("hello.o");
	goobj_archive *a = parse_ok(b), *bare;
	const uint8_t *start = memmem(b.p + 8 + 60, b.len - 68, "go object ", 10);
	blob m;

	(void)state;
	/* skip __.PKGDEF, whose contents also start with "go object " */
	start = memmem(start + 1, (size_t)(b.p + b.len - start - 1), "go object ", 10);
	assert_non_null(start);
	m = (blob){(uint8_t *)start, (size_t)(b.p + b.len - start)};
	bare = parse_ok(m);
	assert_int_equal(bare->nobjs, 1);
	assert_int_equal(bare->pkgdef.len, 0);
	assert_int_equal(bare->objs[0].nsyms, a->objs[0].nsyms);
	assert_int_equal(bare->objs[0].nrelocs, a->objs[0].nrelocs);
	assert_true(str_eq(bare->objs[0].pkgpath, "main"));
	goobj_free(bare);
	goobj_free(a);
	free(b.p);
}

/* Hand-made refs that did not come from the object are refused. */
static void resolve_rejects_foreign_refs(void **state)
{
	blob b = load_testdata("hello.o");
	goobj_archive *a = parse_ok(b);
	const goobj_object *o = &a->objs[0];
	goobj_target t;
	gofn_err e = {0};

	(void)state;
	assert_int_equal(goobj_resolve(o, (goobj_symref){0, 0}, &t, &e), 0);
	assert_int_equal(t.kind, GOOBJ_TARGET_NIL);
	assert_int_equal(goobj_resolve(o, (goobj_symref){o->npkgs, 0}, &t, &e), -1);
	assert_non_null(strstr(e.msg, "out of range"));
	assert_int_equal(goobj_resolve(o, (goobj_symref){GOOBJ_PKG_SELF, o->nsymdefs}, &t, &e), -1);
	assert_int_equal(goobj_resolve(o, (goobj_symref){GOOBJ_PKG_BUILTIN, 100000}, &t, &e), -1);
	assert_int_equal(goobj_resolve(o, (goobj_symref){0, 5}, &t, &e), -1);
	/* no name slot for a ref the object does not name */
	assert_int_equal(goobj_refname_ext(o, (goobj_symref){0, 5}), GOOBJ_NO_EXT);
	assert_int_equal(goobj_refname_ext(o, (goobj_symref){o->npkgs, 0}), GOOBJ_NO_EXT);
	assert_int_equal(goobj_refname_ext(o, (goobj_symref){1, 0x7fffffff}), GOOBJ_NO_EXT);
	assert_int_equal(goobj_refname_ext(o, (goobj_symref){GOOBJ_PKG_BUILTIN, 0}), GOOBJ_NO_EXT);
	goobj_free(a);
	free(b.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(hello_object),
	    cmocka_unit_test(every_ref_resolves),
	    cmocka_unit_test(multi_file_package),
	    cmocka_unit_test(archive_with_assembly),
	    cmocka_unit_test(funcinfo_of_main),
	    cmocka_unit_test(bare_object),
	    cmocka_unit_test(resolve_rejects_foreign_refs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
