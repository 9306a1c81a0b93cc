/* Symbols of one object and everything hanging off them — relocations,
 * aux symbols, data — decoded and checked so consumers never re-check.
 * Layout and indexing: $GOROOT/src/cmd/internal/goobj/objfile.go
 * ("Symbol indexing", RelocIndex/AuxIndex/DataIndex: one entry per
 * defined symbol plus one, the last being the total). */
#include <stdio.h>
#include <stdlib.h>

#include "loader/bigalloc.h"
#include "loader/goobj_internal.h"

const char *goobj_symdesc(const goobj_object *o, uint32_t i, char *buf, size_t n)
{
	char name[80];
	uint32_t k = 0;

	if (i < o->nsyms && o->syms)
		for (; k < o->syms[i].name.len && k < sizeof name - 4; k++) {
			char c = o->syms[i].name.p[k];
			name[k] = (c > ' ' && c < 127) ? c : '?';
		}
	if (i < o->nsyms && o->syms && k < o->syms[i].name.len)
		name[k++] = '.', name[k++] = '.', name[k++] = '.';
	name[k] = 0;
	snprintf(buf, n, "symbol %u (%s)", i, name);
	return buf;
}

int goobj_symref_error(const goobj_object *o, goobj_symref r, gofn_err *err)
{
	uint32_t lim;

	switch (r.pkg) {
	case GOOBJ_PKG_NONE:
		lim = o->nnonpkgdefs + o->nnonpkgrefs;
		break;
	case GOOBJ_PKG_HASHED64:
		lim = o->nhashed64;
		break;
	case GOOBJ_PKG_HASHED:
		lim = o->nhashed;
		break;
	case GOOBJ_PKG_BUILTIN:
		lim = gorel_nbuiltins();
		break;
	case GOOBJ_PKG_SELF:
		lim = o->nsymdefs;
		break;
	case 0:
		return gofn_errf(err, GOFN_EINVAL, "package index 0 (invalid) with symbol index %u",
				 r.idx);
	default:
		return gofn_errf(err, GOFN_EINVAL, "package index %u out of range (object has %u)",
				 r.pkg, o->npkgs);
	}
	return gofn_errf(err, GOFN_EINVAL,
			 "symbol index %u out of range for package index %#x (%u symbols)", r.idx,
			 r.pkg, lim);
}

static int decode_sym(goobj_object *o, const goobj_bin *bin, uint32_t i, const uint8_t *p,
		      uint8_t cls, gofn_err *err)
{
	goobj_sym *s = &o->syms[i];

	if (goobj_strref(bin, p, &s->name, err) < 0)
		return gofn_errctx(err, "symbol %u name", i);
	s->abi = goobj_le16(p + 8);
	s->kind = p[10];
	s->flag = p[11];
	s->flag2 = p[12];
	s->size = goobj_le32(p + 13);
	s->align = goobj_le32(p + 17);
	s->cls = cls;
	if (s->abi != GOOBJ_ABI0 && s->abi != GOOBJ_ABIINTERNAL && s->abi != GOOBJ_ABI_STATIC)
		return gofn_errf(err, GOFN_EINVAL, "%s: unknown ABI %u",
				 goobj_symdesc(o, i, (char[128]){0}, 128), s->abi);
	if (s->kind >= GOREL_NSYMKIND)
		return gofn_errf(err, GOFN_EINVAL, "%s: unknown symbol kind %u",
				 goobj_symdesc(o, i, (char[128]){0}, 128), s->kind);
	return 0;
}

static int decode_syms(goobj_object *o, const goobj_bin *bin, gofn_err *err)
{
	static const int blks[] = {GOREL_BLK_SYMDEF, GOREL_BLK_HASHED64DEF, GOREL_BLK_HASHEDDEF,
				   GOREL_BLK_NONPKGDEF, GOREL_BLK_NONPKGREF};
	uint32_t *counts[] = {&o->nsymdefs, &o->nhashed64, &o->nhashed, &o->nnonpkgdefs,
			      &o->nnonpkgrefs};
	uint32_t i = 0;

	o->nsyms = 0;
	for (int b = 0; b < 5; b++) {
		*counts[b] = goobj_blklen(bin, blks[b]) / GOREL_SYM_SIZE;
		o->nsyms += *counts[b]; /* each < 2^32/21: no overflow */
	}
	o->ndefined = o->nsyms - o->nnonpkgrefs;
	o->syms = gofn_big_calloc((size_t)o->nsyms * sizeof *o->syms);
	if (!o->syms)
		return gofn_errf(err, GOFN_ENOMEM, "out of memory for %u symbols", o->nsyms);
	for (int b = 0; b < 5; b++)
		for (uint32_t k = 0; k < *counts[b]; k++, i++)
			if (decode_sym(o, bin, i, bin->b + bin->off[blks[b]] + k * GOREL_SYM_SIZE,
				       (uint8_t)b, err) < 0)
				return -1;
	return 0;
}

