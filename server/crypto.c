#include "server/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

static void to_hex(const unsigned char *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = 0;
}

void gofn_sha256_hex(const void *p, size_t n, char out[GOFN_SHA256_HEX])
{
	unsigned char md[32];
	unsigned int len = 0;

	EVP_Digest(p, n, md, &len, EVP_sha256(), NULL);
	to_hex(md, 32, out);
}

int gofn_random_hex(char *out, size_t nbytes, gofn_err *e)
{
	unsigned char buf[64];

	if (nbytes > sizeof buf || RAND_bytes(buf, (int)nbytes) != 1)
		return gofn_errf(e, GOFN_ESYS, "random bytes unavailable");
	to_hex(buf, nbytes, out);
	return 0;
}

int gofn_ct_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	return la == lb && CRYPTO_memcmp(a, b, la) == 0;
}

char *gofn_base64(const void *p, size_t n)
{
	char *out = malloc(4 * ((n + 2) / 3) + 1);

	if (out)
		EVP_EncodeBlock((unsigned char *)out, p, (int)n);
	return out;
}

/* ---- Sealing (AES-256-GCM) ---- */

#define NONCE 12
#define TAG   16

static int gcm(int enc, const unsigned char key[32], const unsigned char *nonce, const char *aad,
	       const unsigned char *in, size_t n, unsigned char *out, unsigned char *tag)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int len = 0, ok = c && n <= (size_t)INT32_MAX &&
			  EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, key, nonce, enc) == 1 &&
			  EVP_CipherUpdate(c, NULL, &len, (const unsigned char *)aad,
					   (int)strlen(aad)) == 1 &&
			  EVP_CipherUpdate(c, out, &len, in, (int)n) == 1;
	if (ok && !enc)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, TAG, tag) == 1;
	ok = ok && EVP_CipherFinal_ex(c, out + len, &len) == 1;
	if (ok && enc)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, TAG, tag) == 1;
	EVP_CIPHER_CTX_free(c);
	return ok ? 0 : -1;
}

char *gofn_seal(const unsigned char key[32], const char *aad, const void *p, size_t n, gofn_err *e)
{
	unsigned char *buf = malloc(NONCE + n + TAG);
	char *b64 = NULL, *out = NULL;

	if (!buf) {
		gofn_errf(e, GOFN_ENOMEM, "seal: out of memory");
		return NULL;
	}
	if (RAND_bytes(buf, NONCE) != 1 ||
	    gcm(1, key, buf, aad, p, n, buf + NONCE, buf + NONCE + n) < 0) {
		free(buf);
		gofn_errf(e, GOFN_ESYS, "seal: AES-256-GCM failed");
		return NULL;
	}
	b64 = gofn_base64(buf, NONCE + n + TAG);
	free(buf);
	out = b64 ? malloc(strlen(b64) + 4) : NULL;
	if (out)
		sprintf(out, "v1:%s", b64);
	else
		gofn_errf(e, GOFN_ENOMEM, "seal: out of memory");
	free(b64);
	return out;
}

char *gofn_unseal(const unsigned char key[32], const char *aad, const char *sealed, size_t *n,
		  gofn_err *e)
{
	if (strncmp(sealed, "v1:", 3) != 0) {
		gofn_errf(e, GOFN_EINVAL, "unseal: not a sealed value");
		return NULL;
	}
	const char *b64 = sealed + 3;
	size_t bl = strlen(b64);
	unsigned char *raw = malloc(bl / 4 * 3 + 3);
	int rl = raw ? EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)bl) : -1;
	if (rl >= 0) /* EVP_DecodeBlock counts the padding as bytes */
		rl -= (bl > 0 && b64[bl - 1] == '=') + (bl > 1 && b64[bl - 2] == '=');
	if (rl < NONCE + TAG) {
		free(raw);
		gofn_errf(e, GOFN_EINVAL, "unseal: not a sealed value");
		return NULL;
	}
	size_t pn = (size_t)rl - NONCE - TAG;
	char *out = malloc(pn + 1);
	if (!out ||
	    gcm(0, key, raw, aad, raw + NONCE, pn, (unsigned char *)out, raw + NONCE + pn) < 0) {
		free(raw);
		free(out);
		gofn_errf(e, GOFN_EINVAL, "unseal: wrong key or tampered value");
		return NULL;
	}
	free(raw);
	out[pn] = 0;
	*n = pn;
	return out;
}
