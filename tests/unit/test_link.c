/* The run-time linker against a real Go object (compiled here from
 * tests/unit/testdata with the installed toolchain) and this test binary
 * as the host: C definitions named like the Go symbols the object needs
 * stand in for the worker's runtime. Checks resolution against the host,
 * relocated data read back through the program's own pointers, reach from
 * the host, signatures read from DWARF, and the unresolved-symbol error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "loader/link_internal.h"
#include "loader/signature.h"
#include "tests/unit/tmpdir.h"

/* The "host": a function the object calls through //go:linkname, and the
 * runtime symbols the object refers to, as ELF symbols of this binary. */
void gofn_test_link_host_fn(void);
void gofn_test_link_host_fn(void)
{
}

__asm__(".pushsection .data\n"
	".balign 8\n"
	".globl \"type:int\"\n\"type:int\": .zero 64\n"
	".globl \"type:[]int\"\n\"type:[]int\": .zero 64\n"
	".globl \"type:[]uint8\"\n\"type:[]uint8\": .zero 64\n"
	".popsection\n"
	".pushsection .text\n"
	".globl \"runtime.morestack_noctxt\"\n\"runtime.morestack_noctxt\": int3\n"
	".popsection\n");

typedef struct fixture {
	char dir[64];
	uint8_t *unit, *missing;
	size_t unit_len, missing_len;
} fixture;

