/* The pclntab builder against the runtime's own lookup algorithms: every
 * table is read back the way runtime/symtab.go reads it (findfunc via
 * findfunctab + ftab, funcname, funcfile through cutab/filetab, funcdata
 * relative to gofunc, inline trees) rather than compared to bytes we
 * wrote by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "loader/release_rt.h"
#include "loader/modbuild.h"
#include "loader/pcln.h"

/* Encodes a pc-value table the way cmd/internal/obj/pcln.go funcpctab does:
 * (zig-zag value delta, pc delta) varints, then a terminating 0. */
typedef struct enc {
	uint8_t b[256];
	size_t n;
	int32_t val;
} enc;

static void put_uv(enc *e, uint32_t v)
{
	while (v >= 0x80) {
		e->b[e->n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	e->b[e->n++] = (uint8_t)v;
}

static void step(enc *e, int32_t val, uint32_t pcdelta)
{
	int32_t d = val - e->val;
	put_uv(e, ((uint32_t)d << 1) ^ (uint32_t)(d >> 31));
	put_uv(e, pcdelta);
	e->val = val;
}

static gofn_mb_bytes done(enc *e)
{
	e->b[e->n++] = 0;
	return (gofn_mb_bytes){e->b, e->n};
}

static enc one_value(int32_t v, uint32_t len)
{
	enc e = {.val = -1};
	step(&e, v, len);
	done(&e);
	return e;
}

/* A fake text segment: only addresses matter, nothing is executed. */
#define TEXT 0x10000000u

typedef struct fixture {
	gofn_mb_func f[300];
	gofn_mb_inl inl[2];
	gofn_mb_funcdata fd[4];
	uint8_t stackmap[12], stackobj[16];
	enc sp, file, line, inlt, file_bad;
	gofn_mb_cu cu;
	gofn_mb_unit u;
} fixture;

static const char *const files[] = {"/src/main.go", "$GOROOT/src/strings/strings.go"};
static char names[300][32];

static fixture *make_fixture(size_t n, uint32_t fsize)
{
	fixture *x = calloc(1, sizeof *x);
	x->sp = one_value(8, fsize);
	x->file = one_value(1, fsize);
	x->line = one_value(42, fsize);
	x->file_bad = one_value(2, fsize);
	/* inline index 0 for the first half of the function, -1 after */
	x->inlt = (enc){.val = -1};
	step(&x->inlt, 0, fsize / 2);
	step(&x->inlt, -1, fsize - fsize / 2);
	done(&x->inlt);
	memset(x->stackmap, 0xa5, sizeof x->stackmap);
	memset(x->stackobj, 0x5a, sizeof x->stackobj);
	x->fd[0] = (gofn_mb_funcdata){x->stackmap, sizeof x->stackmap};
	x->fd[1] = (gofn_mb_funcdata){x->stackmap, sizeof x->stackmap};
	x->fd[2] = (gofn_mb_funcdata){x->stackobj, sizeof x->stackobj};
	x->inl[0] = (gofn_mb_inl){"strings.Index", 0, 1000, 1, 4};
	x->cu = (gofn_mb_cu){files, 2};
	for (size_t i = 0; i < n; i++) {
		snprintf(names[i], sizeof names[i], "main.f%zu", i);
		gofn_mb_func *f = &x->f[i];
		f->name = names[i];
		/* 32-byte alignment as cmd/link uses for amd64 functions */
		f->entry = TEXT + 0x20 + i * ((fsize + 31) / 32 * 32);
		f->size = fsize;
		f->args = 16;
		f->start_line = 40;
		f->cu = 0;
		f->pcsp = (gofn_mb_bytes){x->sp.b, x->sp.n};
		f->pcfile = (gofn_mb_bytes){x->file.b, x->file.n};
		f->pcline = (gofn_mb_bytes){x->line.b, x->line.n};
		f->funcdata = x->fd;
		f->nfuncdata = 3;
	}
	x->f[0].inl = x->inl;
	x->f[0].ninl = 1;
	x->f[0].pcinline = (gofn_mb_bytes){x->inlt.b, x->inlt.n};
	x->f[0].deferreturn = 3;
	gofn_mb_func *last = &x->f[n - 1];
	x->u = (gofn_mb_unit){.modulename = "test",
			      .goroot = "/usr/local/go",
			      .funcs = x->f,
			      .nfuncs = n,
			      .cus = &x->cu,
			      .ncus = 1,
			      .text = {TEXT, last->entry + last->size + 64}};
	return x;
}

static const gort_func *func_at(const gofn_pcln *p, uint32_t funcoff)
{
	return (const gort_func *)(p->buf + p->functab_off + funcoff);
}

static const gort_functab *ftab(const gofn_pcln *p)
{
	return (const gort_functab *)(p->buf + p->functab_off);
}

/* runtime/symtab.go findfunc, over our tables. */
static const gort_func *findfunc(const gofn_pcln *p, uintptr_t pc)
{
	if (pc < p->minpc || pc >= p->maxpc)
		return NULL;
	uint32_t pcoff = (uint32_t)(pc - p->text);
	uintptr_t x = pcoff + p->text - p->minpc;
	size_t b = x / GORT_FUNCTAB_BUCKETSIZE;
	size_t i = x % GORT_FUNCTAB_BUCKETSIZE / GORT_SUBBUCKETSIZE;
	gort_findfuncbucket fb;
	memcpy(&fb, p->buf + p->findfunctab_off + b * sizeof fb, sizeof fb);
	uint32_t idx = fb.idx + fb.subbuckets[i];
	const gort_functab *ft = ftab(p);
	while (ft[idx + 1].entryoff <= pcoff)
		idx++;
	return func_at(p, ft[idx].funcoff);
}

/* runtime/symtab.go moduledata.funcName: offset 0 means no name. */
static const char *funcname(const gofn_pcln *p, int32_t nameoff)
{
	if (nameoff == 0)
		return "";
	return (const char *)(p->buf + p->funcnametab_off + nameoff);
}

static const uint32_t *pcdata_of(const gort_func *f)
{
	return (const uint32_t *)(f + 1);
}

static const uint32_t *funcdata_of(const gort_func *f)
{
	return pcdata_of(f) + f->npcdata;
}

static void test_header_and_names(void **state)
{
	(void)state;
	fixture *x = make_fixture(3, 100);
	gofn_pcln p;
	gofn_err err = {0};
	assert_int_equal(gofn_pcln_build(&x->u, &p, &err), 0);
	const gort_pcheader *h = (const gort_pcheader *)p.buf;
	assert_int_equal(h->magic, GORT_PCLNTAB_MAGIC);
	assert_int_equal(h->ptr_size, 8);
	assert_int_equal(h->min_lc, 1);
	assert_int_equal(h->nfunc, 3);
	assert_int_equal(h->nfiles, 2);
	assert_int_equal(h->funcname_offset, p.funcnametab_off);
	assert_int_equal(h->pcln_offset, p.functab_off);
	const gort_functab *ft = ftab(&p);
	for (int i = 0; i < 3; i++) {
		const gort_func *f = func_at(&p, ft[i].funcoff);
		assert_int_equal(ft[i].entryoff, x->f[i].entry - TEXT);
		assert_int_equal(f->entry_off, ft[i].entryoff);
		assert_string_equal(funcname(&p, f->name_off), x->f[i].name);
		assert_int_equal(f->args, 16);
		assert_int_equal(f->start_line, 40);
		assert_int_equal(ft[i].funcoff % 8, 0);
	}
	/* the sentinel is the end of the last function */
	assert_int_equal(ft[3].entryoff, x->f[2].entry + 100 - TEXT);
	assert_int_equal(p.minpc, x->f[0].entry);
	assert_int_equal(p.maxpc, x->f[2].entry + 100);
	gofn_pcln_free(&p);
	free(x);
}

/* runtime/symtab.go funcfile: cutab[cuOffset + fileno] into filetab. */
static void test_files_and_pctab(void **state)
{
	(void)state;
	fixture *x = make_fixture(2, 64);
	gofn_pcln p;
	gofn_err err = {0};
	assert_int_equal(gofn_pcln_build(&x->u, &p, &err), 0);
	const gort_func *f = func_at(&p, ftab(&p)[1].funcoff);
	const uint32_t *cutab = (const uint32_t *)(p.buf + p.cutab_off);
	const char *filetab = (const char *)(p.buf + p.filetab_off);
	assert_string_equal(filetab + cutab[f->cu_offset + 0], "/src/main.go");
	assert_string_equal(filetab + cutab[f->cu_offset + 1],
			    "/usr/local/go/src/strings/strings.go");
	/* pc tables: nonzero offsets, bytes identical, shared between funcs */
	const gort_func *f0 = func_at(&p, ftab(&p)[0].funcoff);
	assert_true(f->pcsp != 0 && f->pcfile != 0 && f->pcln != 0);
	assert_int_equal(f->pcsp, f0->pcsp);
	assert_memory_equal(p.buf + p.pctab_off + f->pcln, x->line.b, x->line.n);
	gofn_pcvalue_it it;
	gofn_pcvalue_init(&it, p.buf + p.pctab_off + f->pcfile, p.pctab_len - f->pcfile);
	assert_int_equal(gofn_pcvalue_next(&it), 1);
	assert_int_equal(it.val, 1);
	assert_int_equal(it.pc, 64);
	assert_int_equal(gofn_pcvalue_next(&it), 0);
	gofn_pcln_free(&p);
	free(x);
}

static void test_funcdata_and_inltree(void **state)
{
	(void)state;
	fixture *x = make_fixture(2, 64);
	gofn_pcln p;
	gofn_err err = {0};
	assert_int_equal(gofn_pcln_build(&x->u, &p, &err), 0);
	const uint8_t *gofunc = p.buf + p.gofunc_off;
	const gort_func *f0 = func_at(&p, ftab(&p)[0].funcoff);
	const gort_func *f1 = func_at(&p, ftab(&p)[1].funcoff);
	/* f0 has an inline tree: FUNCDATA_InlTree and PCDATA_InlTreeIndex appear */
	assert_int_equal(f0->nfuncdata, GORT_FUNCDATA_InlTree + 1);
	assert_int_equal(f0->npcdata, GORT_PCDATA_InlTreeIndex + 1);
	assert_int_equal(f1->nfuncdata, 3);
	assert_int_equal(f0->deferreturn, 3);
	const uint32_t *fd0 = funcdata_of(f0), *fd1 = funcdata_of(f1);
	assert_memory_equal(gofunc + fd0[0], x->stackmap, sizeof x->stackmap);
	assert_memory_equal(gofunc + fd0[2], x->stackobj, sizeof x->stackobj);
	assert_int_equal(fd0[0], fd0[1]); /* identical bytes stored once */
	assert_int_equal(fd0[0], fd1[0]);
	assert_int_equal(fd0[0] % 8, 0);
	const gort_inlinedcall *ic = (const gort_inlinedcall *)(gofunc + fd0[3]);
	assert_string_equal(funcname(&p, ic->name_off), "strings.Index");
	assert_int_equal(ic->parent_pc, 4);
	assert_int_equal(ic->start_line, 1000);
	assert_true(pcdata_of(f0)[GORT_PCDATA_InlTreeIndex] != 0);
	assert_true(p.gofunc_off + fd0[3] + sizeof *ic <= p.len);
	gofn_pcln_free(&p);
	free(x);
}

/* findfunc must find the right function for every pc, including in the
 * alignment gaps (they belong to the function before) and across many
 * 4 KiB buckets with more than 16 functions per bucket. */
static void check_findfunc_everywhere(size_t n, uint32_t fsize)
{
	fixture *x = make_fixture(n, fsize);
	x->f[0].ninl = 0;
	gofn_pcln p;
	gofn_err err = {0};
	assert_int_equal(gofn_pcln_build(&x->u, &p, &err), 0);
	for (uintptr_t pc = p.minpc; pc < p.maxpc; pc++) {
		size_t want = 0;
		while (want + 1 < n && x->f[want + 1].entry <= pc)
			want++;
		const gort_func *f = findfunc(&p, pc);
		assert_non_null(f);
		assert_int_equal(f->entry_off, x->f[want].entry - TEXT);
	}
	gofn_pcln_free(&p);
	free(x);
}

static void test_findfunc_small_funcs(void **state)
{
	(void)state;
	check_findfunc_everywhere(300, 17);
}

static void test_findfunc_large_funcs(void **state)
{
	(void)state;
	check_findfunc_everywhere(5, 9000);
}

static void expect_error(fixture *x, const char *needle)
{
	gofn_pcln p;
	gofn_err err = {0};
	assert_int_equal(gofn_pcln_build(&x->u, &p, &err), -1);
	if (!strstr(err.msg, needle))
		fail_msg("error %s does not mention %s", err.msg, needle);
	assert_null(p.buf);
	free(x);
}

static void test_rejects_bad_units(void **state)
{
	(void)state;
	fixture *x = make_fixture(3, 64);
	x->f[1].entry = x->f[0].entry + 10;
	expect_error(x, "overlaps");

	x = make_fixture(3, 64);
	x->f[2].entry = x->u.text.end;
	expect_error(x, "outside the text range");

	x = make_fixture(2, 64);
	x->f[1].pcfile = (gofn_mb_bytes){x->file_bad.b, x->file_bad.n};
	expect_error(x, "pcfile");

	/* the same bytes already in pctab as a valid pcsp (any value goes)
	 * are still checked against pcfile's narrower bounds */
	x = make_fixture(2, 64);
	x->f[0].pcsp = (gofn_mb_bytes){x->file_bad.b, x->file_bad.n};
	x->f[1].pcfile = (gofn_mb_bytes){x->file_bad.b, x->file_bad.n};
	expect_error(x, "pcfile");

	x = make_fixture(2, 64);
	x->f[1].pcline = (gofn_mb_bytes){x->line.b, x->line.n - 1}; /* no terminator */
	expect_error(x, "unterminated");

	x = make_fixture(2, 64);
	x->inl[0].parent_pc = 1000;
	expect_error(x, "parent pc");

	x = make_fixture(2, 64);
	x->f[1].cu = 5;
	expect_error(x, "CU 5");

	x = make_fixture(1, 64);
	x->u.nfuncs = 0;
	expect_error(x, "no functions");
}

static void test_pcvalue_check(void **state)
{
	(void)state;
	gofn_err err = {0};
	enc e = {.val = -1};
	step(&e, 5, 10);
	step(&e, -7, 300); /* multi-byte pc delta, negative value delta */
	done(&e);
	assert_int_equal(gofn_pcvalue_check(e.b, e.n, -10, 10, &err), 2);
	assert_int_equal(gofn_pcvalue_check(e.b, e.n, 0, 10, &err), -1);
	assert_non_null(strstr(err.msg, "-7"));
	uint8_t runaway[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80};
	assert_int_equal(gofn_pcvalue_check(runaway, sizeof runaway, -10, 10, &err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_header_and_names),
	    cmocka_unit_test(test_files_and_pctab),
	    cmocka_unit_test(test_funcdata_and_inltree),
	    cmocka_unit_test(test_findfunc_small_funcs),
	    cmocka_unit_test(test_findfunc_large_funcs),
	    cmocka_unit_test(test_rejects_bad_units),
	    cmocka_unit_test(test_pcvalue_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
