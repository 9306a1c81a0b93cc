/* The few primitives gofnd needs, all from OpenSSL's libcrypto. */
#ifndef GOFN_SERVER_CRYPTO_H
#define GOFN_SERVER_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "common/limits.h"

void gofn_sha256_hex(const void *p, size_t n, char out[GOFN_SHA256_HEX]);
/* nbytes of kernel randomness as lowercase hex into out (2*nbytes+1). */
int gofn_random_hex(char *out, size_t nbytes, gofn_err *e);
/* Constant-time equality of two equal-length strings; unequal lengths are unequal. */
int gofn_ct_equal(const char *a, const char *b);
/* malloc'd NUL-terminated base64 of p[0..n). */
char *gofn_base64(const void *p, size_t n);

#endif
