/* The wire format of the gofnd <-> gofn-loader -worker protocol (the
 * messages themselves, their order and limits: api/proto.h).
 *
 * A stream socket (socketpair; the worker's end is fd 3) carries frames:
 *
 *   u32 type | u32 payload length | payload            (little-endian)
 *
 * and a payload is a sequence of fields:
 *
 *   u16 tag | u32 length | bytes
 *
 * LOAD, a worker's first request, carries two fds (SCM_RIGHTS, on the
 * header bytes): its stdout and stderr files (api/proto.h), which it keeps
 * on 1 and 2. A worker belongs to one tenant for its life, so nothing
 * written there can reach another tenant.
 *
 * Both ends decode with hard caps and reject unknown frame types; the server
 * treats everything from a worker as hostile (tests/fuzz exercises this). */
#ifndef GOFN_API_FRAME_H
#define GOFN_API_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define GOFN_FRAME_HDR	    8u
#define GOFN_FIELD_HDR	    6u
#define GOFN_WORKER_CTRL_FD 3

enum gofn_frame_type {
	GOFN_F_HELLO = 1,
	GOFN_F_LOAD = 2,
	GOFN_F_LOADED = 3,
	GOFN_F_INVOKE = 4,
	GOFN_F_RESULT = 5,
	GOFN_F_ERROR = 6,
	GOFN_F_INIT = 7,  /* run package initialisation (after LOADED) */
	GOFN_F_READY = 8, /* initialisation done */
	GOFN_F_MAX_ = 9,
};

enum gofn_field_tag {
	GOFN_FLD_OBJECT = 1,
	GOFN_FLD_SYMBOL = 2,
	GOFN_FLD_SIGNATURE = 3,
	GOFN_FLD_SIGKIND = 4,
	GOFN_FLD_INPUT = 5,
	GOFN_FLD_TIMEOUT_MS = 6,
	GOFN_FLD_STATUS = 7, /* RESULT: gofn_status OK or ERROR (api/proto.h) */
	GOFN_FLD_OUTPUT = 8,
	GOFN_FLD_ERRMSG = 9,
	GOFN_FLD_ERRCODE = 10, /* a GOFN_E* class as u32 */
	GOFN_FLD_DURATION_US = 11,
	GOFN_FLD_PROFILE_KINDS = 12, /* INVOKE: bit set of api/profile.h kinds */
	GOFN_FLD_PROFILE_HZ = 13,    /* INVOKE: CPU sampling rate */
	GOFN_FLD_PROFILE = 14,	     /* RESULT: kind byte + gzip'd profile.proto */
	GOFN_FLD_PROFILE_ERROR = 15, /* RESULT: kind byte + why that profile is missing */
	GOFN_FLD_RESULT_MAX = 16,    /* INVOKE: the largest OUTPUT gofnd accepts */
	GOFN_FLD_ENV = 17,	     /* INIT: "KEY=VALUE", the function's environment */
	GOFN_FLD_OUTPUT_MAX = 18,    /* LOAD: bytes kept per stream and call */
	GOFN_FLD_STDOUT = 19,	     /* RESULT: what the call wrote on fd 1 */
	GOFN_FLD_STDERR = 20,	     /* RESULT: ... on fd 2 */
	GOFN_FLD_TRUNCATED = 21,     /* RESULT: GOFN_TRUNC_* bits (api/proto.h) */
	GOFN_FLD_CALL = 22,	     /* INVOKE: the call's number; RESULT, ERROR: echoed */
	GOFN_FLD_UNLISTED = 23,	     /* LOAD: LOADED lists no symbols (a cold start's) */
};

/* A growable frame under construction; `cap` bounds it so a caller cannot
 * be talked into building an unbounded message. */
typedef struct gofn_fbuf {
	uint8_t *data;
	size_t len, alloc, cap;
} gofn_fbuf;

int gofn_fbuf_start(gofn_fbuf *b, uint32_t type, size_t cap, gofn_err *e);
int gofn_fbuf_put(gofn_fbuf *b, uint16_t tag, const void *p, size_t n, gofn_err *e);
int gofn_fbuf_put_str(gofn_fbuf *b, uint16_t tag, const char *s, gofn_err *e);
int gofn_fbuf_put_u64(gofn_fbuf *b, uint16_t tag, uint64_t v, gofn_err *e);
/* Patches the length into the header; the frame is then data[0..len). */
void gofn_fbuf_finish(gofn_fbuf *b);
void gofn_fbuf_free(gofn_fbuf *b);

/* Validates a header: known type, payload no larger than max. */
int gofn_frame_header(const uint8_t hdr[GOFN_FRAME_HDR], size_t max, uint32_t *type, uint32_t *len,
		      gofn_err *e);

/* Iterates the fields of a payload. Returns 1 with a field, 0 at the end,
 * -1 (with e set) on a truncated or malformed field. */
typedef struct gofn_fields {
	const uint8_t *p;
	size_t len, off;
} gofn_fields;

typedef struct gofn_field {
	uint16_t tag;
	const uint8_t *data;
	uint32_t len;
} gofn_field;

void gofn_fields_init(gofn_fields *it, const uint8_t *p, size_t len);
int gofn_fields_next(gofn_fields *it, gofn_field *f, gofn_err *e);
/* A fixed 8-byte field as an integer; anything else is an error. */
int gofn_field_u64(const gofn_field *f, uint64_t *v, gofn_err *e);

const char *gofn_frame_type_name(uint32_t type);

#endif
