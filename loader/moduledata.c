/* The module image: a runtime moduledata for one loaded unit plus the tables
 * it points to (pclntab from pcln.c, GC masks from gcmask.c, typelinks,
 * itablinks), owned here, and its registration with the running runtime
 * through the Go bridge (loader/host/module.go). Field by field the
 * moduledata is filled as cmd/link/internal/ld/symtab.go writes the
 * host's own. */
#include <stdlib.h>
#include <string.h>

#include "loader/gcmask.h"
#include "loader/release_rt.h"
#include "loader/modbuild.h"
#include "loader/pcln.h"
#include "loader/rt_bridge.h"
#include "loader/rtcache.h"

enum { NRANGES = 8 };

struct gofn_mb_image {
	gort_moduledata md; /* the runtime keeps a pointer to it: never moves */
	gofn_pcln pcln;
	uint8_t *datamask, *bssmask;
	int32_t *typelinks; /* offsets from md.types, sorted by type string */
	void **types;	    /* the same as pointers */
	size_t ntypelinks;
	gort_textsect textsects[2];
	void **itabs;
	size_t nitabs;
	char *modulename;
	uintptr_t ranges[2 * NRANGES]; /* the unit's memory, for unregister */
	size_t nranges;
	int registered;
};

static gort_slice slice_of(void *p, size_t n)
{
	gort_slice s = {p, (intptr_t)n, (intptr_t)n};
	return s;
}

static void add_range(gofn_mb_range *r, size_t *n, gofn_mb_range x)
{
	if (x.end > x.start)
		r[(*n)++] = x;
}

/* What a type walk may read: the unit's own sections and every module the
 * runtime already knows (the host's image from text to end). */
static size_t readable_ranges(const gofn_mb_unit *u, gofn_mb_range *r, size_t cap)
{
	size_t n = 0;
	add_range(r, &n, u->text);
	add_range(r, &n, u->rodata);
	add_range(r, &n, u->types);
	add_range(r, &n, u->noptrdata);
	add_range(r, &n, u->data);
	add_range(r, &n, u->bss);
	add_range(r, &n, u->noptrbss);
	if (!gofnFirstModuledata)
		return n;
	for (const gort_moduledata *md = gofnFirstModuledata(); md && n < cap; md = md->next) {
		gofn_mb_range h = {md->text, md->end};
		add_range(r, &n, h);
	}
	return n;
}

static int build_masks(gofn_mb_image *img, const gofn_mb_unit *u, gofn_err *err)
{
	gofn_mb_range r[NRANGES + 64];
	gofn_gcmask_mem mem = {r, readable_ranges(u, r, sizeof r / sizeof r[0])};
	size_t nd, nb;
	if (gofn_gcmask_build(u->data, u->vars, u->nvars, &mem, &img->datamask, &nd, err) < 0)
		return gofn_errctx(err, "data GC mask");
	if (gofn_gcmask_build(u->bss, u->vars, u->nvars, &mem, &img->bssmask, &nb, err) < 0)
		return gofn_errctx(err, "bss GC mask");
	/* A non-NULL bytedata even for empty sections: modulesinit would
	 * otherwise try to run a GC program from md.gcdata. */
	img->md.gcdatamask = (gort_bitvector){(int32_t)nd, img->datamask};
	img->md.gcbssmask = (gort_bitvector){(int32_t)nb, img->bssmask};
	return 0;
}

/* A type's string (abi.Type.Str, a nameOff from moduledata.types), as
 * runtime/type.go (rtype).string reads it. Returns NULL if out of bounds. */
static const char *type_string(const gofn_mb_unit *u, uintptr_t t, size_t *len)
{
	const gort_type *ty = (const gort_type *)t;
	if (t < u->types.start || u->types.end - t < sizeof *ty || ty->str < 0)
		return NULL;
	uintptr_t name = u->types.start + (uintptr_t)ty->str;
	if (name >= u->types.end)
		return NULL;
	const uint8_t *p = (const uint8_t *)name + 1, *end = (const uint8_t *)u->types.end;
	size_t n = 0;
	for (unsigned shift = 0;; shift += 7) {
		if (p >= end || shift > 28)
			return NULL;
		n |= (size_t)(*p & 0x7f) << shift;
		if (!(*p++ & 0x80))
			break;
	}
	if ((size_t)(end - p) < n)
		return NULL;
	if ((ty->tflag & GORT_TFLAG_EXTRASTAR) && n > 0) {
		p++;
		n--;
	}
	*len = n;
	return (const char *)p;
}

