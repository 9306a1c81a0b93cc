/* The host's type descriptors by linker name ("[]string", "io.Writer",
 * "map[string]int"), so that a loaded reference to type:X, or a loaded
 * dupok copy of it, becomes the host's own descriptor: interface
 * conversions, type switches and reflect then agree with host code.
 *
 * Go's ELF symbol table has no type:* entries, so the names are rebuilt
 * from the descriptors themselves, reached from the host moduledata's
 * type tables (gorel_host_types: typelinks and itablinks up to Go 1.26,
 * the itab range since 1.27) and a scan of its types section, followed through every element,
 * field, parameter, method type and pointer-to-this. The spelling follows
 * cmd/compile/internal/types/fmt.go in fmtTypeID mode (LinkString): full
 * import paths, unexported field and method names package-qualified,
 * struct tags quoted. Generic instantiations keep the bracketed type
 * arguments of the runtime string, which use package names; that matches
 * the linker name whenever each argument's package name equals its path. */
#include "loader/link_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/hash.h"
#include "loader/hosttab.h"
#include "loader/ident.h"
#include "loader/release_rt.h"

/* Kind-specific layouts not in goNNN_rt.h (internal/abi/type.go, map.go). */
enum {
	K_BOOL = 1,
	K_ARRAY = 17,
	K_CHAN,
	K_FUNC,
	K_INTERFACE,
	K_MAP,
	K_POINTER,
	K_SLICE,
	K_STRING,
	K_STRUCT,
	K_UNSAFEPTR,
	K_MASK = (1 << 5) - 1,
};
typedef struct {
	gort_type t;
	const gort_type *elem;
} rt_ptrtype; /* PtrType, SliceType */
typedef struct {
	gort_type t;
	const gort_type *elem;
	intptr_t dir;
} rt_chantype;
typedef struct {
	gort_type t;
	uint16_t in, out;
} rt_functype; /* params follow, after uncommon */
typedef struct {
	gort_type t;
	const gort_type *key, *elem, *group;
} rt_maptype;
typedef struct {
	gort_type t;
	const uint8_t *pkgpath;
	gort_slice methods;
} rt_ifacetype;
typedef struct {
	int32_t name, typ;
} rt_imethod;
typedef struct {
	int32_t pkgpath;
	uint16_t mcount, xcount;
	uint32_t moff, unused;
} rt_uncommon;
typedef struct {
	int32_t name, mtyp, ifn, tfn;
} rt_method;

typedef struct entry {
	const gort_type *t;
	char *name; /* NULL while being named */
} entry;

struct gofn_hosttypes {
	/* precomputed (hosttab.h): sorted records, no walk at all */
	const gofn_hosttype_rec *recs;
	size_t nrecs;
	const char *rec_names;
	uintptr_t types, etypes;
	entry *by_addr; /* open addressing on t */
	size_t cap, n;
	entry **by_name; /* open addressing on name, filled at the end */
	size_t ncap;
};

typedef gofn_buf sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
	/* A type name over 1 MiB is a corrupt descriptor, not a name. */
	if (n > (1u << 20))
		b->oom = 1;
	else
		gofn_buf_add(b, s, n);
}

