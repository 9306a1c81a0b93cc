/* loader/loader.h on top of the stages: parse (goobj) -> link (link*.c)
 * -> describe and build the runtime module (modbuild.h) -> register ->
 * init in dependency order (initorder.c) -> call through the Go shim
 * (call_bridge.h) -> unregister and unmap. */
#include "loader/loader.h"

#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/call_bridge.h"
#include "loader/check_thread.h"
#include "loader/hosttab.h"
#include "loader/ident.h"
#include "loader/initorder.h"
#include "loader/link_internal.h"
#include "loader/signature.h"

/* An exported function. Its signature is read from the object's DWARF
 * only when asked for (spell_signature): a load that runs one function
 * (an invocation's cold start, the CLI's -run) needs that one's, and
 * spelling all of a large unit's 4,000 was a tenth of its load. 24 bytes,
 * written once in fresh pages (80-byte records regrown by doubling were 73
 * first-touch faults of a 4,000-function unit, now ~24); its name,
 * signature and kind are in infos[i], untouched (calloc) until spelled. */
typedef struct mod_fn {
	uintptr_t entry;
	uint32_t obj, sym; /* where its name and DWARF are: link.objs[obj], symbol sym */
	uint32_t fn;	   /* the function's name starts at this offset of the symbol's */
	uint32_t spelled;
} mod_fn;

struct gofn_module {
	gofn_link link;
	gofn_mb_image *img;
	mod_fn *fns;
	gofn_symbol_info *infos; /* infos[i] is fns[i]'s */
	size_t nfns;
	int inited;
};

static int parse_all(gofn_module *m, const gofn_blob *blobs, size_t n, gofn_err *err)
{
	gofn_link *l = &m->link;
	size_t nobjs = 0;

	l->archives = calloc(n ? n : 1, sizeof *l->archives);
	if (!l->archives)
		return gofn_errf(err, GOFN_ENOMEM, "load: out of memory");
	for (size_t i = 0; i < n; i++) {
		if (goobj_parse_deferred(blobs[i].name, blobs[i].data, blobs[i].len,
					 &l->archives[i], err))
			return -1;
		l->narchives++;
		nobjs += l->archives[i]->nobjs;
	}
	if (nobjs == 0)
		return gofn_errf(err, GOFN_EINVAL, "no Go objects to load");
	l->objs = calloc(nobjs, sizeof *l->objs);
	if (!l->objs)
		return gofn_errf(err, GOFN_ENOMEM, "load: out of memory");
	for (size_t i = 0; i < l->narchives; i++)
		for (uint32_t k = 0; k < l->archives[i]->nobjs; k++)
			l->objs[l->nobjs++].o = &l->archives[i]->objs[k];
	return 0;
}

/* "pkg.Name" with an exported Name and no receiver. */
/* Symbol names spell the package path escaped (objabi.PathToPrefix:
 * "x/lib.v2" is "x/lib%2ev2"); the function name is UTF-8 and exported
 * when its first rune is upper case ("Äpfel", "Ω"). Returns the offset of
 * the function's name in the symbol's, 0 if it is not an exported function
 * of package pkg. */
static size_t exported_func(const goobj_sym *s, const char *pre, size_t pl)
{
	const char *p = s->name.p;
	size_t n = s->name.len;

	if (s->abi != GOOBJ_ABIINTERNAL || (s->flag & GOOBJ_SYMFLAG_DUPOK) || !pl)
		return 0;
	if (n <= pl + 1 || memcmp(p, pre, pl) != 0 || p[pl] != '.')
		return 0;
	const char *f = p + pl + 1;
	size_t fl = n - pl - 1;
	if (memchr(f, '.', fl) || memchr(f, '(', fl) || memchr(f, '[', fl))
		return 0;
	if (gofn_ident_exported(f, fl) || (fl == 4 && memcmp(f, "main", 4) == 0))
		return pl + 1;
	return 0;
}

/* "pkg.name", malloc'd (asprintf's formatting was a visible part of
 * listing thousands of functions). */