typedef struct tl_key {
	const char *s;
	size_t n;
	int32_t off;
} tl_key;

static int tl_cmp(const void *a, const void *b)
{
	const tl_key *x = a, *y = b;
	size_t n = x->n < y->n ? x->n : y->n;
	int c = memcmp(x->s, y->s, n);
	if (c)
		return c;
	return x->n < y->n ? -1 : x->n > y->n;
}

/* typelinks: offsets from types, sorted by type string as cmd/link
 * typelink.go does, so reflect's binary search (typesByString) works. */
static int build_typelinks(gofn_mb_image *img, const gofn_mb_unit *u, gofn_err *err)
{
	if (u->ntypelinks == 0)
		return 0;
	tl_key *k = calloc(u->ntypelinks, sizeof *k);
	img->typelinks = calloc(u->ntypelinks, sizeof *img->typelinks);
	img->types = calloc(u->ntypelinks, sizeof *img->types);
	if (!k || !img->typelinks || !img->types) {
		free(k);
		return gofn_errf(err, GOFN_ENOMEM, "typelinks: out of memory");
	}
	for (size_t i = 0; i < u->ntypelinks; i++) {
		k[i].s = type_string(u, u->typelinks[i], &k[i].n);
		if (!k[i].s || u->typelinks[i] - u->types.start > INT32_MAX) {
			free(k);
			return gofn_errf(err, GOFN_EINVAL, "typelink %zu is not a type in the unit",
					 i);
		}
		k[i].off = (int32_t)(u->typelinks[i] - u->types.start);
	}
	qsort(k, u->ntypelinks, sizeof *k, tl_cmp);
	for (size_t i = 0; i < u->ntypelinks; i++) {
		img->typelinks[i] = k[i].off;
		img->types[i] = (void *)(u->types.start + (uintptr_t)k[i].off);
	}
	free(k);
	img->ntypelinks = u->ntypelinks;
	return 0;
}

static int copy_itabs(gofn_mb_image *img, const gofn_mb_unit *u, gofn_err *err)
{
	if (u->nitabs == 0)
		return 0;
	img->itabs = calloc(u->nitabs, sizeof *img->itabs);
	if (!img->itabs)
		return gofn_errf(err, GOFN_ENOMEM, "itablinks: out of memory");
	for (size_t i = 0; i < u->nitabs; i++) {
		uintptr_t a = u->itabs[i];
		int inside = (a >= u->rodata.start && a < u->rodata.end) ||
			     (a >= u->types.start && a < u->types.end) ||
			     (a >= u->noptrdata.start && a < u->noptrdata.end) ||
			     (a >= u->data.start && a < u->data.end);
		if (!inside || a % GORT_PTRSIZE)
			return gofn_errf(err, GOFN_EINVAL, "itab %zu is not in the unit's memory",
					 i);
		img->itabs[i] = (void *)a;
	}
	img->nitabs = u->nitabs;
	return 0;
}

static void fill_pcln(gofn_mb_image *img)
{
	gort_moduledata *md = &img->md;
	gofn_pcln *p = &img->pcln;
	md->pcheader = (const gort_pcheader *)p->buf;
	md->funcnametab = slice_of(p->buf + p->funcnametab_off, p->funcnametab_len);
	md->cutab = slice_of(p->buf + p->cutab_off, p->cutab_n);
	md->filetab = slice_of(p->buf + p->filetab_off, p->filetab_len);
	md->pctab = slice_of(p->buf + p->pctab_off, p->pctab_len);
	md->pclntable = slice_of(p->buf + p->functab_off, p->functab_len);
	md->ftab = slice_of(p->buf + p->functab_off, p->nfunc + 1);
	md->findfunctab = (uintptr_t)(p->buf + p->findfunctab_off);
	md->minpc = p->minpc;
	md->maxpc = p->maxpc;
	md->gofunc = (uintptr_t)(p->buf + p->gofunc_off);
	md->epclntab = (uintptr_t)(p->buf + p->len);
}