static void sb_str(sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static size_t hash_ptr(const void *p)
{
	uint64_t x = (uint64_t)(uintptr_t)p;
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (size_t)x;
}

static size_t hash_str(const char *s, size_t n)
{
	return (size_t)gofn_fnv1a(GOFN_FNV1A_INIT, s, n);
}

static int in_types(const gofn_hosttypes *h, const void *p)
{
	return (uintptr_t)p >= h->types && (uintptr_t)p < h->etypes;
}

/* [p, p + n) lies in the types section: everything the walk reads of a
 * descriptor (its kind-specific part, uncommon data, fields, methods,
 * parameters, names) is emitted there by cmd/link (dodata, "type:*"
 * symbols and their type:.namedata.*), so anything else is a bad table. */
static int span_in(const gofn_hosttypes *h, const void *p, size_t n)
{
	uintptr_t a = (uintptr_t)p;
	return a >= h->types && a <= h->etypes && n <= h->etypes - a;
}

/* n elements of size sz at p, n from the descriptor (no overflow). */
static int array_in(const gofn_hosttypes *h, const void *p, intptr_t n, size_t sz)
{
	return n == 0 || (n > 0 && (uintptr_t)n <= (h->etypes - h->types) / sz &&
			  span_in(h, p, (size_t)n * sz));
}

/* The varint at *q, inside the types section; 0 when it runs out. */
static int uvarint(const gofn_hosttypes *h, const uint8_t **q, size_t *v)
{
	size_t l = 0;
	for (int shift = 0; shift < 35; shift += 7, (*q)++) {
		if (!in_types(h, *q))
			return 0;
		l |= (size_t)(**q & 0x7f) << shift;
		if (!(**q & 0x80)) {
			(*q)++;
			*v = l;
			return 1;
		}
	}
	return 0;
}

/* abi.Name: flag byte, varint length, bytes, [varint tag length, tag].
 * A name outside the types section reads as empty. */
static const char *name_bytes(const gofn_hosttypes *h, const uint8_t *n, size_t *len)
{
	const uint8_t *q = n;
	*len = 0;
	if (!n || !in_types(h, n) || (q++, !uvarint(h, &q, len)) || !span_in(h, q, *len)) {
		*len = 0;
		return "";
	}
	return (const char *)q;
}

static const char *name_tag(const gofn_hosttypes *h, const uint8_t *n, size_t *len)
{
	size_t nl;
	const char *s = name_bytes(h, n, &nl);
	const uint8_t *q = (const uint8_t *)s + nl;
	*len = 0;
	if (!n || !in_types(h, n) || !(n[0] & (1 << 1)) || !uvarint(h, &q, len) ||
	    !span_in(h, q, *len)) {
		*len = 0;
		return NULL;
	}
	return (const char *)q;
}

/* NameOff / TypeOff from moduledata.types; NULL for none or outside. */
static const uint8_t *name_off(const gofn_hosttypes *h, int32_t off)
{
	if (off <= 0 || (uintptr_t)off >= h->etypes - h->types)
		return NULL;
	return (const uint8_t *)(h->types + (uintptr_t)off);
}

static const gort_type *type_off(const gofn_hosttypes *h, int32_t off)
{
	return (const gort_type *)name_off(h, off);
}

static size_t kind_size(int kind)
{
	switch (kind) {
	case K_ARRAY:
		return sizeof(gort_arraytype);
	case K_CHAN:
		return sizeof(rt_chantype);
	case K_FUNC:
		return GORT_SIZEOF_FUNCTYPE;
	case K_INTERFACE:
		return sizeof(rt_ifacetype);
	case K_MAP:
		return GORT_SIZEOF_MAPTYPE;
	case K_POINTER:
	case K_SLICE:
		return sizeof(rt_ptrtype);
	case K_STRUCT:
		return sizeof(gort_structtype);
	default:
		return sizeof(gort_type);
	}
}

static const rt_uncommon *uncommon(const gort_type *t)
{
	if (!(t->tflag & GORT_TFLAG_UNCOMMON))
		return NULL;
	return (const rt_uncommon *)((const uint8_t *)t + kind_size(t->kind & K_MASK));
}

/* What of t lies outside the types section (NULL: nothing), checked
 * before the walk or the naming reads any of it: a descriptor the scan
 * guessed wrongly, or a layout this loader does not know, must not make
 * it read past the section (a build once crashed here). */
static const char *desc_bad(const gofn_hosttypes *h, const gort_type *t)
{
	if (((uintptr_t)t & 7) || !span_in(h, t, sizeof *t))
		return "descriptor";
	int k = t->kind & K_MASK;
	if (!span_in(h, t, kind_size(k)))
		return "descriptor";
	if (!name_off(h, t->str))
		return "name";
	const rt_uncommon *u = uncommon(t);
	if (u && !span_in(h, u, sizeof *u))
		return "uncommon type";
	if (u && !array_in(h, (const uint8_t *)u + u->moff, u->mcount, sizeof(rt_method)))
		return "method table";
	if (k == K_FUNC) {
		const rt_functype *f = (const rt_functype *)t;
		if (!array_in(h, (const uint8_t *)t + GORT_SIZEOF_FUNCTYPE + (u ? sizeof *u : 0),
			      (intptr_t)f->in + (f->out & 0x7fff), sizeof(gort_type *)))
			return "parameters";
	} else if (k == K_STRUCT) {
		const gort_structtype *st = (const gort_structtype *)t;
		if (!array_in(h, st->fields.ptr, st->fields.len, sizeof(gort_structfield)))
			return "struct fields";
	} else if (k == K_INTERFACE) {
		const rt_ifacetype *it = (const rt_ifacetype *)t;
		if (!array_in(h, it->methods.ptr, it->methods.len, sizeof(rt_imethod)))
			return "interface methods";
	}
	return NULL;
}

static entry *slot(gofn_hosttypes *h, const gort_type *t)
{
	size_t i = hash_ptr(t) & (h->cap - 1);
	while (h->by_addr[i].t && h->by_addr[i].t != t)
		i = (i + 1) & (h->cap - 1);
	return &h->by_addr[i];
}

static int grow(gofn_hosttypes *h)
{
	size_t oc = h->cap;
	entry *old = h->by_addr;
	h->cap = oc ? oc * 2 : 4096;
	h->by_addr = calloc(h->cap, sizeof *h->by_addr);
	if (!h->by_addr)
		return -1;
	for (size_t i = 0; i < oc; i++)
		if (old[i].t)
			*slot(h, old[i].t) = old[i];
	free(old);
	return 0;
}

static void type_name(gofn_hosttypes *h, const gort_type *t, sbuf *b, int depth);

/* The package path of a named type or an unexported member. */
static void pkg_of(gofn_hosttypes *h, const gort_type *t, sbuf *b)
{
	const rt_uncommon *u = uncommon(t);
	size_t l;
	const char *s = u ? name_bytes(h, name_off(h, u->pkgpath), &l) : (l = 0, "");
	sb_add(b, s, l);
}

static void named_name(gofn_hosttypes *h, const gort_type *t, sbuf *b)
{
	size_t l;
	const char *s = name_bytes(h, name_off(h, t->str), &l);
	if ((t->tflag & GORT_TFLAG_EXTRASTAR) && l) {
		s++;
		l--;
	}
	/* "pkg.Name[args]": the package name ends at the last '.' before '['. */
	size_t end = l, dot = l;
	for (size_t i = 0; i < l; i++)
		if (s[i] == '[') {
			end = i;
			break;
		}
	for (size_t i = end; i > 0; i--)
		if (s[i - 1] == '.') {
			dot = i - 1;
			break;
		}
	sbuf pk = {0};
	pkg_of(h, t, &pk);
	if (dot < l && pk.n) {
		sb_add(b, pk.p, pk.n);
		sb_add(b, s + dot, l - dot);
	} else {
		sb_add(b, s, l);
	}
	free(pk.p);
}

static void params(gofn_hosttypes *h, const gort_type *const *p, int n, int variadic, sbuf *b,
		   int depth)
{
	sb_str(b, "(");
	for (int i = 0; i < n; i++) {
		if (i)
			sb_str(b, ", ");
		if (variadic && i == n - 1) {
			sb_str(b, "...");
			if (!span_in(h, p[i], sizeof(rt_ptrtype))) {
				b->oom |= 2;
				return;
			}
			type_name(h, ((const rt_ptrtype *)p[i])->elem, b, depth + 1);
		} else {
			type_name(h, p[i], b, depth + 1);
		}
	}
	sb_str(b, ")");
}

/* verb 'S' in fmt.go omits the leading "func" (interface methods). */
static void func_name(gofn_hosttypes *h, const gort_type *t, sbuf *b, int with_func, int depth)
{
	const rt_functype *f = (const rt_functype *)t;
	size_t off = GORT_SIZEOF_FUNCTYPE + (uncommon(t) ? sizeof(rt_uncommon) : 0);
	const gort_type *const *p = (const gort_type *const *)((const uint8_t *)t + off);
	int nin = f->in, nout = f->out & 0x7fff, variadic = (f->out & 0x8000) != 0;
	if (with_func)
		sb_str(b, "func");
	params(h, p, nin, variadic, b, depth);
	if (nout == 1) {
		sb_str(b, " ");
		type_name(h, p[nin], b, depth + 1);
	} else if (nout > 1) {
		sb_str(b, " ");
		params(h, p + nin, nout, 0, b, depth);
	}
}

static void quote(sbuf *b, const char *s, size_t n)
{
	sb_str(b, "\"");
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '"' || c == '\\') {
			sb_add(b, "\\", 1);
			sb_add(b, &c, 1);
		} else if ((unsigned char)c < 0x20) {
			char esc[8];
			snprintf(esc, sizeof esc, "\\x%02x", (unsigned char)c);
			sb_str(b, esc);
		} else {
			sb_add(b, &c, 1);
		}
	}
	sb_str(b, "\"");
}

