/* One error type for the whole project: a one-line message that gains
 * context as it travels up ("load x.o: relocate main.f: unknown type 77"),
 * reported once by whoever is at the top (CLI, worker loop, HTTP handler). */
#ifndef GOFN_COMMON_ERR_H
#define GOFN_COMMON_ERR_H

#include <stddef.h>

typedef struct gofn_err {
	int code; /* a GOFN_E* class, so callers can map to exit codes or HTTP statuses */
	char msg[512];
} gofn_err;

enum {
	GOFN_EOK = 0,
	GOFN_EINVAL,	  /* malformed input: bad object, bad request */
	GOFN_EVERSION,	  /* object from another Go release or GOARCH */
	GOFN_EUNRESOLVED, /* a symbol the host does not provide */
	GOFN_ESIG,	  /* a function signature gofn cannot call */
	GOFN_ENOMEM,
	GOFN_ESYS,   /* a system call failed */
	GOFN_ELIMIT, /* a configured limit was hit */
	GOFN_ENOTFOUND,
	GOFN_EUNAVAIL,	 /* a service we need (the database) is down: retry later */
	GOFN_ENOSPACE,	 /* the disk is full: retry once space is freed */
	GOFN_ECONFLICT,	 /* the request conflicts with what exists (a name taken, a cap reached) */
	GOFN_EBUSY,	 /* a per-tenant queue or cap is full: retry later */
	GOFN_EAGAIN,	 /* no capacity right now (no free worker, shutting down): retry later */
	GOFN_ELOAD,	 /* a well-formed object that cannot be loaded here */
	GOFN_EAUTH,	 /* no or an invalid credential */
	GOFN_EFORBIDDEN, /* a valid credential that does not grant this */
	GOFN_ESTALE,	 /* what the request was based on changed meanwhile: read again, retry */
};

/* Sets the message and class; returns -1 so callers can `return gofn_errf(...)`. */
int gofn_errf(gofn_err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Prefixes context to an existing message: "ctx: <old message>". Returns -1. */
int gofn_errctx(gofn_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* gofn_errf with ": strerror(errno)" appended and class GOFN_ESYS. */
int gofn_errsys(gofn_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