static char *dotted(goobj_str pkg, const char *name, size_t len)
{
	char *s = malloc(pkg.len + 1 + len + 1);
	if (!s)
		return NULL;
	memcpy(s, pkg.p, pkg.len);
	s[pkg.len] = '.';
	memcpy(s + pkg.len + 1, name, len);
	s[pkg.len + 1 + len] = 0;
	return s;
}

/* The package a function of object oi is listed under (its Go spelling). */
static goobj_str fn_pkg(const gofn_link *l, uint32_t oi)
{
	const goobj_object *o = l->objs[oi].o;
	return o->pkgpath.len ? o->pkgpath : (goobj_str){"main", 4};
}

/* The function's name after "pkg.", in its symbol's name. */
static goobj_str fn_name(const gofn_link *l, const mod_fn *f)
{
	const goobj_str *s = &l->objs[f->obj].o->syms[f->sym].name;
	return (goobj_str){s->p + f->fn, s->len - f->fn};
}

/* One pass over the defined symbols into an array sized for all of them
 * (malloc: only the entries written are ever touched), shrunk in place
 * after; a counting pass first was a second walk over 88k symbols' link
 * state, costlier than the faults it saved. */
static int list_functions(gofn_module *m, gofn_err *err)
{
	gofn_link *l = &m->link;
	size_t max = 0;

	for (size_t oi = 0; oi < l->nobjs; oi++)
		max += l->objs[oi].o->ndefined;
	m->fns = malloc((max ? max : 1) * sizeof *m->fns);
	if (!m->fns)
		return gofn_errf(err, GOFN_ENOMEM, "load: out of memory");
	for (size_t oi = 0; oi < l->nobjs; oi++) {
		const goobj_object *o = l->objs[oi].o;
		goobj_str pkg = fn_pkg(l, (uint32_t)oi);
		char pre[1024];
		size_t pl = gofn_path_to_prefix(pkg.p, pkg.len, pre, sizeof pre);
		for (uint32_t i = 0; i < o->ndefined; i++) {
			const goobj_sym *s = &o->syms[i];
			size_t fn =
			    l->objs[oi].syms[i].sect == LK_TEXT ? exported_func(s, pre, pl) : 0;
			if (!fn)
				continue;
			/* listed and called by the Go spelling: gopkg.in/yaml.v3.F */
			m->fns[m->nfns++] = (mod_fn){.entry = l->objs[oi].syms[i].addr,
						     .obj = (uint32_t)oi,
						     .sym = i,
						     .fn = (uint32_t)fn};
		}
	}
	mod_fn *fit = realloc(m->fns, (m->nfns ? m->nfns : 1) * sizeof *m->fns);
	if (fit)
		m->fns = fit;
	m->infos = calloc(m->nfns ? m->nfns : 1, sizeof *m->infos);
	if (!m->infos)
		return gofn_errf(err, GOFN_ENOMEM, "load: out of memory");
	return 0;
}

/* Whether f is called name ("pkg.fn"), without spelling it. */
static int named(const gofn_link *l, const mod_fn *f, const char *name)
{
	size_t n = strlen(name);
	goobj_str pkg = fn_pkg(l, f->obj), fn = fn_name(l, f);
	return n == pkg.len + 1 + fn.len && name[pkg.len] == '.' &&
	       memcmp(name, pkg.p, pkg.len) == 0 && memcmp(name + pkg.len + 1, fn.p, fn.len) == 0;
}

/* Spells function i's name and reads its signature from its object (still
 * in memory: the module points into the caller's bytes until unload). */
static int spell_signature(gofn_module *m, size_t i, gofn_err *err)
{
	mod_fn *f = &m->fns[i];
	gofn_symbol_info *info = &m->infos[i];
	char spell[256];

	if (f->spelled)
		return 0;
	goobj_str fn = fn_name(&m->link, f);
	if (!info->name && !(info->name = dotted(fn_pkg(&m->link, f->obj), fn.p, fn.len)))
		return gofn_errf(err, GOFN_ENOMEM, "load: out of memory");
	gofn_signature_of(m->link.objs[f->obj].o, f->sym, spell, sizeof spell, &info->sig);
	if (!(info->signature = strdup(spell)))
		return gofn_errf(err, GOFN_ENOMEM, "load: out of memory");
	f->spelled = 1;
	return 0;
}