static int exported(const char *s, size_t n)
{
	return gofn_ident_exported(s, n);
}

static void struct_name(gofn_hosttypes *h, const gort_type *t, sbuf *b, int depth)
{
	const gort_structtype *st = (const gort_structtype *)t;
	const gort_structfield *f = st->fields.ptr;
	size_t pl;
	const char *pkg = name_bytes(h, st->pkgpath, &pl);

	sb_str(b, "struct {");
	for (intptr_t i = 0; i < st->fields.len; i++) {
		size_t nl, tl;
		const char *nm = name_bytes(h, f[i].name, &nl);
		int embedded = in_types(h, f[i].name) && (f[i].name[0] & (1 << 3));
		sb_str(b, i ? "; " : " ");
		if (!embedded) {
			if (!exported(nm, nl) && pl) {
				sb_add(b, pkg, pl);
				sb_str(b, ".");
			}
			sb_add(b, nm, nl);
			sb_str(b, " ");
		}
		type_name(h, f[i].typ, b, depth + 1);
		const char *tag = name_tag(h, f[i].name, &tl);
		if (tag && tl) {
			sb_str(b, " ");
			quote(b, tag, tl);
		}
	}
	sb_str(b, st->fields.len ? " }" : "}");
}

static void iface_name(gofn_hosttypes *h, const gort_type *t, sbuf *b, int depth)
{
	const rt_ifacetype *it = (const rt_ifacetype *)t;
	const rt_imethod *m = it->methods.ptr;
	size_t pl;
	const char *pkg = name_bytes(h, it->pkgpath, &pl);

	if (it->methods.len == 0) {
		sb_str(b, "interface {}");
		return;
	}
	sb_str(b, "interface {");
	for (intptr_t i = 0; i < it->methods.len; i++) {
		size_t nl;
		const char *nm = name_bytes(h, name_off(h, m[i].name), &nl);
		sb_str(b, i ? "; " : " ");
		if (!exported(nm, nl) && pl) {
			sb_add(b, pkg, pl);
			sb_str(b, ".");
		}
		sb_add(b, nm, nl);
		const gort_type *ft = type_off(h, m[i].typ);
		if (ft)
			func_name(h, ft, b, 0, depth + 1);
	}
	sb_str(b, " }");
}

