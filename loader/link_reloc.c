/* Relocation, per cmd/internal/objabi/reloctype.go and its application in
 * cmd/link/internal/ld/data.go (relocsym) and cmd/link/internal/amd64:
 *   R_ADDR            S + A, 4 or 8 bytes
 *   R_PCREL, R_CALL   S + A - (P + size): 32-bit, must fit
 *   R_ADDROFF         S + A - start of S's section; for us: text targets
 *   R_METHODOFF       from the unit's text start, data targets from its
 *   R_WEAKADDROFF     rodata/types start (both moduledata bases). Host
 *                     targets give negative offsets, which the runtime's
 *                     resolveNameOff/resolveTypeOff/textOff accept since
 *                     they add the sign-extended offset. Unresolved
 *                     method/weak targets become -1 as cmd/link's
 *                     deadcode leaves them ("unreachable method").
 *   R_TLS_LE          the host's g slot offset from the thread pointer
 *                     (runtime.tlsg in the host's TLS segment)
 *   R_GOTPCREL        unsupported: only -dynlink code uses it
 * Marker relocations (USE*, KEEP, CALLIND, INITORDER, DWARF ones) carry
 * information for the static linker only and are accepted and ignored. */
#include "loader/link_internal.h"

#include <string.h>

#include "loader/release_obj.h"

static int is_marker(unsigned t)
{
	switch (t) {
	case GOREL_R_CALLIND:
	case GOREL_R_USEFIELD:
	case GOREL_R_USETYPE:
	case GOREL_R_USEIFACE:
	case GOREL_R_USEIFACEMETHOD:
	case GOREL_R_USENAMEDMETHOD:
	case GOREL_R_KEEP:
	case GOREL_R_INITORDER:
	case GOREL_R_ADDRCUOFF:
	case GOREL_R_DWARFSECREF:
		return 1;
	default:
		return t >= GOREL_R_DWTXTADDR_U1 && t <= GOREL_R_DWTXTADDR_U4;
	}
}

static int put32(uint8_t *p, int64_t v, int is_signed)
{
	if (is_signed ? (v < INT32_MIN || v > INT32_MAX) : (v < INT32_MIN || v > UINT32_MAX))
		return -1;
	uint32_t u = (uint32_t)v;
	memcpy(p, &u, 4);
	return 0;
}

static const char *rname(unsigned t)
{
	const char *n = gorel_reloc_name(t & ~GOREL_R_WEAK);
	return n ? n : "?";
}

/* One relocation of symbol `s` (object oi, laid out at `base`). */
static int apply(gofn_link *l, size_t oi, const goobj_sym *s, uintptr_t base, const goobj_reloc *r,
		 gofn_err *err)
{
	unsigned type = r->type, plain = type & ~GOREL_R_WEAK;
	int weak = (type & GOREL_R_WEAK) || plain == GOREL_R_METHODOFF;
	uint8_t *p = (uint8_t *)base + r->off;
	uintptr_t tgt;
	int64_t v;

	if (is_marker(plain))
		return 0;
	if (r->off < 0 || (uint64_t)r->off + r->size > s->size)
		return gofn_errf(err, GOFN_EINVAL, "%s at offset %d size %u is outside the symbol",
				 rname(type), r->off, r->size);
	/* g's TLS slot: the compiler leaves the symbol nil (runtime.tlsg) */
	if (plain == GOREL_R_TLS_LE) {
		if (!l->host->has_tls_g)
			return gofn_errf(err, GOFN_EUNRESOLVED,
					 "R_TLS_LE: host has no runtime.tlsg");
		if (r->size == 4 && put32(p, l->host->tls_g + r->add, 1) == 0)
			return 0;
		return gofn_errf(err, GOFN_EINVAL, "R_TLS_LE with size %u", r->size);
	}
	if (lk_target_addr(l, oi, r->sym, weak, &tgt, err))
		return -1;
	switch (plain) {
	case GOREL_R_ADDR:
		if (!tgt && weak)
			tgt = 0;
		v = (int64_t)tgt + r->add;
		if (r->size == 8) {
			memcpy(p, &v, 8);
			return 0;
		}
		if (r->size == 4 && put32(p, v, 0) == 0)
			return 0;
		break;
	case GOREL_R_CALL:
	case GOREL_R_PCREL:
		if (r->size != 4)
			break;
		v = (int64_t)tgt + r->add - (int64_t)((uintptr_t)p + 4);
		if (put32(p, v, 1) == 0)
			return 0;
		return gofn_errf(err, GOFN_ELIMIT, "%s: target %#lx out of 32-bit reach",
				 rname(type), (unsigned long)tgt);
	case GOREL_R_ADDROFF:
	case GOREL_R_METHODOFF: {
		if (r->size != 4)
			break;
		if (!tgt) {
			memset(p, 0xff, 4); /* -1: unreachable, as cmd/link marks it */
			return 0;
		}
		/* R_METHODOFF is section-relative like R_ADDROFF (a method's
		 * Mtyp is a type offset, its Ifn/Tfn text offsets). Host text is
		 * reached through the module's second text section (modbuild.h
		 * host_text): the runtime zero-extends text offsets. */
		const gofn_mb_range *tx = &l->sect[LK_TEXT];
		int is_text = tgt >= tx->start && tgt < tx->end;
		uintptr_t sbase = is_text ? tx->start : l->sect[LK_RODATA].start;
		if (!sbase)
			sbase = (uintptr_t)l->map;
		v = (int64_t)tgt + r->add - (int64_t)sbase;
		if (tgt >= l->host->text_lo && tgt < l->host->text_hi)
			v = (int64_t)gofn_mb_hosttext_off(*tx) + (int64_t)(tgt - l->host->text_lo) +
			    r->add;
		if (put32(p, v, 1) == 0)
			return 0;
		return gofn_errf(err, GOFN_ELIMIT, "%s: target %#lx out of 32-bit reach",
				 rname(type), (unsigned long)tgt);
	}
	default:
		return gofn_errf(err, GOFN_EINVAL, "unsupported relocation %s (%u)", rname(type),
				 type);
	}
	return gofn_errf(err, GOFN_EINVAL, "%s with size %u", rname(type), r->size);
}

int lk_relocate(gofn_link *l, gofn_err *err)
{
	for (size_t oi = 0; oi < l->nobjs; oi++) {
		lk_obj *ob = &l->objs[oi];
		for (uint32_t i = 0; i < ob->o->ndefined; i++) {
			const goobj_sym *s = &ob->o->syms[i];
			lk_sym *ls = &ob->syms[i];
			int writable = ls->sect < LK_NSECT && ls->owner == LK_OWNER(oi, i);
			if (!writable)
				continue;
			const goobj_reloc *rel = goobj_sym_relocs(ob->o, s);
			for (uint32_t k = 0, n = goobj_sym_nrelocs(ob->o, s); k < n; k++) {
				if (apply(l, oi, s, ls->addr, &rel[k], err))
					return gofn_errctx(err, "%s: relocate %.*s", ob->o->name,
							   (int)s->name.len, s->name.p);
			}
		}
	}
	return 0;
}
