/* Decoding of the runtime's pc-value tables (runtime/symtab.go step and
 * readvarint): pairs of (zig-zag value delta, pc delta) varints, ended by
 * a 0 value delta after the first pair. We decode only to validate what
 * the object hands us; the runtime decodes the same bytes itself later and
 * must never run past the end of a table or see a value out of range. */
#include "loader/release_rt.h"
#include "loader/pcln.h"

/* One byte is the common case (small deltas): no loop for it. */
static inline int read_uvarint32(const uint8_t **pp, const uint8_t *end, uint32_t *v)
{
	const uint8_t *p = *pp;
	uint32_t x = 0;
	if (p < end && !(*p & 0x80)) {
		*v = *p;
		*pp = p + 1;
		return 0;
	}
	for (unsigned shift = 0; shift < 35; shift += 7) {
		if (p >= end)
			return -1;
		uint8_t b = *p++;
		x |= (uint32_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = x;
			*pp = p;
			return 0;
		}
	}
	return -1;
}

/* Both deltas wrap as 32-bit quantities in the runtime. */
static inline int32_t add_zigzag(int32_t val, uint32_t uv)
{
	return (int32_t)((uint32_t)val + ((uint32_t) - (int32_t)(uv & 1) ^ (uv >> 1)));
}

void gofn_pcvalue_init(gofn_pcvalue_it *it, const uint8_t *p, size_t n)
{
	it->p = p;
	it->end = p + n;
	it->val = -1;
	it->pc = 0;
	it->first = 1;
}

int gofn_pcvalue_next(gofn_pcvalue_it *it)
{
	if (it->p >= it->end)
		return -1;
	if (*it->p == 0 && !it->first) {
		it->p++;
		return 0;
	}
	uint32_t uv, pcd;
	if (read_uvarint32(&it->p, it->end, &uv) < 0 || read_uvarint32(&it->p, it->end, &pcd) < 0)
		return -1;
	it->val = add_zigzag(it->val, uv);
	it->pc += (uint64_t)pcd * GORT_PCQUANTUM;
	it->first = 0;
	return 1;
}

/* gofn_pcvalue_next's steps in one loop: every pc table of a unit is
 * checked once at load. */
int gofn_pcvalue_check(const uint8_t *p, size_t n, int64_t lo, int64_t hi, gofn_err *err)
{
	const uint8_t *end = p + n;
	int32_t val = -1;
	int steps = 0;
	for (;;) {
		uint32_t uv, pcd;
		if (p < end && *p == 0 && steps)
			return steps;
		if (p >= end || read_uvarint32(&p, end, &uv) < 0 ||
		    read_uvarint32(&p, end, &pcd) < 0)
			return gofn_errf(err, GOFN_EINVAL,
					 "pc-value table truncated or unterminated (%zu bytes)", n);
		val = add_zigzag(val, uv);
		if (val < lo || val > hi)
			return gofn_errf(err, GOFN_EINVAL,
					 "pc-value table value %d outside [%lld, %lld]", val,
					 (long long)lo, (long long)hi);
		if (steps == 1 << 30)
			return gofn_errf(err, GOFN_EINVAL, "pc-value table too long");
		steps++;
	}
}
