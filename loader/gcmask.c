#include "loader/gcmask.h"

#include <stdlib.h>
#include <string.h>

#include "loader/release_rt.h"

#define MAX_DEPTH 64

typedef struct walk {
	const gofn_gcmask_mem *mem;
	uint8_t *mask;
	size_t nbits;
	const char *var;
	gofn_err *err;
} walk;

static int readable(const walk *w, const void *p, size_t n)
{
	uintptr_t a = (uintptr_t)p;
	for (size_t i = 0; i < w->mem->n; i++) {
		const gofn_mb_range *r = &w->mem->ranges[i];
		if (a >= r->start && a <= r->end && r->end - a >= n)
			return 1;
	}
	return 0;
}

static int bad(walk *w, const char *what)
{
	return gofn_errf(w->err, GOFN_EINVAL, "global %s: %s", w->var, what);
}

static void set_bit(walk *w, size_t i)
{
	w->mask[i / 8] |= (uint8_t)(1u << (i % 8));
}

static int get_bit(const walk *w, size_t i)
{
	return (w->mask[i / 8] >> (i % 8)) & 1;
}

static int add_type(walk *w, size_t word, size_t room, const gort_type *t, int depth);

/* A type with a ready mask: copy ptrbytes/8 bits. */
static int add_mask(walk *w, size_t word, const gort_type *t)
{
	size_t words = t->ptrbytes / GORT_PTRSIZE;
	if (!readable(w, t->gcdata, (words + 7) / 8))
		return bad(w, "type's GC mask is outside loaded memory");
	for (size_t i = 0; i < words; i++)
		if ((t->gcdata[i / 8] >> (i % 8)) & 1)
			set_bit(w, word + i);
	return 0;
}

/* Arrays: the element's bits once, then copies (GCProg Repeat). */
static int add_array(walk *w, size_t word, const gort_type *t, int depth)
{
	const gort_arraytype *at = (const gort_arraytype *)t;
	if (!readable(w, at, sizeof *at) || !readable(w, at->elem, sizeof(gort_type)))
		return bad(w, "array type descriptor is outside loaded memory");
	const gort_type *elem = at->elem;
	if (elem->size == 0 || elem->ptrbytes == 0)
		return 0;
	if (elem->size % GORT_PTRSIZE || at->len > t->size / elem->size)
		return bad(w, "array type with inconsistent sizes");
	size_t ew = elem->size / GORT_PTRSIZE;
	if (add_type(w, word, ew, elem, depth + 1) < 0)
		return -1;
	for (uintptr_t k = 1; k < at->len; k++)
		for (size_t i = 0; i < ew; i++)
			if (get_bit(w, word + i))
				set_bit(w, word + k * ew + i);
	return 0;
}

static int add_struct(walk *w, size_t word, const gort_type *t, int depth)
{
	const gort_structtype *st = (const gort_structtype *)t;
	if (!readable(w, st, sizeof *st))
		return bad(w, "struct type descriptor is outside loaded memory");
	size_t nf = (size_t)st->fields.len;
	if (st->fields.len < 0 || !readable(w, st->fields.ptr, nf * sizeof(gort_structfield)))
		return bad(w, "struct fields are outside loaded memory");
	const gort_structfield *f = st->fields.ptr;
	for (size_t i = 0; i < nf; i++) {
		if (!readable(w, f[i].typ, sizeof(gort_type)))
			return bad(w, "struct field type is outside loaded memory");
		if (f[i].typ->ptrbytes == 0)
			continue;
		if (f[i].offset % GORT_PTRSIZE || f[i].offset > t->size ||
		    f[i].typ->size > t->size - f[i].offset)
			return bad(w, "struct field outside its struct");
		size_t fw = f[i].offset / GORT_PTRSIZE;
		if (add_type(w, word + fw, f[i].typ->size / GORT_PTRSIZE, f[i].typ, depth + 1) < 0)
			return -1;
	}
	return 0;
}

/* Sets the pointer bits of a value of type t at `word`, where `room` words
 * are available. */
static int add_type(walk *w, size_t word, size_t room, const gort_type *t, int depth)
{
	if (depth > MAX_DEPTH)
		return bad(w, "type nests too deeply");
	if (t->ptrbytes == 0)
		return 0;
	if (t->ptrbytes > t->size || t->ptrbytes / GORT_PTRSIZE > room ||
	    word + t->ptrbytes / GORT_PTRSIZE > w->nbits)
		return bad(w, "type's pointer data exceeds the variable");
	if (!(t->tflag & GORT_TFLAG_GCMASK_ON_DEMAND))
		return add_mask(w, word, t);
	switch (t->kind) {
	case GORT_KIND_ARRAY:
		return add_array(w, word, t, depth);
	case GORT_KIND_STRUCT:
		return add_struct(w, word, t, depth);
	default:
		return bad(w, "GC mask not available for its type");
	}
}

static int add_var(walk *w, gofn_mb_range region, const gofn_mb_var *v)
{
	w->var = v->name ? v->name : "?";
	if (!v->gotype)
		return 0;
	if ((v->addr - region.start) % GORT_PTRSIZE)
		return bad(w, "pointer-holding global is not 8-aligned");
	if (!readable(w, v->gotype, sizeof(gort_type)))
		return bad(w, "type descriptor is outside loaded memory");
	const gort_type *t = v->gotype;
	if (t->size > v->size)
		return bad(w, "type larger than the global");
	size_t word = (v->addr - region.start) / GORT_PTRSIZE;
	return add_type(w, word, (size_t)(v->size / GORT_PTRSIZE), t, 0);
}

int gofn_gcmask_build(gofn_mb_range region, const gofn_mb_var *vars, size_t nvars,
		      const gofn_gcmask_mem *mem, uint8_t **mask, size_t *nbits, gofn_err *err)
{
	*mask = NULL;
	*nbits = 0;
	if (region.end < region.start || region.start % GORT_PTRSIZE)
		return gofn_errf(err, GOFN_EINVAL, "GC mask: bad region");
	size_t n = (region.end - region.start) / GORT_PTRSIZE;
	if (n > (size_t)INT32_MAX)
		return gofn_errf(err, GOFN_ELIMIT, "GC mask: region too large");
	walk w = {.mem = mem, .nbits = n, .err = err};
	w.mask = calloc(1, (n + 7) / 8 + 1);
	if (!w.mask)
		return gofn_errf(err, GOFN_ENOMEM, "GC mask: out of memory");
	for (size_t i = 0; i < nvars; i++) {
		const gofn_mb_var *v = &vars[i];
		if (v->addr < region.start || v->addr >= region.end)
			continue;
		if (v->size > region.end - v->addr) {
			free(w.mask);
			return gofn_errf(err, GOFN_EINVAL, "global %s extends past its section",
					 v->name ? v->name : "?");
		}
		if (add_var(&w, region, v) < 0) {
			free(w.mask);
			return -1;
		}
	}
	*mask = w.mask;
	*nbits = n;
	return 0;
}