/* An index block (blklen bytes at p): ndefined+1 entries,
 * non-decreasing, ending at total. */
static int check_index(const goobj_object *o, const uint8_t *p, uint32_t blklen, uint32_t total,
		       const char *what, gofn_err *err)
{
	uint32_t prev = 0;

	if (blklen != 4 * ((uint64_t)o->ndefined + 1))
		return gofn_errf(err, GOFN_EINVAL,
				 "%s index block has %u entries, expected %u (defined symbols + 1)",
				 what, blklen / 4, o->ndefined + 1);
	for (uint32_t i = 0; i <= o->ndefined; i++) {
		uint32_t v = goobj_le32(p + 4 * i);
		if (v < prev || v > total)
			return gofn_errf(err, GOFN_EINVAL,
					 "%s index entry %u is %u: not monotonic or beyond the %u "
					 "%s",
					 what, i, v, total, what);
		prev = v;
	}
	if (prev != total)
		return gofn_errf(err, GOFN_EINVAL, "%s index ends at %u, but the object has %u",
				 what, prev, total);
	return 0;
}

static int check_indexes(const goobj_object *o, gofn_err *err)
{
	if (check_index(o, o->relocidx, o->idxlen[0], o->nrelocs, "relocation", err) < 0 ||
	    check_index(o, o->auxidx, o->idxlen[1], o->nauxs, "aux", err) < 0 ||
	    check_index(o, o->dataidx, o->idxlen[2], o->ndatabytes, "data byte", err) < 0)
		return -1;
	return 0;
}

_Static_assert(sizeof(goobj_reloc) == GOREL_RELOC_SIZE, "goobj_reloc is the Reloc record");
_Static_assert(sizeof(goobj_aux) == GOREL_AUX_SIZE, "goobj_aux is the Aux record");
_Static_assert(GOREL_HASH64_SIZE == 8 && GOREL_HASH_SIZE == 16, "goobj_sym_hash's strides");
_Static_assert(sizeof(goobj_sym) == 32, "goobj_sym: 32 bytes a symbol");

/* Relocations, aux entries, data and their index blocks stay in the
 * object (goobj.h): only their blocks are located here; check_indexes
 * checks the indexes and check_records every record. */
static void locate_relocs_and_auxs(goobj_object *o, const goobj_bin *bin)
{
	o->relocidx = bin->b + bin->off[GOREL_BLK_RELOCIDX];
	o->auxidx = bin->b + bin->off[GOREL_BLK_AUXIDX];
	o->dataidx = bin->b + bin->off[GOREL_BLK_DATAIDX];
	o->idxlen[0] = goobj_blklen(bin, GOREL_BLK_RELOCIDX);
	o->idxlen[1] = goobj_blklen(bin, GOREL_BLK_AUXIDX);
	o->idxlen[2] = goobj_blklen(bin, GOREL_BLK_DATAIDX);
	o->datablk = bin->b + bin->off[GOREL_BLK_DATA];
	o->ndatabytes = goobj_blklen(bin, GOREL_BLK_DATA);
	o->nrelocs = goobj_blklen(bin, GOREL_BLK_RELOC) / GOREL_RELOC_SIZE;
	o->nauxs = goobj_blklen(bin, GOREL_BLK_AUX) / GOREL_AUX_SIZE;
	o->relocs = (const goobj_reloc *)(bin->b + bin->off[GOREL_BLK_RELOC]);
	o->auxs = (const goobj_aux *)(bin->b + bin->off[GOREL_BLK_AUX]);
}

static int is_dwarf(uint8_t kind)
{
	return kind >= GOREL_SDWARFCUINFO && kind <= GOREL_SDWARFADDR;
}

/* Which relocation types (without R_WEAK) the release knows, for the
 * common small numbers: one table lookup per relocation at parse. */
typedef struct reloc_types {
	uint8_t known[256];
} reloc_types;

static void reloc_types_init(reloc_types *rt)
{
	for (unsigned t = 0; t < sizeof rt->known; t++)
		rt->known[t] = gorel_reloc_name(t) != NULL;
}

static int reloc_type_known(const reloc_types *rt, unsigned type)
{
	type &= ~(unsigned)GOREL_R_WEAK;
	return type < sizeof rt->known ? rt->known[type] : gorel_reloc_name(type) != NULL;
}

