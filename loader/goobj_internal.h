/* Shared by the goobj_*.c files only: little-endian readers over bytes
 * whose bounds the caller has already checked, and the per-stage entry
 * points of the parser. */
#ifndef GOFN_LOADER_GOOBJ_INTERNAL_H
#define GOFN_LOADER_GOOBJ_INTERNAL_H

#include <stdint.h>
#include <string.h>

#include "loader/release_obj.h"
#include "loader/goobj.h"

/* The binary part of one object: offsets are relative to b. */
typedef struct goobj_bin {
	const uint8_t *b;
	uint32_t len;
	uint32_t off[GOREL_NBLK];
} goobj_bin;

static inline uint32_t goobj_blklen(const goobj_bin *bin, int blk)
{
	return bin->off[blk + 1] - bin->off[blk];
}

struct goobj_refname {
	goobj_symref sym;
	goobj_str name;
};

static inline uint16_t goobj_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t goobj_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t goobj_le64(const uint8_t *p)
{
	return (uint64_t)goobj_le32(p) | (uint64_t)goobj_le32(p + 4) << 32;
}

static inline goobj_symref goobj_symref_at(const uint8_t *p)
{
	return (goobj_symref){goobj_le32(p), goobj_le32(p + 4)};
}

/* Parses one object (text header + binary) from raw[0..len) into *o,
 * which the caller zeroed. `name` must outlive o. */
int goobj_object_parse(goobj_object *o, const char *name, const uint8_t *raw, size_t len,
		       gofn_err *err);

/* The error of a string ref outside the object (goobj_strref's slow path). */
int goobj_strref_error(const goobj_bin *bin, uint32_t n, uint32_t off, gofn_err *err);

/* Checks a string ref (len, off) against the object; fills *out. Inline:
 * every symbol name goes through it. */
static inline int goobj_strref(const goobj_bin *bin, const uint8_t *ref, goobj_str *out,
			       gofn_err *err)
{
	uint32_t n = goobj_le32(ref), off = goobj_le32(ref + 4);

	if (off > bin->len || n > bin->len - off)
		return goobj_strref_error(bin, n, off, err);
	*out = (goobj_str){(const char *)bin->b + off, n};
	return 0;
}

/* Decodes and validates symbols, relocs, aux and data (goobj_symbols.c). */
int goobj_read_symbols(goobj_object *o, const goobj_bin *bin, gofn_err *err);

/* Checks the relocation, aux and data index blocks and every defined
 * symbol's relocations and aux entries (what goobj_read_symbols leaves
 * out of an object with checks_pending). */
int goobj_check_relocs_and_auxs(const goobj_object *o, gofn_err *err);

/* Frees what goobj_object_parse allocated (not o itself). */
void goobj_object_release(goobj_object *o);

/* Whether a symref from the object is in range for its package index:
 * inline, since every relocation and aux entry is checked at parse and
 * every resolution checks again. */
static inline int goobj_symref_ok(const goobj_object *o, goobj_symref r)
{
	switch (r.pkg) {
	case GOOBJ_PKG_SELF:
		return r.idx < o->nsymdefs;
	case GOOBJ_PKG_HASHED64:
		return r.idx < o->nhashed64;
	case GOOBJ_PKG_HASHED:
		return r.idx < o->nhashed;
	case GOOBJ_PKG_NONE:
		return r.idx < o->nnonpkgdefs + o->nnonpkgrefs;
	case GOOBJ_PKG_BUILTIN:
		return r.idx < gorel_nbuiltins();
	case 0:
		return r.idx == 0;
	default:
		return r.pkg < o->npkgs;
	}
}

/* Says why a symref is out of range (goobj_check_symref's slow path). */
int goobj_symref_error(const goobj_object *o, goobj_symref r, gofn_err *err);

/* Checks a symref from the object: in range for its package index. */
static inline int goobj_check_symref(const goobj_object *o, goobj_symref r, gofn_err *err)
{
	return goobj_symref_ok(o, r) ? 0 : goobj_symref_error(o, r, err);
}

/* Indexes the RefNames of o for lookup; refnames with invalid refs fail. */
int goobj_index_refnames(goobj_object *o, const goobj_bin *bin, gofn_err *err);

/* The RefNames entry for r, or NULL. */
const goobj_str *goobj_refname(const goobj_object *o, goobj_symref r);

/* Formats a symbol for error messages: "symbol 17 (main.f)". */
const char *goobj_symdesc(const goobj_object *o, uint32_t i, char *buf, size_t n);

#endif
