/* Placement: every loaded symbol in one anonymous mapping within ±2 GiB
 * of the host image, so 32-bit PC-relative calls and loads reach host
 * code and data directly (x86-64 CALL rel32 / RIP-relative operands) and
 * 32-bit section offsets (nameOff, typeOff, textOff) reach host types.
 * The host is non-PIE at 0x400000, so the gap is searched in
 * /proc/self/maps above the host's last segment. Sections in the mapping:
 * text (cmd/link funcAlign 32, padded with INT3), rodata (types first),
 * noptrdata, data, bss, noptrbss, each page-aligned so text can be RX. */
#include "loader/link_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "loader/release_obj.h"

#define FUNC_ALIGN     32 /* cmd/link/internal/amd64/l.go funcAlign */
#define MAX_ALIGN      32 /* cmd/link/internal/amd64/obj.go Maxalign */
#define REACH	       ((uint64_t)1 << 31)
#define PAGE	       4096u
#define MAX_UNIT_BYTES ((uint64_t)512 << 20) /* all sections; far above any real unit */
#define HUGE	       ((uint64_t)2 << 20)   /* x86-64 PMD: one transparent huge page */

static uint64_t rnd(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

/* cmd/link/internal/ld/data.go symalign */
static uint32_t sym_align(const goobj_sym *s, int sect)
{
	uint32_t a = s->align;
	if (sect == LK_TEXT)
		return a > FUNC_ALIGN ? a : FUNC_ALIGN;
	if (a)
		return a;
	a = MAX_ALIGN;
	while (a > s->size && a > 1)
		a >>= 1;
	return a;
}

/* Placement order: section by section, type descriptors first in rodata
 * (like cmd/link's .rodata, so nameOff and typeOff targets of loaded types
 * sit in [types, etypes)), objects and symbols in index order within
 * each. The rank of a symbol in that order, LK_NSECT+1 for none. */
static int order_rank(const goobj_sym *s, const lk_sym *ls)
{
	if (ls->sect >= LK_NSECT)
		return LK_NSECT + 1;
	if (ls->sect < LK_RODATA)
		return ls->sect;
	int is_type =
	    ls->sect == LK_RODATA && s->name.len > 5 && memcmp(s->name.p, "type:", 5) == 0;
	return ls->sect + 1 - is_type;
}

/* An object's alignment is a power of two the compiler chose (at most a
 * cache line in practice); anything else is corrupt input. */
static int check_align(const goobj_sym *s, gofn_err *err)
{
	if (s->align & (s->align - 1) || s->align > PAGE)
		return gofn_errf(err, GOFN_EINVAL, "symbol %.*s: bad alignment %u",
				 (int)s->name.len, s->name.p, s->align);
	return 0;
}

/* The laid-out symbols (LK_OWNER) in placement order: one counting pass
 * and one fill instead of a scan of every symbol per section and pass. */
static uint32_t *placement_order(gofn_link *l, size_t *n)
{
	size_t start[LK_NSECT + 2] = {0};
	for (size_t oi = 0; oi < l->nobjs; oi++)
		for (uint32_t i = 0; i < l->objs[oi].o->ndefined; i++) {
			int r = order_rank(&l->objs[oi].o->syms[i], &l->objs[oi].syms[i]);
			if (r <= LK_NSECT)
				start[r + 1]++;
		}
	for (int r = 1; r <= LK_NSECT + 1; r++)
		start[r] += start[r - 1];
	*n = start[LK_NSECT + 1];
	uint32_t *v = malloc((*n ? *n : 1) * sizeof *v);
	if (!v)
		return NULL;
	for (size_t oi = 0; oi < l->nobjs; oi++)
		for (uint32_t i = 0; i < l->objs[oi].o->ndefined; i++) {
			int r = order_rank(&l->objs[oi].o->syms[i], &l->objs[oi].syms[i]);
			if (r <= LK_NSECT)
				v[start[r]++] = LK_OWNER(oi, i);
		}
	return v;
}

static int assign_offsets(gofn_link *l, gofn_err *err)
{
	uint64_t off[LK_NSECT] = {0}, total = 0;
	size_t n;
	uint32_t *order = placement_order(l, &n);

	if (!order)
		return gofn_errf(err, GOFN_ENOMEM, "layout: out of memory");
	/* A nameOff or typeOff of 0 means "none" to the runtime
	 * (runtime/type.go resolveNameOff), so nothing may sit at the very
	 * start of the types: a name placed there reads as empty. */
	off[LK_RODATA] = 8;
	for (size_t k = 0; k < n; k++) {
		lk_obj *ob = &l->objs[order[k] >> 24];
		uint32_t i = order[k] & (LK_MAX_SYMS - 1);
		const goobj_sym *s = &ob->o->syms[i];
		lk_sym *ls = &ob->syms[i];
		int sect = ls->sect;
		if (check_align(s, err)) {
			free(order);
			return -1;
		}
		off[sect] = rnd(off[sect], sym_align(s, sect));
		ls->addr = off[sect]; /* relative until mapped */
		/* A zero-size symbol still takes a byte: its address must be
		 * readable (a method wrapper's nil check touches it), and at a
		 * section's end it would otherwise lie on an unmapped page.
		 * cmd/link always has symbols after it. */
		off[sect] += s->size ? s->size : 1;
		total += s->size ? s->size : 1;
		if (total > MAX_UNIT_BYTES) {
			free(order);
			return gofn_errf(err, GOFN_ELIMIT, "unit too large (over %llu bytes)",
					 (unsigned long long)MAX_UNIT_BYTES);
		}
	}
	free(order);
	for (int sect = 0; sect < LK_NSECT; sect++)
		l->sect_size[sect] = off[sect];
	return 0;
}

/* Maps len bytes exactly at `at`, or returns NULL: MAP_FIXED_NOREPLACE
 * never clobbers, and an old kernel that ignores the flag and maps
 * elsewhere is undone. */
static void *map_at(uint64_t at, size_t len)
{
	void *p = mmap((void *)at, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == (void *)at)
		return p;
	if (p != MAP_FAILED)
		munmap(p, len);
	return NULL;
}

/* Without /proc/self/maps (a sandboxed worker may open nothing): let the
 * kernel say which candidate addresses are free, one step at a time. */
static void *probe_near(uint64_t lo, uint64_t hi, size_t len, uint64_t align, gofn_err *err)
{
	const uint64_t step = rnd(len, align > ((uint64_t)1 << 20) ? align : (uint64_t)1 << 20);

	for (uint64_t at = rnd(rnd(hi, PAGE) + 64 * PAGE, align); at + len - lo < REACH;
	     at += step) {
		void *p = map_at(at, len);
		if (p)
			return p;
	}
	gofn_errf(err, GOFN_ENOMEM, "no free address range of %zu bytes within 2 GiB of the host",
		  len);
	return NULL;
}

/* Units are placed above every earlier unit's range (until the 2 GiB
 * reach is used up): caches in host code keyed by type address (reflect's
 * PointerTo/FuncOf maps, encoding/json's encoders, ...) outlive an unload,
 * and a new unit's types at a reused address would hit those stale
 * entries. Concurrent loads may race on it; the worst outcome is a reuse. */
static uint64_t unit_floor;

static void *map_above(uint64_t lo, uint64_t hi, size_t len, uint64_t align, gofn_err *err);

/* A free gap of `len` bytes within reach of [lo, hi), lowest first above
 * earlier units; from the bottom again once that space is exhausted. The
 * start is `align`-aligned (PAGE, or HUGE for a mapping that can hold
 * transparent huge pages). */
static void *map_near(uint64_t lo, uint64_t hi, size_t len, uint64_t align, gofn_err *err)
{
	uint64_t floor = __atomic_load_n(&unit_floor, __ATOMIC_RELAXED);
	void *p = map_above(lo, hi > floor ? hi : floor, len, align, err);
	if (!p && floor > hi)
		p = map_above(lo, hi, len, align, err);
	if (p)
		__atomic_store_n(&unit_floor, (uint64_t)(uintptr_t)p + len, __ATOMIC_RELAXED);
	return p;
}

/* "start-end ..." of a /proc/self/maps line (sscanf was most of the
 * layout's cost in a process with a few hundred mappings). */
static int maps_range(const char *line, uint64_t *a, uint64_t *b)
{
	char *end;
	errno = 0;
	*a = strtoull(line, &end, 16);
	if (end == line || *end != '-')
		return -1;
	line = end + 1;
	*b = strtoull(line, &end, 16);
	return end == line || errno ? -1 : 0;
}

static void *map_above(uint64_t lo, uint64_t hi, size_t len, uint64_t align, gofn_err *err)
{
	FILE *f = fopen("/proc/self/maps", "re");
	uint64_t prev_end = hi, a, b;
	char line[512];

	if (!f)
		return probe_near(lo, hi, len, align, err);
	prev_end = rnd(rnd(hi, PAGE) + 64 * PAGE, align);
	while (fgets(line, sizeof line, f)) {
		if (maps_range(line, &a, &b) < 0)
			continue;
		if (b <= prev_end)
			continue;
		if (a > prev_end && a - prev_end >= len && prev_end + len - lo < REACH) {
			void *p = mmap((void *)prev_end, len, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
			if (p == (void *)prev_end) {
				fclose(f);
				return p;
			}
			if (p != MAP_FAILED)
				munmap(p, len);
		}
		prev_end = rnd(b > prev_end ? b : prev_end, align);
		if (prev_end - lo >= REACH)
			break;
	}
	fclose(f);
	if (prev_end + len - lo < REACH) {
		void *p = map_at(prev_end, len);
		if (p)
			return p;
	}
	gofn_errf(err, GOFN_ENOMEM, "no free address range of %zu bytes within 2 GiB of the host",
		  len);
	return NULL;
}

int lk_layout(gofn_link *l, gofn_err *err)
{
	uint64_t base[LK_NSECT], total = 0;

	if (assign_offsets(l, err))
		return -1;
	for (int s = 0; s < LK_NSECT; s++) {
		base[s] = total;
		total += rnd(l->sect_size[s], PAGE);
	}
	if (total == 0)
		total = PAGE;
	/* A unit of 1 MiB or more starts on a huge-page boundary and asks
	 * for transparent huge pages: its whole mapping is written at once
	 * (INT3 fill, code and data copies), one fault per 2 MiB instead of
	 * 512. A tail of a quarter huge page or more is mapped up to a whole
	 * one (bigalloc.c's rule: 128 small faults cost more than one huge
	 * page). The RX/R mprotects below split the PMD into page entries
	 * but keep the huge folio. Smaller units stay on 4 KiB pages: a huge
	 * page would be mostly padding. Failure (no THP) is harmless. */
	int huge = total >= HUGE / 2;
	if (huge && total % HUGE >= HUGE / 4)
		total = rnd(total, HUGE);
	l->map = map_near(l->host->text_lo, l->host->image_end, total, huge ? HUGE : PAGE, err);
	if (!l->map)
		return -1;
	l->map_len = total;
	if (huge)
		madvise(l->map, total / HUGE * HUGE, MADV_HUGEPAGE);
	uintptr_t m = (uintptr_t)l->map;
	for (int s = 0; s < LK_NSECT; s++) {
		l->sect[s].start = l->sect_size[s] ? m + base[s] : 0;
		l->sect[s].end = l->sect_size[s] ? m + base[s] + l->sect_size[s] : 0;
	}
	/* INT3 between functions, as cmd/link pads: only in the gaps, not
	 * over the whole text before the code is copied over it (1.6 MB
	 * written twice for the large object). Text symbols come here in
	 * address order: placement_order's counting sort is stable, so
	 * assign_offsets placed them in this loop's (object, index) order. */
	uint8_t *pad = l->map;
	for (size_t oi = 0; oi < l->nobjs; oi++) {
		lk_obj *ob = &l->objs[oi];
		for (uint32_t i = 0; i < ob->o->ndefined; i++) {
			lk_sym *ls = &ob->syms[i];
			const goobj_sym *s = &ob->o->syms[i];
			if (ls->sect >= LK_NSECT || ls->owner != LK_OWNER(oi, i))
				continue;
			ls->addr += m + base[ls->sect];
			ls->done = 1;
			if (ls->sect == LK_TEXT) {
				memset(pad, 0xCC, (size_t)((uint8_t *)ls->addr - pad));
				pad = (uint8_t *)ls->addr + s->size; /* a 0-size one: INT3 */
			}
			uint32_t dlen;
			const uint8_t *data = goobj_sym_data(ob->o, s, &dlen);
			if (dlen && ls->sect != LK_BSS && ls->sect != LK_NOPTRBSS) {
				uint32_t n = dlen < s->size ? dlen : s->size;
				memcpy((void *)ls->addr, data, n);
				if (ls->sect == LK_TEXT && n < s->size)
					memset((uint8_t *)ls->addr + n, 0, s->size - n);
			}
		}
	}
	if (l->sect_size[LK_TEXT]) /* to the end of text's last page */
		memset(pad, 0xCC, (size_t)(l->map + rnd(l->sect_size[LK_TEXT], PAGE) - pad));
	return 0;
}

int lk_protect(gofn_link *l, gofn_err *err)
{
	const gofn_mb_range *t = &l->sect[LK_TEXT], *r = &l->sect[LK_RODATA];
	if (t->end &&
	    mprotect((void *)t->start, rnd(t->end - t->start, PAGE), PROT_READ | PROT_EXEC))
		return gofn_errsys(err, "mprotect text");
	if (r->end && mprotect((void *)r->start, rnd(r->end - r->start, PAGE), PROT_READ))
		return gofn_errsys(err, "mprotect rodata");
	return 0;
}

void lk_unmap(gofn_link *l)
{
	if (l->map)
		munmap(l->map, l->map_len);
	l->map = NULL;
	l->map_len = 0;
}