static uintptr_t max_end(const gofn_mb_unit *u)
{
	uintptr_t e = 0;
	const gofn_mb_range *r[] = {&u->text, &u->rodata, &u->types,   &u->noptrdata,
				    &u->data, &u->bss,	  &u->noptrbss};
	for (size_t i = 0; i < sizeof r / sizeof r[0]; i++)
		if (r[i]->end > e)
			e = r[i]->end;
	return e;
}

/* Two text sections (runtime/symtab.go textsect) when host text must be
 * reachable by text offsets: the unit's own at 0, the host's at
 * gofn_mb_hosttext_off. textAddr maps each back to its base address;
 * textOff (pc -> offset, used by findfunc) only ever sees unit pcs, which
 * the first section covers. */
static void fill_textsects(gofn_mb_image *img, const gofn_mb_unit *u)
{
	if (u->host_text.end <= u->host_text.start)
		return;
	uint64_t hoff = gofn_mb_hosttext_off(u->text);
	img->textsects[0] = (gort_textsect){0, u->text.end - u->text.start, u->text.start};
	img->textsects[1] = (gort_textsect){hoff, hoff + (u->host_text.end - u->host_text.start),
					    u->host_text.start};
	img->md.textsectmap = slice_of(img->textsects, 2);
}

static void fill_sections(gofn_mb_image *img, const gofn_mb_unit *u)
{
	gort_moduledata *md = &img->md;
	fill_textsects(img, u);
	md->text = u->text.start;
	md->etext = u->text.end;
	md->noptrdata = u->noptrdata.start;
	md->enoptrdata = u->noptrdata.end;
	md->data = u->data.start;
	md->edata = u->data.end;
	md->bss = u->bss.start;
	md->ebss = u->bss.end;
	md->noptrbss = u->noptrbss.start;
	md->enoptrbss = u->noptrbss.end;
	md->end = max_end(u);
	md->types = u->types.start;
	md->etypes = u->types.end;
	md->rodata = u->rodata.start;
	const gofn_mb_range *r[] = {&u->text, &u->rodata, &u->types,   &u->noptrdata,
				    &u->data, &u->bss,	  &u->noptrbss};
	for (size_t i = 0; i < sizeof r / sizeof r[0]; i++)
		if (r[i]->end > r[i]->start) {
			img->ranges[2 * img->nranges] = r[i]->start;
			img->ranges[2 * img->nranges + 1] = r[i]->end;
			img->nranges++;
		}
}

static int check_ranges(const gofn_mb_unit *u, gofn_err *err)
{
	const gofn_mb_range *r[] = {&u->text, &u->rodata, &u->types,   &u->noptrdata,
				    &u->data, &u->bss,	  &u->noptrbss};
	const char *names[] = {"text", "rodata", "types", "noptrdata", "data", "bss", "noptrbss"};
	for (size_t i = 0; i < sizeof r / sizeof r[0]; i++)
		if (r[i]->end < r[i]->start || (r[i]->start % GORT_PTRSIZE && i >= 3))
			return gofn_errf(err, GOFN_EINVAL, "bad %s range", names[i]);
	if (u->host_text.end > u->host_text.start &&
	    (u->host_text.start > u->text.start ||
	     gofn_mb_hosttext_off(u->text) + (u->host_text.end - u->host_text.start) > INT32_MAX))
		return gofn_errf(err, GOFN_EINVAL,
				 "host text must lie below the unit, within 2 GiB");
	return 0;
}

