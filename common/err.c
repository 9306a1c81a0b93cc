#include "common/err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int gofn_errf(gofn_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return -1;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	return -1;
}

int gofn_errctx(gofn_err *e, const char *fmt, ...)
{
	char prefix[256], old[sizeof e->msg];
	va_list ap;

	if (!e)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof old);
	/* Truncation is the intended behaviour for over-long chains. */
	if (snprintf(e->msg, sizeof e->msg, "%s: %s", prefix, old) >= (int)sizeof e->msg)
		e->msg[sizeof e->msg - 1] = 0;
	return -1;
}

int gofn_errsys(gofn_err *e, const char *fmt, ...)
{
	int saved = errno;
	char what[256];
	va_list ap;

	if (!e)
		return -1;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	e->code = saved == ENOSPC || saved == EDQUOT ? GOFN_ENOSPACE : GOFN_ESYS;
	if (snprintf(e->msg, sizeof e->msg, "%s: %s", what, strerror(saved)) >= (int)sizeof e->msg)
		e->msg[sizeof e->msg - 1] = 0;
	errno = saved;
	return -1;
}