static uint8_t *compile(const char *dir, const char *src, size_t *len)
{
	char cmd[1024], out[256];
	snprintf(out, sizeof out, "%s/%s.o", dir, src);
	snprintf(cmd, sizeof cmd, "'%s' tool compile -p main -o '%s' tests/unit/testdata/%s.go",
		 GOFN_GO, out, src);
	if (system(cmd) != 0)
		return NULL;
	FILE *f = fopen(out, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *p = malloc((size_t)n);
	if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
		free(p);
		p = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return p;
}

static int setup(void **state)
{
	fixture *fx = calloc(1, sizeof *fx);
	if (!fx || tmpdir_make(fx->dir, sizeof fx->dir, "test-link") < 0)
		return -1;
	fx->unit = compile(fx->dir, "link_unit", &fx->unit_len);
	fx->missing = compile(fx->dir, "link_missing", &fx->missing_len);
	if (!fx->unit || !fx->missing)
		return -1;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	fixture *fx = *state;
	if (tmpdir_remove(fx->dir) < 0)
		return -1;
	free(fx->unit);
	free(fx->missing);
	free(fx);
	return 0;
}

/* Links one object into l; the archive is owned by l afterwards. */
static int link_one(gofn_link *l, const uint8_t *p, size_t n, gofn_err *e)
{
	memset(l, 0, sizeof *l);
	l->archives = calloc(1, sizeof *l->archives);
	if (goobj_parse("obj", p, n, &l->archives[0], e))
		return -1;
	l->narchives = 1;
	l->objs = calloc(l->archives[0]->nobjs, sizeof *l->objs);
	for (uint32_t i = 0; i < l->archives[0]->nobjs; i++)
		l->objs[l->nobjs++].o = &l->archives[0]->objs[i];
	return gofn_link_unit(l, e);
}

static const lk_sym *sym_named(const gofn_link *l, const char *name, uint32_t *idx)
{
	long i = goobj_find_sym(l->objs[0].o, name, -1);
	if (i < 0)
		return NULL;
	if (idx)
		*idx = (uint32_t)i;
	return &l->objs[0].syms[i];
}

static void data_reads_back(void **state)
{
	fixture *fx = *state;
	gofn_link l;
	gofn_err e = {0};
	assert_int_equal(link_one(&l, fx->unit, fx->unit_len, &e), 0);

	/* var table = []int{1, 2, 3}: a slice header relocated to its array */
	const lk_sym *t = sym_named(&l, "main.table", NULL);
	assert_non_null(t);
	assert_int_equal(t->sect, LK_DATA);
	const int64_t *const *hdr = (const int64_t *const *)t->addr;
	assert_int_equal(((const intptr_t *)hdr)[1], 3);
	assert_int_equal(hdr[0][0], 1);
	assert_int_equal(hdr[0][2], 3);

	/* var greeting = "hi" */
	const lk_sym *g = sym_named(&l, "main.greeting", NULL);
	assert_non_null(g);
	const char *const *str = (const char *const *)g->addr;
	assert_int_equal(((const intptr_t *)str)[1], 2);
	assert_memory_equal(str[0], "hi", 2);

	/* var counter int: zero bss */
	const lk_sym *c = sym_named(&l, "main.counter", NULL);
	assert_non_null(c);
	assert_int_equal(c->sect, LK_NOPTRBSS);
	assert_int_equal(*(const int64_t *)c->addr, 0);
	gofn_link_free(&l);
}

static void calls_reach_the_host(void **state)
{
	fixture *fx = *state;
	gofn_link l;
	gofn_err e = {0};
	uint32_t idx;
	int found = 0;
	assert_int_equal(link_one(&l, fx->unit, fx->unit_len, &e), 0);
	const lk_sym *f = sym_named(&l, "main.CallHost", &idx);
	assert_non_null(f);
	assert_int_equal(f->sect, LK_TEXT);
	assert_int_equal(f->addr % 32, 0); /* cmd/link funcAlign */
	const goobj_sym *s = &l.objs[0].o->syms[idx];
	for (uint32_t k = 0; k < goobj_sym_nrelocs(l.objs[0].o, s); k++) {
		goobj_target tg;
		const goobj_reloc *r = &goobj_sym_relocs(l.objs[0].o, s)[k];
		assert_int_equal(goobj_resolve(l.objs[0].o, r->sym, &tg, &e), 0);
		if (tg.name.len != 22 || memcmp(tg.name.p, "gofn_test_link_host_fn", 22) != 0)
			continue;
		int32_t rel;
		memcpy(&rel, (const uint8_t *)f->addr + r->off, 4);
		uintptr_t next = f->addr + (uintptr_t)r->off + 4;
		assert_int_equal(next + (intptr_t)rel, (uintptr_t)&gofn_test_link_host_fn);
		found = 1;
	}
	assert_true(found);
	/* every mapping lies within rel32 reach of the host text */
	for (int i = 0; i < LK_NSECT; i++)
		if (l.sect[i].end)
			assert_true(l.sect[i].end - l.host->text_lo < ((uintptr_t)1 << 31));
	gofn_link_free(&l);
}

/* Text between and after the functions, to the end of its last page, is
 * INT3 as cmd/link pads it. */
static void text_gaps_are_int3(void **state)
{
	fixture *fx = *state;
	gofn_link l;
	gofn_err e = {0};
	assert_int_equal(link_one(&l, fx->unit, fx->unit_len, &e), 0);
	const uint8_t *t = (const uint8_t *)l.sect[LK_TEXT].start;
	size_t len = (l.sect[LK_TEXT].end - l.sect[LK_TEXT].start + 4095) / 4096 * 4096;
	uint8_t *in_fn = calloc(len, 1);
	size_t nfn = 0;
	assert_non_null(t);
	assert_non_null(in_fn);
	const goobj_object *o = l.objs[0].o;
	for (uint32_t i = 0; i < o->ndefined; i++) {
		const lk_sym *ls = &l.objs[0].syms[i];
		if (ls->sect != LK_TEXT || ls->owner != LK_OWNER(0, i))
			continue;
		memset(in_fn + (ls->addr - (uintptr_t)t), 1, o->syms[i].size);
		nfn++;
	}
	assert_true(nfn > 1);
	size_t gaps = 0;
	for (size_t k = 0; k < len; k++)
		if (!in_fn[k]) {
			assert_int_equal(t[k], 0xCC);
			gaps++;
		}
	assert_true(gaps > 0);
	free(in_fn);
	gofn_link_free(&l);
}

static void loaded_type_points_at_host_elem(void **state)
{
	fixture *fx = *state;
	gofn_link l;
	gofn_err e = {0};
	assert_int_equal(link_one(&l, fx->unit, fx->unit_len, &e), 0);
	/* [3]int is not in this "host", so it is loaded; its elem is type:int */
	const lk_sym *a = sym_named(&l, "type:noalg.[3]int", NULL);
	assert_non_null(a);
	assert_int_equal(a->sect, LK_RODATA);
	const gofn_hostsym *h = gofn_symtab_find(l.host, "type:int", 8);
	assert_non_null(h);
	assert_int_equal(*(const uintptr_t *)(a->addr + 48), h->addr); /* ArrayType.Elem */
	gofn_link_free(&l);
}

static void signatures_from_dwarf(void **state)
{
	fixture *fx = *state;
	goobj_archive *a;
	gofn_err e = {0};
	static const struct {
		const char *fn, *spelling;
		gofn_sig sig;
	} want[] = {
	    {"main.Greet", "func(string) string", GOFN_SIG_STR_STR},
	    {"main.Upper", "func(string) (string, error)", GOFN_SIG_STR_STR_ERR},
	    {"main.Handle", "func([]uint8) ([]uint8, error)", GOFN_SIG_BYTES_BYTES_ERR},
	    {"main.Echo", "func([]uint8) []uint8", GOFN_SIG_BYTES_BYTES},
	    {"main.main", "func()", GOFN_SIG_VOID},
	    {"main.CallHost", "func()", GOFN_SIG_VOID},
	    {"main.Add", "func(int) int", GOFN_SIG_UNSUPPORTED},
	    {"main.Sum", "func() int", GOFN_SIG_UNSUPPORTED},
	    {"main.Many", "func(int, int, int)", GOFN_SIG_UNSUPPORTED},
	};
	assert_int_equal(goobj_parse("unit", fx->unit, fx->unit_len, &a, &e), 0);
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		char buf[128];
		gofn_sig sig;
		long k = goobj_find_sym(&a->objs[0], want[i].fn, 1);
		assert_true(k >= 0);
		assert_int_equal(gofn_signature_of(&a->objs[0], (uint32_t)k, buf, sizeof buf, &sig),
				 0);
		assert_string_equal(buf, want[i].spelling);
		assert_int_equal(sig, want[i].sig);
	}
	goobj_free(a);
}

static void unresolved_symbol_is_named(void **state)
{
	fixture *fx = *state;
	gofn_link l;
	gofn_err e = {0};
	assert_int_equal(link_one(&l, fx->missing, fx->missing_len, &e), -1);
	assert_int_equal(e.code, GOFN_EUNRESOLVED);
	assert_non_null(strstr(e.msg, "unresolved symbol gofn.nowhere"));
	assert_non_null(strstr(e.msg, "main.main"));
	gofn_link_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(data_reads_back),
	    cmocka_unit_test(calls_reach_the_host),
	    cmocka_unit_test(text_gaps_are_int3),
	    cmocka_unit_test(loaded_type_points_at_host_elem),
	    cmocka_unit_test(signatures_from_dwarf),
	    cmocka_unit_test(unresolved_symbol_is_named),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
