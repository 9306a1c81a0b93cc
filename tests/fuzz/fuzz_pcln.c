/* libFuzzer target for the pclntab builder (loader/pcln*.c): fuzz bytes
 * become a unit description — function sizes, alignment gaps, pc-value
 * tables, inline trees, funcdata, file tables — as hostile as an object
 * can make them. A build must either fail with an error or produce tables
 * on which the runtime's own lookups (findfunc via findfunctab + ftab,
 * funcname, funcdata in gofunc, pc-value decoding of every offset) stay in
 * bounds and find the right function for every pc. ASan/UBSan catch the
 * rest. */
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loader/release_rt.h"
#include "loader/modbuild.h"
#include "loader/pcln.h"

#define MAXF 64
#define TEXT 0x40000000u

typedef struct reader {
	const uint8_t *p;
	size_t n;
} reader;

static uint8_t take(reader *r)
{
	if (!r->n)
		return 0;
	r->n--;
	return *r->p++;
}

/* Scratch space for encoded tables; reset per input. */
static uint8_t enc_buf[1 << 16];
static size_t enc_len;

static void put_uv(uint32_t v)
{
	while (v >= 0x80 && enc_len < sizeof enc_buf) {
		enc_buf[enc_len++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	if (enc_len < sizeof enc_buf)
		enc_buf[enc_len++] = (uint8_t)v;
}

/* A well-formed pc-value table (cmd/internal/obj funcpctab encoding)
 * with values in [lo, lo+span) and pc runs summing to about `size`. */
static gofn_mb_bytes encoded(reader *r, int32_t lo, uint32_t span, uint32_t size)
{
	size_t start = enc_len;
	int32_t val = -1;
	uint32_t steps = 1 + take(r) % 6, pc = 0;
	for (uint32_t i = 0; i < steps && enc_len + 16 < sizeof enc_buf; i++) {
		int32_t v = lo + (int32_t)(take(r) % (span ? span : 1));
		uint32_t run = i + 1 == steps ? (size > pc ? size - pc : 1) : take(r) % 40 + 1;
		int32_t d = v - val;
		put_uv(((uint32_t)d << 1) ^ (uint32_t)(d >> 31));
		put_uv(run);
		val = v;
		pc += run;
	}
	put_uv(0);
	return (gofn_mb_bytes){enc_buf + start, enc_len - start};
}

/* A byte range of the input, used as-is (tables point into the input). */
static gofn_mb_bytes take_bytes(reader *r)
{
	size_t len = take(r) % 24;
	if (len > r->n)
		len = r->n;
	gofn_mb_bytes b = {len ? r->p : NULL, len};
	r->p += len;
	r->n -= len;
	return b;
}

/* Mostly well-formed tables, sometimes none, sometimes raw input bytes. */
static gofn_mb_bytes table(reader *r, int32_t lo, uint32_t span, uint32_t size)
{
	switch (take(r) % 4) {
	case 0:
		return take_bytes(r);
	case 1:
		return (gofn_mb_bytes){0};
	default:
		return encoded(r, lo, span, size);
	}
}

static const char *const files[] = {"/a.go", "$GOROOT/src/b.go", "c.go"};
static const char *const names[] = {"main.a", "main.b", "pkg.(*T).M", "main.a"};

static void check(const gofn_mb_unit *u, const gofn_pcln *p)
{
	const gort_functab *ft = (const gort_functab *)(p->buf + p->functab_off);
	const gort_pcheader *h = (const gort_pcheader *)p->buf;
	if (h->magic != GORT_PCLNTAB_MAGIC || (size_t)h->nfunc != u->nfuncs)
		abort();
	for (uintptr_t pc = p->minpc; pc < p->maxpc; pc++) {
		uintptr_t x = pc - p->minpc;
		gort_findfuncbucket fb;
		memcpy(&fb, p->buf + p->findfunctab_off + x / GORT_FUNCTAB_BUCKETSIZE * sizeof fb,
		       sizeof fb);
		uint32_t idx =
		    fb.idx + fb.subbuckets[x % GORT_FUNCTAB_BUCKETSIZE / GORT_SUBBUCKETSIZE];
		uint32_t pcoff = (uint32_t)(pc - p->text);
		while (ft[idx + 1].entryoff <= pcoff)
			idx++;
		size_t want = 0;
		while (want + 1 < u->nfuncs && u->funcs[want + 1].entry <= pc)
			want++;
		if (idx != want)
			abort();
		const gort_func *f = (const gort_func *)(p->buf + p->functab_off + ft[idx].funcoff);
		const char *name = (const char *)(p->buf + p->funcnametab_off + f->name_off);
		if (f->name_off <= 0 || (size_t)f->name_off >= p->funcnametab_len ||
		    strcmp(name, u->funcs[idx].name) != 0)
			abort();
		const uint32_t *pcd = (const uint32_t *)(f + 1), *fd = pcd + f->npcdata;
		uint32_t tabs[3] = {f->pcsp, f->pcfile, f->pcln};
		for (int k = 0; k < 3; k++) {
			gofn_pcvalue_it it;
			if (tabs[k] >= p->pctab_len)
				abort();
			gofn_pcvalue_init(&it, p->buf + p->pctab_off + tabs[k],
					  p->pctab_len - tabs[k]);
			while (tabs[k] && gofn_pcvalue_next(&it) == 1)
				;
		}
		for (uint32_t k = 0; k < f->nfuncdata; k++)
			if (fd[k] != GORT_NOFUNCDATA && p->gofunc_off + fd[k] >= p->len)
				abort();
	}
}

/* How many inputs built tables (FUZZ_PCLN_STATS=1 prints it at exit):
 * the interesting half of the target is the check on successful builds. */
static unsigned long built, tried;

__attribute__((destructor)) static void stats(void)
{
	if (getenv("FUZZ_PCLN_STATS"))
		fprintf(stderr, "fuzz_pcln: %lu of %lu inputs built tables\n", built, tried);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	reader r = {data, size};
	enc_len = 0;
	tried++;
	gofn_mb_func f[MAXF];
	gofn_mb_inl inl[MAXF][4];
	gofn_mb_bytes pcdata[MAXF][3];
	gofn_mb_funcdata fdata[MAXF][5];
	gofn_mb_cu cu = {files, 1 + take(&r) % 3};
	size_t n = 1 + take(&r) % MAXF;
	uintptr_t at = TEXT + (take(&r) & 0x3f);
	memset(f, 0, sizeof f);
	for (size_t i = 0; i < n; i++) {
		f[i].name = names[take(&r) % 4];
		f[i].entry = at;
		f[i].size = (uint32_t)take(&r) * (take(&r) % 3 + 1) + (i == 0);
		f[i].deferreturn = take(&r);
		f[i].cu = take(&r) % 5 ? 0 : GOFN_MB_NOCU;
		f[i].pcsp = table(&r, 0, 200, f[i].size);
		f[i].pcfile = table(&r, 0, cu.nfiles + (take(&r) % 8 == 0), f[i].size);
		f[i].pcline = table(&r, 1, 1000, f[i].size);
		f[i].ninl = take(&r) % 5;
		f[i].pcinline = table(&r, -1, f[i].ninl + 1 + (take(&r) % 8 == 0), f[i].size);
		f[i].npcdata = take(&r) % 4;
		for (uint32_t k = 0; k < f[i].npcdata; k++)
			pcdata[i][k] = table(&r, -2, 10, f[i].size);
		f[i].pcdata = pcdata[i];
		f[i].nfuncdata = take(&r) % 6;
		for (uint32_t k = 0; k < f[i].nfuncdata; k++) {
			gofn_mb_bytes b = take_bytes(&r);
			fdata[i][k] = (gofn_mb_funcdata){b.p, b.n};
		}
		f[i].funcdata = fdata[i];
		for (uint32_t k = 0; k < f[i].ninl; k++)
			inl[i][k] = (gofn_mb_inl){names[take(&r) % 4], take(&r), 0, take(&r) % 4,
						  (int32_t)take(&r) - 8};
		f[i].inl = inl[i];
		/* gaps and, sometimes, overlaps the builder must refuse */
		at += f[i].size + (take(&r) % 4 == 0 ? -(uintptr_t)(take(&r) % 8) : take(&r) % 64);
	}
	gofn_mb_unit u = {.funcs = f,
			  .nfuncs = n,
			  .cus = &cu,
			  .ncus = 1,
			  .goroot = "/go",
			  .text = {TEXT, at + 64}};
	gofn_pcln p;
	gofn_err err;
	if (gofn_pcln_build(&u, &p, &err) == 0) {
		check(&u, &p);
		gofn_pcln_free(&p);
		built++;
	}
	return 0;
}
