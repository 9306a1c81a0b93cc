/* Every limit that gofnd, the worker protocol and the worker must agree on,
 * in one place (docs/design.md shows them as one table). A limit that a
 * tenant can hit is named in the error message that refuses it.
 *
 * Configurable limits (--max-result, --max-output, --max-body, ...) live in
 * server/config.h; their defaults and ceilings are here when the protocol
 * depends on them. */
#ifndef GOFN_API_LIMITS_H
#define GOFN_API_LIMITS_H

/* Objects (or archives) in one function's link unit, in link order. One
 * named constant: uploads, the store, LOAD and the worker all use it.
 * The loader's own bound (loader/link_internal.h LK_MAX_OBJS). Measured
 * non-std package counts of popular modules' trees (go list -deps, Go
 * 1.26): gin 102, prometheus/client_golang 42, viper 37, zap 11; their
 * objects total 101, 29, 20 and 5 MiB, which --max-object (128 MiB)
 * bounds. */
#define GOFN_MAX_OBJECTS 255

/* Bytes of one symbol name ("main.Handle"), without a terminating NUL:
 * names up to this long are stored, invoked and loaded; one byte more is
 * refused at upload (the object's fault) and at POST /invoke (400). */
#define GOFN_SYMBOL_NAME_MAX 1024
/* Bytes of one signature spelling ("func([]uint8) []uint8"). */
#define GOFN_SIGNATURE_MAX 1024
/* Callable symbols one function may define, and their names and signatures
 * together: bounds a LOADED frame, the symbols rows of one upload and so
 * the time an insert holds the store. */
#define GOFN_SYMBOLS_MAX       4096
#define GOFN_SYMBOLS_BYTES_MAX (1u << 20)

/* The result of one call (RESULT's OUTPUT): --max-result's default and the
 * highest value it accepts. A bigger result ends the call with status
 * "error" and a message naming the limit. */
#define GOFN_RESULT_MAX_DEFAULT (8u << 20)
#define GOFN_RESULT_MAX_CEILING (256u << 20)

/* Bytes kept of a call's stdout and of its stderr: --max-output's highest
 * value. A worker's stdout and stderr are memfds of --max-output plus
 * GOFN_OUTPUT_FILE_SLACK bytes, sealed at that size: a write past the
 * limit still moves the offset past it (the worker reports truncation),
 * and writes fail with EPERM only past the slack, so what a call can leave
 * in them is bounded. */
#define GOFN_OUTPUT_MAX_CEILING (64u << 20)
#define GOFN_OUTPUT_FILE_SLACK	(4u << 10)

/* Bytes of an error message carried in RESULT or ERROR (longer ones are
 * cut by the worker): the handler's error text, a refusal. */
#define GOFN_ERRMSG_MAX 1000

/* Frames without a bulk payload (HELLO, READY, ERROR) are at most this big. */
#define GOFN_SMALL_FRAME_MAX (4u << 10)
/* A LOADED frame: every symbol's three fields (name, signature, kind). */
#define GOFN_LOADED_FRAME_MAX (GOFN_SYMBOLS_BYTES_MAX + GOFN_SYMBOLS_MAX * (3u * 6u + 8u))
/* Room in a RESULT for everything but the output and profiles. */
#define GOFN_RESULT_SLACK (16u << 10)
/* A request the worker accepts (LOAD carries every object): gofnd is
 * trusted more than tenants, but a cap still bounds the worker's memory. */
#define GOFN_REQUEST_FRAME_MAX (1u << 30)

/* A function's environment (INIT's ENV fields, issue 17): variables and
 * their bytes together ("KEY=VALUE" each). */
#define GOFN_ENV_MAX	   128
#define GOFN_ENV_BYTES_MAX (64u << 10)

#endif