int gofn_mb_build(const gofn_mb_unit *u, gofn_mb_image **out, gofn_err *err)
{
	*out = NULL;
	if (check_ranges(u, err) < 0)
		return gofn_errctx(err, "build module");
	gofn_mb_image *img = calloc(1, sizeof *img);
	if (!img)
		return gofn_errf(err, GOFN_ENOMEM, "build module: out of memory");
	const char *name = u->modulename ? u->modulename : "gofn";
	img->modulename = strdup(name);
	if (!img->modulename || gofn_pcln_build(u, &img->pcln, err) < 0 ||
	    build_masks(img, u, err) < 0 || build_typelinks(img, u, err) < 0 ||
	    copy_itabs(img, u, err) < 0) {
		if (!img->modulename)
			gofn_errf(err, GOFN_ENOMEM, "out of memory");
		gofn_mb_free(img);
		return gofn_errctx(err, "build module");
	}
	fill_pcln(img);
	fill_sections(img, u);
	gorel_md_set_links(&img->md, img->typelinks, img->ntypelinks, img->itabs, img->nitabs);
	img->md.modulename = (gort_string){img->modulename, (intptr_t)strlen(img->modulename)};
	*out = img;
	return 0;
}

/* The mirror in goNNN_rt.h must describe the running runtime: check it on
 * the host's own moduledata before we hand the runtime one of ours. */
static int check_host(gofn_err *err)
{
	const gort_moduledata *h = gofnFirstModuledata();
	const gort_pcheader *ph = h ? h->pcheader : NULL;
	if (!ph || ph->magic != GORT_PCLNTAB_MAGIC || ph->ptr_size != GORT_PTRSIZE ||
	    ph->min_lc != GORT_PCQUANTUM)
		return gofn_errf(err, GOFN_EVERSION, "host runtime is not %s (pcHeader differs)",
				 GOFN_GO_RELEASE);
	if (h->ftab.len != ph->nfunc + 1 || h->minpc > h->maxpc || h->text > h->etext ||
	    h->data > h->edata || h->bss > h->ebss || h->types > h->etypes ||
	    !h->gcdatamask.bytedata || h->modulename.len < 0 || !gorel_md_host_ok(h))
		return gofn_errf(err, GOFN_EVERSION,
				 "host runtime moduledata does not match the %s layout",
				 GOFN_GO_RELEASE);
	return 0;
}

int gofn_mb_register(gofn_mb_image *img, gofn_err *err)
{
	if (img->registered)
		return 0;
	if (!gofnRegisterModule || !gofnFirstModuledata)
		return gofn_errf(err, GOFN_EINVAL, "register module: runtime bridge not linked");
	static int host_ok;
	if (!host_ok && check_host(err) < 0)
		return gofn_errctx(err, "register module");
	host_ok = 1;
	gofnRegisterModule(&img->md, offsetof(gort_moduledata, next), img->types, img->ntypelinks,
			   img->itabs, img->nitabs);
	img->registered = 1;
	return 0;
}

int gofn_mb_unregister(gofn_mb_image *img, gofn_err *err)
{
	if (!img || !img->registered || !gofnUnregisterModule)
		return 0;
	const uintptr_t *caches = NULL;
	size_t ncaches = 0;
	gofn_err cerr;
	if (gofn_rtcache_descs(&caches, &ncaches, &cerr) < 0)
		ncaches = 0; /* no host symtab: no call sites we could know of */
	if (gofnUnregisterModule(&img->md, offsetof(gort_moduledata, next), img->ranges,
				 img->nranges, (uintptr_t *)caches, ncaches))
		return gofn_errf(err, GOFN_ELIMIT,
				 "unload %s: goroutines still run its code; left loaded",
				 img->modulename);
	img->registered = 0;
	return 0;
}

int gofn_mb_free(gofn_mb_image *img)
{
	gofn_err err;
	if (!img)
		return 0;
	if (gofn_mb_unregister(img, &err) < 0)
		return -1;
	gofn_pcln_free(&img->pcln);
	free(img->datamask);
	free(img->bssmask);
	free(img->typelinks);
	free(img->types);
	free(img->itabs);
	free(img->modulename);
	free(img);
	return 0;
}

const void *gofn_mb_moduledata(const gofn_mb_image *img)
{
	return &img->md;
}