static void type_name(gofn_hosttypes *h, const gort_type *t, sbuf *b, int depth)
{
	char num[32];

	if (!t || depth > 64 || !in_types(h, t) || desc_bad(h, t)) {
		b->oom |= 2; /* unnameable: leave it out of the table */
		return;
	}
	if (t->tflag & GORT_TFLAG_NAMED) {
		named_name(h, t, b);
		return;
	}
	switch (t->kind & K_MASK) {
	case K_POINTER:
		sb_str(b, "*");
		type_name(h, ((const rt_ptrtype *)t)->elem, b, depth + 1);
		break;
	case K_SLICE:
		sb_str(b, "[]");
		type_name(h, ((const rt_ptrtype *)t)->elem, b, depth + 1);
		break;
	case K_ARRAY:
		snprintf(num, sizeof num, "[%lu]", (unsigned long)((const gort_arraytype *)t)->len);
		sb_str(b, num);
		type_name(h, ((const gort_arraytype *)t)->elem, b, depth + 1);
		break;
	case K_CHAN: {
		const rt_chantype *c = (const rt_chantype *)t;
		sb_str(b, c->dir == 1 ? "<-chan " : c->dir == 2 ? "chan<- " : "chan ");
		/* fmt.go: "chan (<-chan T)" keeps the inner direction unambiguous */
		int paren = c->dir == 3 && span_in(h, c->elem, sizeof(rt_chantype)) &&
			    !(c->elem->tflag & GORT_TFLAG_NAMED) &&
			    (c->elem->kind & K_MASK) == K_CHAN &&
			    ((const rt_chantype *)c->elem)->dir == 1;
		if (paren)
			sb_str(b, "(");
		type_name(h, c->elem, b, depth + 1);
		if (paren)
			sb_str(b, ")");
		break;
	}
	case K_MAP:
		sb_str(b, "map[");
		type_name(h, ((const rt_maptype *)t)->key, b, depth + 1);
		sb_str(b, "]");
		type_name(h, ((const rt_maptype *)t)->elem, b, depth + 1);
		break;
	case K_FUNC:
		func_name(h, t, b, 1, depth);
		break;
	case K_STRUCT:
		struct_name(h, t, b, depth);
		break;
	case K_INTERFACE:
		iface_name(h, t, b, depth);
		break;
	default: {
		size_t l;
		const char *s = name_bytes(h, name_off(h, t->str), &l);
		sb_add(b, s, l);
	}
	}
}