/* Builds and registers the module from the unit's description, which
 * it frees. */
static int build_module(gofn_module *m, lk_desc *d, gofn_err *err)
{
	char name[128];
	char *goroot = gofnGOROOT ? gofnGOROOT() : NULL;
	int rc;

	snprintf(name, sizeof name, "gofn:%.*s", (int)m->link.objs[0].o->pkgpath.len,
		 m->link.objs[0].o->pkgpath.p);
	d->u.modulename = name;
	d->u.goroot = goroot;
	rc = gofn_mb_build(&d->u, &m->img, err);
	lk_describe_free(d);
	free(goroot);
	if (rc)
		return gofn_errctx(err, "build module");
	if (gofn_mb_register(m->img, err))
		return gofn_errctx(err, "register module");
	return 0;
}

/* glibc's thresholds fixed for a process that loads: by default the
 * mmap threshold follows the largest block freed so far, so whether a
 * load's multi-megabyte arrays (symbols, link state, pclntab parts) come
 * back as reused heap or as fresh mappings whose every page faults in
 * again flipped from one load to the next (eleven loads of a large
 * object: 16k or 41k page faults, run to run). Below 32 MiB a block now
 * comes from the heap and stays there when freed; a fresh process still
 * gets untouched pages, and the worker's idle trim (malloc_trim) hands
 * what a load left free back to the kernel. (The symbols and the link
 * state of a unit whose arrays reach 2 MiB are on huge pages instead,
 * kept for reuse the same way: loader/bigalloc.h.) */
static void fix_malloc_thresholds(void)
{
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
}

int gofn_loader_preload(gofn_err *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, fix_malloc_thresholds);
	if (!gofn_symtab_self(err) || !gofn_hosttypes_self(err))
		return -1;
	gofn_hosttab_trim();
	return 0;
}

int gofn_loader_warm(gofn_err *err)
{
	if (gofn_loader_preload(err))
		return -1;
	/* A lookup builds the index once (pthread_once); the name matters not. */
	(void)gofn_hostitabs_find(gofn_hosttypes_self(NULL), "", 0);
	return 0;
}

/* The helper's part of the load, beside describe. */
static int relocate_and_list(void *arg, gofn_err *err)
{
	gofn_module *m = arg;
	return lk_relocate(&m->link, err) || list_functions(m, err) ? -1 : 0;
}

/* The parse's checks of relocations and aux entries run on a helper
 * thread while the link resolves names, which reads neither
 * (link_internal.h gofn_link_resolve); both must pass before the link
 * follows a relocation. A malformed object fails with the parse's error,
 * as it did when the checks ran first. The same thread then relocates
 * the unit and lists its functions while this one describes it (9.8 M
 * and 12.9 M instructions of the large object's 72.7 M): describe reads
 * the layout and the objects, not the relocated bytes, and writes only
 * its own arena. Errors come in the order of a load on one thread:
 * relocation's, the listing's, protection's, then the description's. */
static int link_and_build(gofn_module *m, gofn_check_job *job, gofn_err *err)
{
	gofn_err lerr = {0}, derr = {0};
	lk_desc d = {0};

	int rc = gofn_link_resolve(&m->link, &lerr);
	if (gofn_check_finish(job, err))
		return -1;
	if (rc) {
		if (err)
			*err = lerr;
		return -1;
	}
	if (gofn_link_lay(&m->link, err))
		return -1;
	gofn_check_handoff(job, relocate_and_list, m);
	int drc = lk_describe(&m->link, &d, &derr);
	int fail = gofn_check_join(job, err) || lk_protect(&m->link, err);
	if (!fail && drc && err)
		*err = derr;
	if (fail || drc) {
		lk_describe_free(&d);
		return -1;
	}
	return build_module(m, &d, err);
}

int gofn_module_load(const gofn_blob *blobs, size_t n, gofn_module **out, gofn_err *err)
{
	gofn_module *m = calloc(1, sizeof *m);
	gofn_check_job job;
	int rc;

	if (!m)
		return gofn_errf(err, GOFN_ENOMEM, "load: out of memory");
	if (parse_all(m, blobs, n, err)) {
		gofn_module_unload(m);
		return -1;
	}
	gofn_check_start(&job, m->link.archives, m->link.narchives);
	rc = link_and_build(m, &job, err);
	gofn_check_release(&job);
	if (rc) {
		gofn_module_unload(m);
		return -1;
	}
	*out = m;
	return 0;
}

