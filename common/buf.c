#include "common/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int reserve(gofn_buf *b, size_t extra)
{
	if (b->oom || extra > ((size_t)-1) / 4 - b->n) {
		b->oom = 1;
		return -1;
	}
	if (b->n + extra + 1 <= b->cap)
		return 0;
	size_t c = (b->cap ? b->cap * 2 : 64) + extra;
	char *p = realloc(b->p, c);
	if (!p) {
		b->oom = 1;
		return -1;
	}
	b->p = p;
	b->cap = c;
	return 0;
}

void gofn_buf_add(gofn_buf *b, const void *s, size_t n)
{
	if (reserve(b, n) < 0)
		return;
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}

void gofn_buf_str(gofn_buf *b, const char *s)
{
	gofn_buf_add(b, s, strlen(s));
}

void gofn_buf_printf(gofn_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || reserve(b, (size_t)n) < 0) {
		b->oom = 1;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
	va_end(ap);
	b->n += (size_t)n;
}

char *gofn_buf_take(gofn_buf *b)
{
	char *p = b->p;

	if (b->oom) {
		free(p);
		p = NULL;
	} else if (!p) {
		p = calloc(1, 1);
	}
	*b = (gofn_buf){0};
	return p;
}

void gofn_buf_free(gofn_buf *b)
{
	free(b->p);
	*b = (gofn_buf){0};
}
