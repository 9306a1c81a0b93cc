/* A growable byte buffer, always NUL-terminated, that remembers running
 * out of memory instead of failing each append: build, then check oom once. */
#ifndef GOFN_COMMON_BUF_H
#define GOFN_COMMON_BUF_H

#include <stddef.h>

typedef struct gofn_buf {
	char *p; /* NULL until the first append */
	size_t n, cap;
	int oom;
} gofn_buf;

void gofn_buf_add(gofn_buf *b, const void *s, size_t n);
void gofn_buf_str(gofn_buf *b, const char *s);
void gofn_buf_printf(gofn_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the bytes to the caller (malloc'd, NULL if out of memory) and empties b. */
char *gofn_buf_take(gofn_buf *b);
void gofn_buf_free(gofn_buf *b);

#endif