/* Worklist walk: every type reachable from t gets an entry. */
typedef struct work {
	const gort_type **v;
	size_t n, cap;
	/* Reached from the runtime's own tables: a bad descriptor is an
	 * error. Off for the scan's guesses and what they reach: skipped. */
	int strict;
	const gort_type *bad, *from;
	const char *why;
} work;

static int push_from(gofn_hosttypes *h, work *w, const gort_type *t, const gort_type *from)
{
	if (!t || !in_types(h, t))
		return 0;
	const char *why = desc_bad(h, t);
	if (why) {
		if (!w->strict)
			return 0;
		w->bad = t;
		w->from = from;
		w->why = why;
		return -1;
	}
	if ((h->n + 1) * 2 > h->cap && grow(h))
		return -1;
	entry *e = slot(h, t);
	if (e->t)
		return 0;
	e->t = t;
	h->n++;
	if (w->n == w->cap) {
		size_t c = w->cap ? w->cap * 2 : 1024;
		const gort_type **v = realloc(w->v, c * sizeof *v);
		if (!v)
			return -1;
		w->v = v;
		w->cap = c;
	}
	w->v[w->n++] = t;
	return 0;
}

static int push(gofn_hosttypes *h, work *w, const gort_type *t)
{
	return push_from(h, w, t, NULL);
}

static int push_children(gofn_hosttypes *h, work *w, const gort_type *t)
{
	int rc = push_from(h, w, type_off(h, t->ptr_to_this), t);
	const rt_uncommon *u = uncommon(t);

	switch (t->kind & K_MASK) {
	case K_POINTER:
	case K_SLICE:
		rc |= push_from(h, w, ((const rt_ptrtype *)t)->elem, t);
		break;
	case K_ARRAY:
		rc |= push_from(h, w, ((const gort_arraytype *)t)->elem, t);
		rc |= push_from(h, w, ((const gort_arraytype *)t)->slice, t);
		break;
	case K_CHAN:
		rc |= push_from(h, w, ((const rt_chantype *)t)->elem, t);
		break;
	case K_MAP:
		rc |= push_from(h, w, ((const rt_maptype *)t)->key, t);
		rc |= push_from(h, w, ((const rt_maptype *)t)->elem, t);
		break;
	case K_FUNC: {
		const rt_functype *f = (const rt_functype *)t;
		size_t off = GORT_SIZEOF_FUNCTYPE + (u ? sizeof(rt_uncommon) : 0);
		const gort_type *const *p = (const gort_type *const *)((const uint8_t *)t + off);
		for (int i = 0; i < f->in + (f->out & 0x7fff); i++)
			rc |= push_from(h, w, p[i], t);
		break;
	}
	case K_STRUCT: {
		const gort_structtype *st = (const gort_structtype *)t;
		const gort_structfield *f = st->fields.ptr;
		for (intptr_t i = 0; i < st->fields.len; i++)
			rc |= push_from(h, w, f[i].typ, t);
		break;
	}
	case K_INTERFACE: {
		const rt_ifacetype *it = (const rt_ifacetype *)t;
		const rt_imethod *m = it->methods.ptr;
		for (intptr_t i = 0; i < it->methods.len; i++)
			rc |= push_from(h, w, type_off(h, m[i].typ), t);
		break;
	}
	}
	if (u && u->mcount) {
		const rt_method *m = (const rt_method *)((const uint8_t *)u + u->moff);
		for (int i = 0; i < u->mcount; i++)
			rc |= push_from(h, w, type_off(h, m[i].mtyp), t);
	}
	return rc;
}

