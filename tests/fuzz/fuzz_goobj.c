/* libFuzzer target for the Go object parser. Beyond "no crash", it checks
 * the parser's promise: after a successful parse every symref resolves,
 * every reloc lies inside its symbol and all data is readable, so the
 * linker can index without re-checking. Any broken promise aborts. */
#include <stdint.h>
#include <stdlib.h>

#include "loader/release_obj.h"
#include "loader/goobj.h"

static volatile uint8_t sink;

static void must(int ok)
{
	if (!ok)
		abort();
}

static void touch(const uint8_t *p, size_t n)
{
	uint8_t x = 0;

	for (size_t i = 0; i < n; i++)
		x ^= p[i];
	sink = x;
}

static void resolve(const goobj_object *o, goobj_symref r)
{
	goobj_target t;
	gofn_err e;

	must(goobj_resolve(o, r, &t, &e) == 0);
	if (t.kind == GOOBJ_TARGET_LOCAL)
		must(t.local < o->nsyms);
	touch((const uint8_t *)t.name.p, t.name.len);
}

static void check_funcinfo(const goobj_object *o, uint32_t i)
{
	goobj_funcinfo fi;
	gofn_err e;

	if (goobj_funcinfo_get(o, i, &fi, &e) != 1)
		return;
	for (uint32_t k = 0; k < fi.nfiles; k++)
		must(goobj_funcinfo_file(&fi, k) < o->nfiles);
	for (uint32_t k = 0; k < fi.ninl; k++) {
		goobj_inlnode n;
		goobj_funcinfo_inl(&fi, k, &n);
		resolve(o, n.func);
	}
}

static void check_sym(const goobj_object *o, uint32_t i)
{
	const goobj_sym *s = &o->syms[i];
	uint32_t dlen;
	const uint8_t *data = goobj_sym_data(o, s, &dlen);
	uint64_t extent = s->size > dlen ? s->size : dlen;

	touch((const uint8_t *)s->name.p, s->name.len);
	touch(data, dlen);
	for (uint32_t k = 0; k < goobj_sym_nrelocs(o, s); k++) {
		const goobj_reloc *r = &goobj_sym_relocs(o, s)[k];
		must(r->off >= 0 && (uint64_t)r->off + r->size <= extent);
		must(gorel_reloc_name(r->type & ~GOREL_R_WEAK) != NULL);
		resolve(o, r->sym);
	}
	for (uint32_t k = 0; k < goobj_sym_nauxs(o, s); k++)
		resolve(o, goobj_sym_auxs(o, s)[k].sym);
	check_funcinfo(o, i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	goobj_archive *a;
	gofn_err e;

	if (goobj_parse("fuzz", data, size, &a, &e) < 0)
		return 0;
	for (uint32_t n = 0; n < a->nobjs; n++) {
		const goobj_object *o = &a->objs[n];
		for (uint32_t i = 0; i < o->npkgs; i++)
			touch((const uint8_t *)o->pkgs[i].p, o->pkgs[i].len);
		for (uint32_t i = 0; i < o->nfiles; i++)
			touch((const uint8_t *)o->files[i].p, o->files[i].len);
		for (uint32_t i = 0; i < o->nautolib; i++)
			touch(o->autolib[i].fingerprint, 8);
		for (uint32_t i = 0; i < o->ndefined; i++)
			check_sym(o, i);
	}
	goobj_free(a);
	return 0;
}
