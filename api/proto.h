/* The gofnd <-> gofn-loader -worker protocol: its messages as structs, one
 * encoder and one decoder each. The wire format (frames of tagged fields)
 * is api/frame.h; the limits are api/limits.h; docs/design.md has the table.
 *
 *   worker                              gofnd
 *   HELLO            ->                        once confined
 *                    <-  LOAD {OBJECT*, OUTPUT_MAX, [UNLISTED]} + stdout, stderr files
 *   LOADED {SYMBOL, SIGNATURE, SIGKIND}* ->    linked, NO tenant code run yet
 *                                              (none when UNLISTED)
 *                    <-  INIT {ENV*}               the function's environment
 *   READY            ->                        package init done
 *                    <-  INVOKE {SYMBOL, INPUT, TIMEOUT_MS, RESULT_MAX,
 *                               [PROFILE_KINDS, PROFILE_HZ]}
 *   RESULT {STATUS, OUTPUT, [ERRMSG], DURATION_US, [STDOUT], [STDERR], [TRUNCATED],
 *           PROFILE*, PROFILE_ERROR*} ->
 *   ERROR {ERRCODE, ERRMSG} ->                 instead of any reply
 *
 * LOAD carries two fds: memfds gofnd created, sized and sealed, that the
 * worker keeps on 1 and 2 for its life. Each INVOKE starts both at offset 0
 * (what was written while no call ran is dropped) and its RESULT carries
 * what the call wrote; after any other end (ERROR, death, timeout) gofnd
 * reads them itself. No pipes are made per call.
 * The symbol list is sent before INIT, so no tenant code has run when gofnd
 * reads it; after INIT the worker shares its address space with tenant code
 * and every byte from it is as hostile as the tenant: gofnd accepts exactly
 * the one reply it asked for, within the call's deadline.
 *
 * Decoders are strict: a missing required field, a repeated one, an unknown
 * tag or a value over a limit is an error (e->code GOFN_EINVAL or
 * GOFN_ELIMIT). Decoded byte fields point into the frame's payload. To add
 * a message: a frame type in api/frame.h, a struct, an encoder and a decoder
 * here, a row in docs/design.md. */
#ifndef GOFN_API_PROTO_H
#define GOFN_API_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "api/frame.h"
#include "api/limits.h"
#include "api/profile.h"
#include "common/err.h"

/* The signatures gofn can call, as stored (symbols.sigkind) and sent in
 * LOADED. The worker maps the loader's classification onto these. */
typedef enum gofn_sigkind {
	GOFN_SIGKIND_UNSUPPORTED = 0,
	GOFN_SIGKIND_VOID,	      /* func() */
	GOFN_SIGKIND_BYTES_BYTES_ERR, /* func([]byte) ([]byte, error) */
	GOFN_SIGKIND_BYTES_BYTES,     /* func([]byte) []byte */
	GOFN_SIGKIND_STR_STR,	      /* func(string) string */
	GOFN_SIGKIND_STR_STR_ERR,     /* func(string) (string, error) */
	/* func(http.ResponseWriter, *http.Request): INPUT and OUTPUT are the
	 * request and the response as api/httpcall.h envelopes. */
	GOFN_SIGKIND_HTTP,
	GOFN_SIGKIND_COUNT_,
} gofn_sigkind;

/* How an invocation (or load) ended: the API's "status". RESULT carries
 * only OK or ERROR; gofnd decides the others. */
typedef enum gofn_status {
	GOFN_STATUS_UNSET = 0,
	GOFN_STATUS_OK,
	GOFN_STATUS_ERROR, /* the handler returned an error, or the worker refused */
	GOFN_STATUS_PANIC,
	GOFN_STATUS_EXIT,
	GOFN_STATUS_TIMEOUT,
	GOFN_STATUS_KILLED, /* by gofnd (protocol broken) or from outside */
	GOFN_STATUS_SANDBOX_VIOLATION,
	GOFN_STATUS_COUNT_,
} gofn_status;

/* "ok", "error", ...; "unset" for GOFN_STATUS_UNSET. */
const char *gofn_status_name(gofn_status s);

/* A byte string inside a frame (not NUL-terminated). */
typedef struct gofn_bytes {
	const uint8_t *p;
	size_t len;
} gofn_bytes;

/* LOAD also carries two descriptors (SCM_RIGHTS): the worker's stdout and
 * stderr files for the rest of its life (see gofn_msg_result). */
typedef struct gofn_msg_load {
	gofn_bytes objs[GOFN_MAX_OBJECTS];
	size_t nobjs;
	uint64_t output_max; /* bytes kept per stream and call: gofnd --max-output */
	/* LOADED lists no symbols: gofnd stores the list at upload only, and
	 * a cold start's worker need not read 4,000 signatures from DWARF
	 * for it (the one it calls is read at INVOKE). */
	int unlisted;
} gofn_msg_load;