static int index_names(gofn_hosttypes *h)
{
	h->ncap = 1;
	while (h->ncap < h->n * 2)
		h->ncap <<= 1;
	h->by_name = calloc(h->ncap, sizeof *h->by_name);
	if (!h->by_name)
		return -1;
	for (size_t i = 0; i < h->cap; i++) {
		entry *e = &h->by_addr[i];
		if (!e->t)
			continue;
		sbuf b = {0};
		type_name(h, e->t, &b, 0);
		if (b.oom || !b.p) {
			free(b.p);
			continue;
		}
		e->name = b.p;
		size_t j = hash_str(b.p, b.n) & (h->ncap - 1);
		while (h->by_name[j] && strcmp(h->by_name[j]->name, b.p) != 0)
			j = (j + 1) & (h->ncap - 1);
		if (!h->by_name[j])
			h->by_name[j] = e; /* first wins: duplicates would be equal types */
	}
	return 0;
}

/* A type that only host code refers to (say a named struct converted to
 * an interface) is in neither typelinks nor any other type, so the whole
 * types section is also scanned for descriptors: 8-byte aligned, a valid
 * kind, alignments that are powers of two, offsets inside the section and
 * a name whose first byte is a valid flag byte, and everything the walk
 * would read of it inside the section (desc_bad: a guess made of other
 * rodata once had an UncommonType whose method table lay 150 MB away).
 * A wrong guess could then only add an unnamed entry (its name would not
 * parse) or a name no object asks for. */
static int plausible(const gofn_hosttypes *h, const gort_type *t)
{
	uintptr_t span = h->etypes - h->types;
	int k = t->kind & K_MASK;
	if (k < K_BOOL || k > K_UNSAFEPTR || (t->kind & ~(K_MASK | (1 << 5))))
		return 0;
	if (!t->align || (t->align & (t->align - 1)) || t->align > 64 || !t->field_align ||
	    (t->field_align & (t->field_align - 1)) || t->field_align > t->align)
		return 0;
	/* TFlag bits 0-5 (internal/abi/type.go, TFlagDirectIface = 1 << 5 is
	 * set on every pointer-shaped type) */
	if (t->tflag & ~0x3f || t->ptrbytes > t->size || t->size % t->align)
		return 0;
	if (t->str <= 0 || (uintptr_t)t->str >= span || t->ptr_to_this < 0 ||
	    (uintptr_t)t->ptr_to_this >= span)
		return 0;
	const uint8_t *n = name_off(h, t->str);
	if (!n || (n[0] & ~0x0f) || desc_bad(h, t))
		return 0;
	if (k == K_POINTER || k == K_SLICE) {
		const gort_type *e = ((const rt_ptrtype *)t)->elem;
		if (!in_types(h, e) || ((uintptr_t)e & 7))
			return 0;
	}
	return 1;
}

static void scan_types(gofn_hosttypes *h, work *w, int *rc)
{
	uintptr_t p = (h->types + 7) & ~(uintptr_t)7;
	for (; p + sizeof(gort_type) <= h->etypes && !*rc; p += 8) {
		const gort_type *t = (const gort_type *)p;
		if (plausible(h, t))
			*rc |= push(h, w, t);
	}
}

typedef struct seed_ctx {
	gofn_hosttypes *h;
	work *w;
} seed_ctx;

static int seed(void *ctx, const gort_type *t)
{
	seed_ctx *c = ctx;
	return push(c->h, c->w, t);
}

static int build(gofn_hosttypes *h, const gofn_symtab *st, gofn_err *err)
{
	const gofn_hostsym *fm = gofn_symtab_find(st, "runtime.firstmoduledata", 23);
	work w = {0};
	int rc = 0;

	if (!fm)
		return gofn_errf(err, GOFN_EINVAL, "host has no runtime.firstmoduledata");
	const gort_moduledata *md = (const gort_moduledata *)(uintptr_t)fm->addr;
	if (gorel_host_tables_check(md, err) < 0) /* before the walk trusts them */
		return gofn_errctx(err, "host types");
	h->types = md->types;
	h->etypes = md->etypes;
	if (grow(h))
		return gofn_errf(err, GOFN_ENOMEM, "host types: out of memory");
	seed_ctx sc = {h, &w};
	w.strict = 1;
	rc |= gorel_host_types(md, seed, &sc);
	size_t i = 0;
	for (; i < w.n && !rc; i++)
		rc |= push_children(h, &w, w.v[i]);
	/* everything the runtime's tables reach is in; the rest are guesses */
	w.strict = 0;
	scan_types(h, &w, &rc);
	for (; i < w.n && !rc; i++)
		rc |= push_children(h, &w, w.v[i]);
	free(w.v);
	if (w.bad) {
		char from[64] = "listed by the runtime's type tables";
		if (w.from)
			snprintf(from, sizeof from, "reached from types+%#lx",
				 (unsigned long)((uintptr_t)w.from - h->types));
		return gofn_errf(
		    err, GOFN_EINVAL,
		    "host types: the descriptor at types+%#lx (kind %d, %s) has its %s "
		    "outside the types section (%#lx bytes): a bad table or a layout "
		    "this loader does not know",
		    (unsigned long)((uintptr_t)w.bad - h->types), w.bad->kind & K_MASK, from, w.why,
		    (unsigned long)(h->etypes - h->types));
	}
	if (rc || index_names(h))
		return gofn_errf(err, GOFN_ENOMEM, "host types: out of memory");
	return 0;
}

