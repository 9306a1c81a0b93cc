/* Go identifiers and package paths as they appear in symbol names. */
#include "loader/ident.h"

#include <stdint.h>

/* loader/host/ident.go: unicode.IsUpper. Weak: a C-only host (the unit
 * tests) has no Go and knows ASCII only. */
extern int gofnIsUpper(int32_t r) __attribute__((weak));

/* The first rune of s, or -1 if s does not start with valid UTF-8. */
static int32_t first_rune(const unsigned char *s, size_t n)
{
	if (!n)
		return -1;
	if (s[0] < 0x80)
		return s[0];
	int len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 0;
	if (!len || s[0] >= 0xF8 || (size_t)len > n)
		return -1;
	int32_t r = s[0] & (0x7F >> len);
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return -1;
		r = r << 6 | (s[i] & 0x3F);
	}
	return r;
}

int gofn_ident_exported(const char *s, size_t n)
{
	int32_t r = first_rune((const unsigned char *)s, n);

	if (r < 0x80)
		return r >= 'A' && r <= 'Z';
	return gofnIsUpper && gofnIsUpper(r);
}

size_t gofn_path_to_prefix(const char *path, size_t len, char *buf, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	size_t slash = 0, w = 0;

	for (size_t i = 0; i < len; i++)
		if (path[i] == '/')
			slash = i + 1;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)path[i];
		if (c <= ' ' || (c == '.' && i >= slash) || c == '%' || c == '"' || c >= 0x7F) {
			if (w + 3 > cap)
				return 0;
			buf[w++] = '%';
			buf[w++] = hex[c >> 4];
			buf[w++] = hex[c & 0xF];
		} else {
			if (w + 1 > cap)
				return 0;
			buf[w++] = (char)c;
		}
	}
	return w;
}