typedef struct gofn_msg_symbol {
	gofn_bytes name;      /* 1..GOFN_SYMBOL_NAME_MAX bytes of UTF-8, no NUL */
	gofn_bytes signature; /* 0..GOFN_SIGNATURE_MAX bytes of UTF-8, no NUL */
	gofn_sigkind kind;
} gofn_msg_symbol;

/* Decoded: syms is malloc'd (gofn_msg_loaded_free), names point into the frame. */
typedef struct gofn_msg_loaded {
	gofn_msg_symbol *syms;
	size_t nsyms;
} gofn_msg_loaded;

/* INIT: the function's environment variables, set (os.Setenv) before
 * package init runs; each "KEY=VALUE" with a non-empty KEY. */
typedef struct gofn_msg_init {
	gofn_bytes env[GOFN_ENV_MAX];
	size_t nenv;
} gofn_msg_init;

typedef struct gofn_msg_invoke {
	gofn_bytes symbol; /* 1..GOFN_SYMBOL_NAME_MAX bytes */
	gofn_bytes input;
	uint64_t timeout_ms;
	uint64_t result_max; /* the largest OUTPUT gofnd accepts */
	unsigned prof_kinds; /* api/profile.h bits; 0: none */
	unsigned prof_hz;
	/* gofnd numbers a worker's calls from 1; the reply (RESULT, or an
	 * ERROR refusing the call) echoes it, so a frame written while the
	 * worker was idle is never taken for the reply (0: absent). */
	uint64_t call;
} gofn_msg_invoke;

/* RESULT's TRUNCATED bits: the stream had more than output_max bytes. */
#define GOFN_TRUNC_STDOUT 1u
#define GOFN_TRUNC_STDERR 2u

typedef struct gofn_msg_result {
	gofn_status status; /* OK or ERROR (the handler returned an error) */
	gofn_bytes output;
	gofn_bytes errmsg; /* with ERROR: the error's text */
	uint64_t duration_us;
	/* What the call wrote on fds 1 and 2 (the files LOAD brought), at
	 * most LOAD's output_max each; absent fields are empty. */
	gofn_bytes out, err;
	unsigned truncated;			    /* GOFN_TRUNC_* */
	gofn_bytes profile[GOFN_PROF_NKINDS];	    /* gzip'd profile.proto, by kind */
	gofn_bytes profile_error[GOFN_PROF_NKINDS]; /* or why it is missing */
	uint64_t call;				    /* the INVOKE's (gofn_msg_invoke) */
} gofn_msg_result;

typedef struct gofn_msg_error {
	int code; /* a GOFN_E* class */
	gofn_bytes msg;
	uint64_t call; /* refusing an INVOKE: its number; else 0 (absent) */
} gofn_msg_error;

/* Encoders: build a finished frame in b (free with gofn_fbuf_free, also
 * after a failure). */
int gofn_enc_hello(gofn_fbuf *b, gofn_err *e);
int gofn_enc_load(gofn_fbuf *b, const gofn_msg_load *m, gofn_err *e);
int gofn_enc_loaded(gofn_fbuf *b, const gofn_msg_loaded *m, gofn_err *e);
int gofn_enc_init(gofn_fbuf *b, const gofn_msg_init *m, gofn_err *e);
int gofn_enc_ready(gofn_fbuf *b, gofn_err *e);
int gofn_enc_invoke(gofn_fbuf *b, const gofn_msg_invoke *m, gofn_err *e);
/* cap bounds the whole frame (the sender's own limit). */
int gofn_enc_result(gofn_fbuf *b, const gofn_msg_result *m, size_t cap, gofn_err *e);
int gofn_enc_error(gofn_fbuf *b, const gofn_msg_error *m, gofn_err *e);

/* Decoders: payload is a received frame's (of the matching type). */
int gofn_dec_hello(const uint8_t *p, size_t n, gofn_err *e);
int gofn_dec_load(const uint8_t *p, size_t n, gofn_msg_load *m, gofn_err *e);
int gofn_dec_loaded(const uint8_t *p, size_t n, gofn_msg_loaded *m, gofn_err *e);
void gofn_msg_loaded_free(gofn_msg_loaded *m);
int gofn_dec_init(const uint8_t *p, size_t n, gofn_msg_init *m, gofn_err *e);
int gofn_dec_ready(const uint8_t *p, size_t n, gofn_err *e);
int gofn_dec_invoke(const uint8_t *p, size_t n, gofn_msg_invoke *m, gofn_err *e);
int gofn_dec_result(const uint8_t *p, size_t n, gofn_msg_result *m, gofn_err *e);
int gofn_dec_error(const uint8_t *p, size_t n, gofn_msg_error *m, gofn_err *e);

/* The largest payload gofnd accepts for a RESULT to an INVOKE that allows
 * result_max bytes of result, output_max of stdout and of stderr, and asked
 * for prof_kinds. */
size_t gofn_result_frame_max(size_t result_max, size_t output_max, unsigned prof_kinds);

/* Checks a symbol name against the protocol's rules (length, no NUL or
 * control bytes, UTF-8); on failure e names the rule. */
int gofn_symbol_name_check(const uint8_t *p, size_t n, gofn_err *e);

#endif