static const void *find_rec(const gofn_hosttypes *h, const char *name, size_t len)
{
	size_t lo = 0, hi = h->nrecs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *m = h->rec_names + h->recs[mid].name;
		int c = strncmp(m, name, len);
		if (c == 0 && m[len] != 0)
			c = 1;
		if (c == 0)
			return (const void *)(uintptr_t)h->recs[mid].addr;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const void *gofn_hosttypes_find(const gofn_hosttypes *h, const char *name, size_t len)
{
	if (h->recs)
		return find_rec(h, name, len);
	size_t j = hash_str(name, len) & (h->ncap - 1);
	while (h->by_name[j]) {
		const char *n = h->by_name[j]->name;
		if (strncmp(n, name, len) == 0 && n[len] == 0)
			return h->by_name[j]->t;
		j = (j + 1) & (h->ncap - 1);
	}
	return NULL;
}

/* loader/host/typeindex_gen.go (scripts/gen-typeindex): per std package
 * "P <path> <fingerprint hex>", then "<index> <name>" for each type
 * descriptor it defines. Weak: a C-only host has no table. */
extern const char *gofnTypeIndex(size_t *n) __attribute__((weak));

static const char *next_line(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	return nl ? nl + 1 : end;
}

/* The block of package pkg in the table; NULL if absent. */
static const char *index_block(const char *p, const char *end, const char *pkg, size_t plen,
			       char fp[17])
{
	char needle[300];
	size_t n;

	if (plen > sizeof needle - 4)
		return NULL;
	needle[0] = '\n';
	needle[1] = 'P';
	needle[2] = ' ';
	memcpy(needle + 3, pkg, plen);
	needle[3 + plen] = ' ';
	n = plen + 4;
	/* the table starts with a package line, which has no '\n' before it */
	const char *hit = (size_t)(end - p) >= n - 1 && memcmp(p, needle + 1, n - 1) == 0
			      ? p - 1
			      : memmem(p, (size_t)(end - p), needle, n);
	if (!hit || (size_t)(end - hit) < n + 16)
		return NULL;
	memcpy(fp, hit + n, 16);
	fp[16] = 0;
	return next_line(hit + 1, end);
}

const void *gofn_hosttypes_by_index(const gofn_hosttypes *h, const char *pkg, size_t plen,
				    const uint8_t fingerprint[8], uint32_t idx, gofn_err *err)
{
	size_t n = 0;
	const char *p = gofnTypeIndex ? gofnTypeIndex(&n) : NULL, *end = p + n;
	char fp[17], want[17];

	if (!p)
		return gofn_errf(err, GOFN_EUNRESOLVED, "host has no type index"), NULL;
	if (!(p = index_block(p, end, pkg, plen, fp)))
		return gofn_errf(err, GOFN_EUNRESOLVED,
				 "package %.*s is not in the host's type index", (int)plen, pkg),
		       NULL;
	for (int i = 0; i < 8; i++)
		snprintf(want + 2 * i, 3, "%02x", fingerprint[i]);
	if (strcmp(fp, want) != 0)
		return gofn_errf(err, GOFN_EUNRESOLVED,
				 "object was compiled against another build of package %.*s "
				 "(fingerprint %s, host %s)",
				 (int)plen, pkg, want, fp),
		       NULL;
	for (; p < end && *p != 'P'; p = next_line(p, end)) {
		char *sp;
		unsigned long k = strtoul(p, &sp, 10);
		if (k != idx || *sp != ' ')
			continue;
		const char *name = sp + 1, *eol = next_line(name, end);
		size_t len = (size_t)(eol - name) - (eol[-1] == '\n');
		const void *t = h ? gofn_hosttypes_find(h, name, len) : NULL;
		if (!t)
			gofn_errf(err, GOFN_EUNRESOLVED,
				  "unresolved symbol type:%.*s (package %.*s)", (int)len, name,
				  (int)plen, pkg);
		return t;
	}
	return gofn_errf(err, GOFN_EUNRESOLVED, "package %.*s defines no type with index %u",
			 (int)plen, pkg, idx),
	       NULL;
}

static void release(gofn_hosttypes *h);

static gofn_hosttypes walked;
static pthread_once_t walked_once = PTHREAD_ONCE_INIT;

/* Names by address need the walked table; a precomputed one (hosttab.h)
 * holds names by name only, so the walk is made on first use (Go 1.27's
 * host itabs, link_hostitabs.c). */
static void walk_self(void)
{
	const gofn_symtab *st = gofn_symtab_self(NULL);
	if (st && build(&walked, st, NULL))
		release(&walked);
}

const char *gofn_hosttypes_name(const gofn_hosttypes *h, const void *t)
{
	if (h->recs) {
		pthread_once(&walked_once, walk_self);
		h = &walked;
		if (!h->by_addr)
			return NULL;
	}
	if (!t || !in_types(h, t))
		return NULL;
	const entry *e = slot((gofn_hosttypes *)h, t);
	return e->t ? e->name : NULL;
}

size_t gofn_hosttypes_count(const gofn_hosttypes *h)
{
	return h->recs ? h->nrecs : h->n;
}

static int cmp_rec(const void *a, const void *b, void *names)
{
	return strcmp((const char *)names + ((const gofn_hosttype_rec *)a)->name,
		      (const char *)names + ((const gofn_hosttype_rec *)b)->name);
}

static int export(const gofn_hosttypes *h, gofn_hosttype_rec **recs, size_t *n, char **names,
		  size_t *names_len);

static void release(gofn_hosttypes *h)
{
	for (size_t i = 0; h->by_addr && i < h->cap; i++)
		free(h->by_addr[i].name);
	free(h->by_addr);
	free(h->by_name);
}

int gofn_hosttypes_export(const gofn_symtab *st, gofn_hosttype_rec **recs, size_t *n, char **names,
			  size_t *names_len, gofn_err *err)
{
	gofn_hosttypes h = {0};
	int rc = build(&h, st, err);
	if (!rc && export(&h, recs, n, names, names_len))
		rc = gofn_errf(err, GOFN_ENOMEM, "host types: out of memory");
	release(&h);
	return rc;
}

static int export(const gofn_hosttypes *h, gofn_hosttype_rec **recs, size_t *n, char **names,
		  size_t *names_len)
{
	size_t cnt = 0, len = 0;
	for (size_t i = 0; i < h->ncap; i++)
		if (h->by_name[i]) {
			cnt++;
			len += strlen(h->by_name[i]->name) + 1;
		}
	gofn_hosttype_rec *r = calloc(cnt ? cnt : 1, sizeof *r);
	char *nm = malloc(len ? len : 1);
	if (!r || !nm) {
		free(r);
		free(nm);
		return -1;
	}
	size_t k = 0, off = 0;
	for (size_t i = 0; i < h->ncap; i++) {
		const entry *e = h->by_name[i];
		if (!e)
			continue;
		size_t l = strlen(e->name) + 1;
		memcpy(nm + off, e->name, l);
		r[k++] = (gofn_hosttype_rec){.addr = (uintptr_t)e->t, .name = (uint32_t)off};
		off += l;
	}
	qsort_r(r, k, sizeof *r, cmp_rec, nm);
	*recs = r;
	*n = k;
	*names = nm;
	*names_len = off;
	return 0;
}

static gofn_hosttypes self_types;
static gofn_err self_err;
static int self_rc;
static pthread_once_t self_once = PTHREAD_ONCE_INIT;

static void build_self(void)
{
	if (gofn_hosttab_types(&self_types.recs, &self_types.nrecs, &self_types.rec_names))
		return;
	const gofn_symtab *st = gofn_symtab_self(&self_err);
	self_rc = st ? build(&self_types, st, &self_err) : -1;
}

const gofn_hosttypes *gofn_hosttypes_self(gofn_err *err)
{
	pthread_once(&self_once, build_self);
	if (self_rc) {
		if (err)
			*err = self_err;
		return NULL;
	}
	return &self_types;
}
