/* The moduledata the builder hands the runtime, checked field by field as
 * runtime/symtab.go (moduledataverify1, findmoduledatap, textAddr) and
 * reflect's typesByString read it. Registration itself needs the Go
 * runtime and is exercised by the loader corpus; here the bridge is
 * absent and must be reported as such. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "loader/release_rt.h"
#include "loader/modbuild.h"

/* One fake unit in one buffer: text, then "types" holding three type
 * descriptors and their names, then data with one pointer global. */
static struct {
	uint8_t text[256];
	struct {
		gort_type t[3];
		uint8_t names[64];
		uint8_t ptrmask;
	} types;
	uint64_t data[4];
} unit __attribute__((aligned(64)));

static const uint8_t pcsp[] = {0x02, 0x20, 0}; /* value 0 for 32 bytes */

static gofn_mb_func funcs[2];
static gofn_mb_var vars[1];
static uintptr_t typelinks[3];
static gofn_mb_unit u;

/* abi.Name: flags byte, varint length, bytes. Returns the nameOff. */
static int32_t put_name(size_t *at, const char *s)
{
	size_t n = strlen(s);
	uint8_t *p = unit.types.names + *at;
	p[0] = 0;
	p[1] = (uint8_t)n;
	memcpy(p + 2, s, n);
	int32_t off = (int32_t)((uintptr_t)p - (uintptr_t)&unit.types);
	*at += 2 + n;
	return off;
}

static void setup_unit(void)
{
	memset(&unit, 0, sizeof unit);
	size_t at = 0;
	const char *names[] = {"main.zeta", "*main.alpha", "main.mid"};
	for (int i = 0; i < 3; i++) {
		unit.types.t[i] = (gort_type){.size = 8, .kind = 2, .str = put_name(&at, names[i])};
		typelinks[i] = (uintptr_t)&unit.types.t[i];
	}
	/* "*main.alpha" with TFlagExtraStar reads as "main.alpha" */
	unit.types.t[1].tflag = GORT_TFLAG_EXTRASTAR;
	unit.types.ptrmask = 1;
	unit.types.t[0].ptrbytes = 8;
	unit.types.t[0].gcdata = &unit.types.ptrmask;
	uintptr_t text = (uintptr_t)unit.text;
	funcs[0] = (gofn_mb_func){.name = "main.a", .entry = text, .size = 32};
	funcs[1] = (gofn_mb_func){.name = "main.b", .entry = text + 64, .size = 40};
	for (int i = 0; i < 2; i++) {
		funcs[i].pcsp = (gofn_mb_bytes){pcsp, sizeof pcsp};
		funcs[i].cu = GOFN_MB_NOCU;
	}
	vars[0] = (gofn_mb_var){(uintptr_t)&unit.data[1], 8, &unit.types.t[0], "main.p"};
	u = (gofn_mb_unit){
	    .modulename = "unit-test",
	    .funcs = funcs,
	    .nfuncs = 2,
	    .text = {text, text + sizeof unit.text},
	    .rodata = {(uintptr_t)&unit.types, (uintptr_t)&unit.types + sizeof unit.types},
	    .types = {(uintptr_t)&unit.types, (uintptr_t)&unit.types + sizeof unit.types},
	    .data = {(uintptr_t)unit.data, (uintptr_t)unit.data + sizeof unit.data},
	    .vars = vars,
	    .nvars = 1,
	    .typelinks = typelinks,
	    .ntypelinks = 3,
	};
}

static void build_ok(gofn_mb_image **img, gofn_err *err)
{
	if (gofn_mb_build(&u, img, err) != 0)
		fail_msg("build: %s", err->msg);
}

static const char *type_str(const gort_moduledata *md, int32_t off)
{
	const gort_type *t = (const gort_type *)(md->types + (uintptr_t)off);
	const uint8_t *name = (const uint8_t *)(md->types + (uintptr_t)t->str);
	return (const char *)name + 2 + ((t->tflag & GORT_TFLAG_EXTRASTAR) ? 1 : 0);
}

