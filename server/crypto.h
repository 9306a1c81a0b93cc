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

/* AES-256-GCM with a random 96-bit nonce: "v1:" + base64(nonce | ciphertext
 * | tag), malloc'd. aad binds the ciphertext to where it is stored (a
 * secret moved to another row does not open). */
char *gofn_seal(const unsigned char key[32], const char *aad, const void *p, size_t n, gofn_err *e);
/* The plaintext (malloc'd, NUL-terminated, *n bytes); GOFN_EINVAL if the
 * text was not sealed with this key and aad. */
char *gofn_unseal(const unsigned char key[32], const char *aad, const char *sealed, size_t *n,
		  gofn_err *e);

#endif