int gofn_module_init(gofn_module *m, gofn_err *err)
{
	size_t *order;

	if (m->inited)
		return 0;
	if (!gofnRunInitTask)
		return gofn_errf(err, GOFN_EINVAL, "init: Go call bridge not linked");
	order = calloc(m->link.nobjs, sizeof *order);
	if (!order)
		return gofn_errf(err, GOFN_ENOMEM, "init: out of memory");
	if (gofn_init_order(&m->link, order, err)) {
		free(order);
		return -1;
	}
	m->inited = 1;
	for (size_t i = 0; i < m->link.nobjs; i++) {
		uintptr_t t = gofn_init_task(&m->link, order[i]);
		if (t)
			gofnRunInitTask(t);
	}
	free(order);
	return 0;
}

int gofn_module_symbols(gofn_module *m, const gofn_symbol_info **out, size_t *n, gofn_err *err)
{
	for (size_t i = 0; i < m->nfns; i++)
		if (spell_signature(m, i, err))
			return -1;
	*out = m->infos;
	*n = m->nfns;
	return 0;
}

int gofn_module_entry(gofn_module *m, const char *name, uintptr_t *pc, gofn_sig *sig, gofn_err *err)
{
	for (size_t i = 0; i < m->nfns; i++) {
		mod_fn *f = &m->fns[i];
		const gofn_symbol_info *info = &m->infos[i];
		if (!named(&m->link, f, name))
			continue;
		if (spell_signature(m, i, err))
			return -1;
		if (info->sig == GOFN_SIG_UNSUPPORTED)
			return gofn_errf(err, GOFN_ESIG,
					 "%s has signature %s, which gofn cannot call", name,
					 info->signature);
		if (!m->inited && gofn_module_init(m, err))
			return -1;
		*pc = f->entry;
		*sig = info->sig;
		return 0;
	}
	return gofn_errf(err, GOFN_ENOTFOUND, "no exported function %s in the module", name);
}

int gofn_module_call(gofn_module *m, const char *name, const uint8_t *in, size_t in_len,
		     gofn_result *res, gofn_err *err)
{
	/* Set on success only; a Release build's -O2 cannot see that through
	 * gofn_errf and fails -Werror=maybe-uninitialized without these. */
	uintptr_t pc = 0;
	gofn_sig sig = GOFN_SIG_UNSUPPORTED;

	memset(res, 0, sizeof *res);
	if (gofn_module_entry(m, name, &pc, &sig, err))
		return -1;
	if (!gofnCallEntry)
		return gofn_errf(err, GOFN_EINVAL, "call: Go call bridge not linked");
	if (gofnCallEntry(pc, (int)sig, in, in_len, &res->out, &res->out_len, &res->err_msg))
		return gofn_errf(err, GOFN_ESIG, "%s: call bridge refused the signature", name);
	return 0;
}

void gofn_module_unload(gofn_module *m)
{
	if (!m)
		return;
	/* Finalizers and cleanups of the program's objects are loaded code:
	 * let them run while the module is still registered, and again for
	 * objects only its globals kept, before anything is unmapped. */
	if (m->img && gofnDrainQueues)
		gofnDrainQueues();
	if (m->img && gofn_mb_unregister(m->img, NULL) == 0 && gofnDrainQueues)
		gofnDrainQueues();
	if (m->img && gofn_mb_free(m->img) < 0)
		m->link.map = NULL; /* goroutines still run the unit: it must stay mapped */
	gofn_link_free(&m->link);
	for (size_t i = 0; m->infos && i < m->nfns; i++) {
		free((char *)m->infos[i].name);
		free((char *)m->infos[i].signature);
	}
	free(m->fns);
	free(m->infos);
	free(m);
}

void gofn_result_free(gofn_result *r)
{
	if (!r)
		return;
	free(r->out);
	free(r->err_msg);
	memset(r, 0, sizeof *r);
}
