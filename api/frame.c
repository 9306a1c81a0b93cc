/* Encoding and bounds-checked decoding of protocol frames (api/frame.h). */
#include "api/frame.h"

#include <stdlib.h>
#include <string.h>

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int reserve(gofn_fbuf *b, size_t more, gofn_err *e)
{
	size_t want;

	if (more > b->cap || b->len > b->cap - more)
		return gofn_errf(e, GOFN_ELIMIT, "frame larger than %zu bytes", b->cap);
	want = b->len + more;
	if (want <= b->alloc)
		return 0;
	size_t n = b->alloc ? b->alloc : 256;
	while (n < want)
		n = n > SIZE_MAX / 2 ? want : n * 2;
	uint8_t *p = realloc(b->data, n);
	if (!p)
		return gofn_errf(e, GOFN_ENOMEM, "frame: out of memory (%zu bytes)", n);
	b->data = p;
	b->alloc = n;
	return 0;
}

int gofn_fbuf_start(gofn_fbuf *b, uint32_t type, size_t cap, gofn_err *e)
{
	memset(b, 0, sizeof *b);
	b->cap = cap + GOFN_FRAME_HDR;
	if (reserve(b, GOFN_FRAME_HDR, e) < 0)
		return -1;
	put_le32(b->data, type);
	put_le32(b->data + 4, 0);
	b->len = GOFN_FRAME_HDR;
	return 0;
}

int gofn_fbuf_put(gofn_fbuf *b, uint16_t tag, const void *p, size_t n, gofn_err *e)
{
	if (n > UINT32_MAX)
		return gofn_errf(e, GOFN_ELIMIT, "frame field of %zu bytes", n);
	if (reserve(b, GOFN_FIELD_HDR + n, e) < 0)
		return -1;
	b->data[b->len] = (uint8_t)tag;
	b->data[b->len + 1] = (uint8_t)(tag >> 8);
	put_le32(b->data + b->len + 2, (uint32_t)n);
	if (n)
		memcpy(b->data + b->len + GOFN_FIELD_HDR, p, n);
	b->len += GOFN_FIELD_HDR + n;
	return 0;
}

int gofn_fbuf_put_str(gofn_fbuf *b, uint16_t tag, const char *s, gofn_err *e)
{
	return gofn_fbuf_put(b, tag, s, strlen(s), e);
}

int gofn_fbuf_put_u64(gofn_fbuf *b, uint16_t tag, uint64_t v, gofn_err *e)
{
	uint8_t le[8];

	for (int i = 0; i < 8; i++)
		le[i] = (uint8_t)(v >> (8 * i));
	return gofn_fbuf_put(b, tag, le, sizeof le, e);
}

void gofn_fbuf_finish(gofn_fbuf *b)
{
	put_le32(b->data + 4, (uint32_t)(b->len - GOFN_FRAME_HDR));
}

void gofn_fbuf_free(gofn_fbuf *b)
{
	free(b->data);
	memset(b, 0, sizeof *b);
}

int gofn_frame_header(const uint8_t hdr[GOFN_FRAME_HDR], size_t max, uint32_t *type, uint32_t *len,
		      gofn_err *e)
{
	*type = get_le32(hdr);
	*len = get_le32(hdr + 4);
	if (*type == 0 || *type >= GOFN_F_MAX_)
		return gofn_errf(e, GOFN_EINVAL, "unknown frame type %u", *type);
	if (*len > max)
		return gofn_errf(e, GOFN_ELIMIT, "%s frame of %u bytes exceeds limit %zu",
				 gofn_frame_type_name(*type), *len, max);
	return 0;
}

void gofn_fields_init(gofn_fields *it, const uint8_t *p, size_t len)
{
	it->p = p;
	it->len = len;
	it->off = 0;
}

int gofn_fields_next(gofn_fields *it, gofn_field *f, gofn_err *e)
{
	size_t left = it->len - it->off;

	if (left == 0)
		return 0;
	if (left < GOFN_FIELD_HDR)
		return gofn_errf(e, GOFN_EINVAL, "truncated field header at offset %zu", it->off);
	const uint8_t *h = it->p + it->off;
	f->tag = (uint16_t)(h[0] | h[1] << 8);
	f->len = get_le32(h + 2);
	if (f->len > left - GOFN_FIELD_HDR)
		return gofn_errf(e, GOFN_EINVAL,
				 "field %u of %u bytes overruns frame at offset %zu", f->tag,
				 f->len, it->off);
	f->data = h + GOFN_FIELD_HDR;
	it->off += GOFN_FIELD_HDR + f->len;
	return 1;
}

int gofn_field_u64(const gofn_field *f, uint64_t *v, gofn_err *e)
{
	if (f->len != 8)
		return gofn_errf(e, GOFN_EINVAL, "field %u: want 8-byte integer, got %u bytes",
				 f->tag, f->len);
	*v = 0;
	for (int i = 7; i >= 0; i--)
		*v = *v << 8 | f->data[i];
	return 0;
}

const char *gofn_frame_type_name(uint32_t type)
{
	static const char *const names[] = {"?",      "HELLO", "LOAD", "LOADED", "INVOKE",
					    "RESULT", "ERROR", "INIT", "READY"};
	return type < GOFN_F_MAX_ ? names[type] : "?";
}
