#include "loader/pcln_tab.h"

#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "loader/bigalloc.h"

struct pcln_tab_slot {
	uint32_t off1; /* offset + 1; 0 = empty */
	uint32_t len;
	uint64_t hash;
};

/* n empty slots, zeroed by writing unless new (the probes read before
 * they write: gofn_zero_fill); a set of 1 MiB or more is on huge pages
 * (bigalloc.h). */
static struct pcln_tab_slot *new_slots(size_t n)
{
	int zeroed;
	if (n > SIZE_MAX / sizeof(struct pcln_tab_slot))
		return NULL;
	struct pcln_tab_slot *s = gofn_big_alloc(n * sizeof *s, &zeroed);
	return s && !zeroed ? gofn_zero_fill(s, n * sizeof *s) : s;
}

static void free_slots(pcln_tab *t)
{
	if (!t->lent)
		gofn_big_free(t->slots, t->nslots * sizeof *t->slots);
	t->lent = 0;
}

void pcln_tab_init(pcln_tab *t, uint8_t *p, size_t cap)
{
	memset(t, 0, sizeof *t);
	t->p = p;
	t->cap = cap;
}

void pcln_tab_free(pcln_tab *t)
{
	free_slots(t);
	memset(t, 0, sizeof *t);
}

static uint64_t mix64(uint64_t x)
{
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* Eight bytes a step (FNV's byte loop was a visible part of building a
 * large unit's tables); only equal bytes must hash equal. */
static uint64_t hash_bytes(const uint8_t *p, size_t n)
{
	uint64_t h = GOFN_FNV1A_INIT ^ n, w;
	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	w = 0;
	memcpy(&w, p, n);
	return mix64(h ^ w);
}

static int room(const pcln_tab *t, size_t need, gofn_err *err)
{
	if (need > t->cap)
		return gofn_errf(err, GOFN_ELIMIT, "pclntab part exceeds its bound (%zu bytes)",
				 t->cap);
	return 0;
}

/* The slots reserved for n entries; 64 means none (grown as used). */
static size_t reserve_slots(size_t n)
{
	size_t slots = 64;
	while (slots / 2 < n + 1 && slots < ((size_t)1 << 22)) /* beyond: grown as used */
		slots *= 2;
	return slots;
}

size_t pcln_tab_set_bytes(size_t n)
{
	size_t slots = reserve_slots(n);
	return slots == 64 ? 0 : slots * sizeof(struct pcln_tab_slot);
}

void pcln_tab_reserve_in(pcln_tab *t, size_t n, void *mem)
{
	if (t->nslots || !pcln_tab_set_bytes(n))
		return;
	t->slots = mem;
	t->nslots = reserve_slots(n);
	t->lent = 1;
}

static int grow_slots(pcln_tab *t, gofn_err *err)
{
	if ((t->nused + 1) * 2 <= t->nslots)
		return 0;
	size_t n = t->nslots ? t->nslots * 2 : 64;
	struct pcln_tab_slot *s = new_slots(n);
	if (!s)
		return gofn_errf(err, GOFN_ENOMEM, "pclntab: out of memory");
	for (size_t i = 0; i < t->nslots; i++) {
		if (!t->slots[i].off1)
			continue;
		size_t j = t->slots[i].hash & (n - 1);
		while (s[j].off1)
			j = (j + 1) & (n - 1);
		s[j] = t->slots[i];
	}
	free_slots(t);
	t->slots = s;
	t->nslots = n;
	return 0;
}

static struct pcln_tab_slot *find_slot(pcln_tab *t, const void *p, size_t n, uint64_t h)
{
	size_t j = h & (t->nslots - 1);
	for (; t->slots[j].off1; j = (j + 1) & (t->nslots - 1)) {
		struct pcln_tab_slot *s = &t->slots[j];
		if (s->hash == h && s->len == n && memcmp(t->p + s->off1 - 1, p, n) == 0)
			return s;
	}
	return &t->slots[j];
}

int pcln_tab_lookup(pcln_tab *t, const void *p, size_t n, uint32_t *off, pcln_tab_pos *pos,
		    gofn_err *err)
{
	if (grow_slots(t, err) < 0)
		return -1;
	pos->hash = hash_bytes(p, n);
	pos->slot = find_slot(t, p, n, pos->hash);
	if (!pos->slot->off1)
		return 0;
	*off = pos->slot->off1 - 1;
	return 1;
}

int pcln_tab_zero(pcln_tab *t, size_t n, gofn_err *err)
{
	if (room(t, t->len + n, err) < 0)
		return -1;
	memset(t->p + t->len, 0, n);
	t->len += n;
	return 0;
}

int pcln_tab_put(pcln_tab *t, const pcln_tab_pos *pos, const void *p, size_t n, int nul,
		 size_t align, uint32_t *off, gofn_err *err)
{
	size_t start = (t->len + align - 1) / align * align;
	size_t end = start + n + (nul ? 1 : 0);
	if (end > UINT32_MAX - 1)
		return gofn_errf(err, GOFN_ELIMIT, "pclntab part exceeds 4 GiB");
	if (room(t, end, err) < 0)
		return -1;
	memset(t->p + t->len, 0, start - t->len);
	if (n)
		memcpy(t->p + start, p, n);
	if (nul)
		t->p[start + n] = 0;
	t->len = end;
	*off = (uint32_t)start;
	if (pos) {
		pos->slot->off1 = (uint32_t)start + 1;
		pos->slot->len = (uint32_t)n;
		pos->slot->hash = pos->hash;
		t->nused++;
	}
	return 0;
}

int pcln_tab_add(pcln_tab *t, const void *p, size_t n, int nul, size_t align, int dedup,
		 uint32_t *off, gofn_err *err)
{
	if (!dedup)
		return pcln_tab_put(t, NULL, p, n, nul, align, off, err);
	pcln_tab_pos pos;
	int found = pcln_tab_lookup(t, p, n, off, &pos, err);
	if (found)
		return found < 0 ? -1 : 0;
	return pcln_tab_put(t, &pos, p, n, nul, align, off, err);
}
