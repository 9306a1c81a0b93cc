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
