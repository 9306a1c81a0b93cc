/* Decoding of the runtime's pc-value tables (runtime/symtab.go step and
 * readvarint): pairs of (zig-zag value delta, pc delta) varints, ended by
 * a 0 value delta after the first pair. We decode only to validate what
 * the object hands us; the runtime decodes the same bytes itself later and
 * must never run past the end of a table or see a value out of range. */
#include "loader/release_rt.h"
#include "loader/pcln.h"

static int read_uvarint32(gofn_pcvalue_it *it, uint32_t *v)
{
	uint32_t x = 0;
	for (unsigned shift = 0; shift < 35; shift += 7) {
		if (it->p >= it->end)
			return -1;
		uint8_t b = *it->p++;
		x |= (uint32_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = x;
			return 0;
		}
	}
	return -1;
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
	if (read_uvarint32(it, &uv) < 0 || read_uvarint32(it, &pcd) < 0)
		return -1;
	/* Both deltas wrap as 32-bit quantities in the runtime. */
	it->val = (int32_t)((uint32_t)it->val + ((uint32_t) - (int32_t)(uv & 1) ^ (uv >> 1)));
	it->pc += (uint64_t)pcd * GORT_PCQUANTUM;
	it->first = 0;
	return 1;
}

int gofn_pcvalue_check(const uint8_t *p, size_t n, int64_t lo, int64_t hi, gofn_err *err)
{
	gofn_pcvalue_it it;
	gofn_pcvalue_init(&it, p, n);
	int steps = 0;
	for (;;) {
		int r = gofn_pcvalue_next(&it);
		if (r == 0)
			return steps;
		if (r < 0)
			return gofn_errf(err, GOFN_EINVAL,
					 "pc-value table truncated or unterminated (%zu bytes)", n);
		if (it.val < lo || it.val > hi)
			return gofn_errf(err, GOFN_EINVAL,
					 "pc-value table value %d outside [%lld, %lld]", it.val,
					 (long long)lo, (long long)hi);
		if (steps == 1 << 30)
			return gofn_errf(err, GOFN_EINVAL, "pc-value table too long");
		steps++;
	}
}