static int check_reloc(const goobj_object *o, const reloc_types *rt, const goobj_sym *s,
		       uint64_t extent, const goobj_reloc *r, gofn_err *err)
{

	if (r->off < 0 || (uint64_t)r->off + r->size > extent)
		return gofn_errf(err, GOFN_EINVAL,
				 "offset %d size %u outside the symbol (%llu bytes)", r->off,
				 r->size, (unsigned long long)extent);
	if (r->size != 0 && r->size != 1 && r->size != 2 && r->size != 4 && r->size != 8)
		return gofn_errf(err, GOFN_EINVAL, "size %u is not 0, 1, 2, 4 or 8", r->size);
	if (!reloc_type_known(rt, r->type))
		return gofn_errf(err, GOFN_EINVAL, "unknown type %u", r->type);
	if (goobj_check_symref(o, r->sym, err) < 0)
		return gofn_errctx(err, "target");
	/* The linker must get a name for every external target. The compiler
	 * writes RefNames for the relocs of text and data symbols, but not
	 * for those of aux symbols such as DWARF (cmd/internal/obj/objfile.go
	 * refNames traverses ctxt.Text and ctxt.Data only). */
	if (r->sym.pkg != 0 && r->sym.pkg < o->npkgs && !is_dwarf(s->kind) &&
	    !goobj_refname(o, r->sym))
		return gofn_errf(err, GOFN_EINVAL,
				 "target {package %u, symbol %u} has no name in RefNames",
				 r->sym.pkg, r->sym.idx);
	return 0;
}

/* Checks each defined symbol's relocations and aux entries (its data
 * range is the checked data index's). */
static int check_records(const goobj_object *o, gofn_err *err)
{
	char d[128];
	reloc_types rt;

	reloc_types_init(&rt);

	for (uint32_t i = 0; i < o->ndefined; i++) {
		const goobj_sym *s = &o->syms[i];
		const goobj_reloc *rel = goobj_sym_relocs(o, s);
		const goobj_aux *aux = goobj_sym_auxs(o, s);
		uint32_t nrel = goobj_sym_nrelocs(o, s), naux = goobj_sym_nauxs(o, s);
		uint32_t dlen = goobj_sym_data_len(o, s);
		uint64_t extent = s->size > dlen ? s->size : dlen;

		for (uint32_t k = 0; k < nrel; k++)
			if (check_reloc(o, &rt, s, extent, &rel[k], err) < 0)
				return gofn_errctx(err, "%s: reloc %u",
						   goobj_symdesc(o, i, d, sizeof d), k);
		for (uint32_t k = 0; k < naux; k++) {
			if (aux[k].type >= GOREL_NAUX)
				return gofn_errf(err, GOFN_EINVAL, "%s: aux %u has unknown type %u",
						 goobj_symdesc(o, i, d, sizeof d), k, aux[k].type);
			if (goobj_check_symref(o, aux[k].sym, err) < 0)
				return gofn_errctx(err, "%s: aux %u",
						   goobj_symdesc(o, i, d, sizeof d), k);
		}
	}
	return 0;
}

static int check_hashes_and_refflags(goobj_object *o, const goobj_bin *bin, gofn_err *err)
{
	const uint8_t *h64 = bin->b + bin->off[GOREL_BLK_HASH64];
	const uint8_t *h = bin->b + bin->off[GOREL_BLK_HASH];
	const uint8_t *rf = bin->b + bin->off[GOREL_BLK_REFFLAGS];

	if (goobj_blklen(bin, GOREL_BLK_HASH64) != (uint64_t)o->nhashed64 * GOREL_HASH64_SIZE ||
	    goobj_blklen(bin, GOREL_BLK_HASH) != (uint64_t)o->nhashed * GOREL_HASH_SIZE)
		return gofn_errf(err, GOFN_EINVAL,
				 "hash blocks do not match the %u short and %u long hashed symbols",
				 o->nhashed64, o->nhashed);
	o->hash64 = h64;
	o->hash = h;
	for (uint32_t i = 0; i < goobj_blklen(bin, GOREL_BLK_REFFLAGS) / GOREL_REFFLAGS_SIZE; i++)
		if (goobj_check_symref(o, goobj_symref_at(rf + i * GOREL_REFFLAGS_SIZE), err) < 0)
			return gofn_errctx(err, "ref flags entry %u", i);
	return 0;
}

int goobj_check_relocs_and_auxs(const goobj_object *o, gofn_err *err)
{
	return check_indexes(o, err) < 0 ? -1 : check_records(o, err);
}

int goobj_read_symbols(goobj_object *o, const goobj_bin *bin, gofn_err *err)
{
	if (decode_syms(o, bin, err) < 0 || check_hashes_and_refflags(o, bin, err) < 0)
		return -1;
	locate_relocs_and_auxs(o, bin);
	if (!o->checks_pending && check_indexes(o, err) < 0)
		return -1;
	if (goobj_index_refnames(o, bin, err) < 0)
		return -1;
	return o->checks_pending ? 0 : check_records(o, err);
}