static void test_moduledata_fields(void **state)
{
	(void)state;
	setup_unit();
	gofn_mb_image *img;
	gofn_err err = {0};
	build_ok(&img, &err);
	const gort_moduledata *md = gofn_mb_moduledata(img);
	assert_int_equal(md->pcheader->magic, GORT_PCLNTAB_MAGIC);
	assert_int_equal(md->pcheader->nfunc, 2);
	assert_int_equal(md->ftab.len, 3);
	const gort_functab *ft = md->ftab.ptr;
	/* moduledataverify1: sorted ftab, minpc/maxpc = first entry / sentinel */
	assert_true(ft[0].entryoff <= ft[1].entryoff && ft[1].entryoff <= ft[2].entryoff);
	assert_int_equal(md->minpc, md->text + ft[0].entryoff);
	assert_int_equal(md->maxpc, md->text + ft[2].entryoff);
	assert_int_equal(md->maxpc, funcs[1].entry + 40);
	assert_true(md->gofunc <= md->epclntab);
	assert_int_equal(md->text, u.text.start);
	assert_int_equal(md->etext, u.text.end);
	assert_int_equal(md->types, u.types.start);
	assert_int_equal(md->data, u.data.start);
	assert_string_equal(md->modulename.ptr, "unit-test");
	assert_int_equal(md->modulename.len, 9);
	assert_null(md->next);
	assert_int_equal(md->textsectmap.len, 0);
	/* data mask: main.p at word 1 of data */
	assert_int_equal(md->gcdatamask.n, 4);
	assert_int_equal(md->gcdatamask.bytedata[0], 0x2);
	/* bss is empty but its mask must not be nil (modulesinit) */
	assert_int_equal(md->gcbssmask.n, 0);
	assert_non_null(md->gcbssmask.bytedata);
	/* typelinks: sorted by the type's string as reflect searches them */
	assert_int_equal(md->typelinks.len, 3);
	const int32_t *tl = md->typelinks.ptr;
	assert_string_equal(type_str(md, tl[0]), "main.alpha");
	assert_string_equal(type_str(md, tl[1]), "main.mid");
	assert_string_equal(type_str(md, tl[2]), "main.zeta");
	assert_int_equal(gofn_mb_free(img), 0);
}

/* Host functions reached by text offsets: a second text section maps
 * offsets from gofn_mb_hosttext_off back to host addresses
 * (runtime/symtab.go textAddr). */
static uintptr_t text_addr(const gort_moduledata *md, uint32_t off)
{
	const gort_textsect *s = md->textsectmap.ptr;
	for (intptr_t i = 0; i < md->textsectmap.len; i++)
		if ((off >= s[i].vaddr && off < s[i].end) ||
		    (i == md->textsectmap.len - 1 && off == s[i].end))
			return s[i].baseaddr + off - s[i].vaddr;
	return md->text + off;
}

static void test_host_text_section(void **state)
{
	(void)state;
	setup_unit();
	uintptr_t host_lo = 0x401000, host_hi = 0x480000;
	u.host_text = (gofn_mb_range){host_lo, host_hi};
	/* Text exactly one page long, the last function ending at its end:
	 * the sentinel offset equals the text length (only addresses are
	 * used, nothing reads the text bytes). */
	u.text.end = u.text.start + 4096;
	funcs[1].entry = u.text.end - funcs[1].size;
	gofn_mb_image *img;
	gofn_err err = {0};
	build_ok(&img, &err);
	const gort_moduledata *md = gofn_mb_moduledata(img);
	assert_int_equal(md->textsectmap.len, 2);
	uint32_t hoff = (uint32_t)gofn_mb_hosttext_off(u.text);
	assert_true(hoff > u.text.end - u.text.start);
	/* the ftab sentinel (end of the last function) stays in the unit */
	const gort_functab *ft = md->ftab.ptr;
	assert_int_equal(text_addr(md, ft[2].entryoff), funcs[1].entry + funcs[1].size);
	assert_int_equal(text_addr(md, hoff + 0x1234), host_lo + 0x1234);
	assert_int_equal(text_addr(md, 64), u.text.start + 64);
	assert_int_equal(md->maxpc, text_addr(md, ft[2].entryoff)); /* moduledataverify1 */
	assert_int_equal(gofn_mb_free(img), 0);

	u.host_text = (gofn_mb_range){u.text.start + 4096, u.text.start + 8192};
	assert_int_equal(gofn_mb_build(&u, &img, &err), -1);
	assert_non_null(strstr(err.msg, "host text"));
}

static void test_rejects_and_reports(void **state)
{
	(void)state;
	setup_unit();
	gofn_mb_image *img;
	gofn_err err = {0};
	uintptr_t bad_itab = 0x1000;
	u.itabs = &bad_itab;
	u.nitabs = 1;
	assert_int_equal(gofn_mb_build(&u, &img, &err), -1);
	assert_non_null(strstr(err.msg, "itab 0"));
	assert_non_null(strstr(err.msg, "build module"));

	setup_unit();
	typelinks[1] = (uintptr_t)unit.text; /* not a type in the unit */
	assert_int_equal(gofn_mb_build(&u, &img, &err), -1);
	assert_non_null(strstr(err.msg, "typelink 1"));

	setup_unit();
	vars[0].size = 64; /* runs past data */
	assert_int_equal(gofn_mb_build(&u, &img, &err), -1);
	assert_non_null(strstr(err.msg, "main.p"));

	setup_unit();
	build_ok(&img, &err);
	assert_int_equal(gofn_mb_register(img, &err), -1);
	assert_non_null(strstr(err.msg, "runtime bridge not linked"));
	assert_int_equal(gofn_mb_unregister(img, &err), 0); /* never registered */
	assert_int_equal(gofn_mb_free(img), 0);
	assert_int_equal(gofn_mb_free(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_moduledata_fields),
	    cmocka_unit_test(test_host_text_section),
	    cmocka_unit_test(test_rejects_and_reports),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
