/* Capability tokens for profile URLs: "<expiry>.<hex HMAC-SHA256>" over
 * the profile id and the expiry, keyed with a secret only this install
 * knows: GOFN_PROFILE_SECRET, the store's (PostgreSQL: shared by the
 * replicas) or DATA/profile-secret (created once with mode 0600). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/io.h"
#include "server/profiles_internal.h"

#define MAC_HEX 65

static void mac_hex(const gofn_profiles *p, const char *id, int64_t expiry, char out[MAC_HEX])
{
	static const char digits[] = "0123456789abcdef";
	char msg[128];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	int len = snprintf(msg, sizeof msg, "%s\n%" PRId64, id, expiry);
	if (len < 0 || (size_t)len >= sizeof msg)
		len = 0; /* ids are short; an overlong one gets a MAC nothing matches */
	HMAC(EVP_sha256(), p->secret, sizeof p->secret, (const unsigned char *)msg, (size_t)len, md,
	     &n);
	for (unsigned i = 0; i < 32; i++) {
		out[2 * i] = digits[md[i] >> 4];
		out[2 * i + 1] = digits[md[i] & 15];
	}
	out[64] = 0;
}

void gofn_profiles_token(const gofn_profiles *p, const char *id, int64_t expiry,
			 char out[GOFN_PROFILE_TOKEN_MAX])
{
	char mac[MAC_HEX];

	mac_hex(p, id, expiry, mac);
	snprintf(out, GOFN_PROFILE_TOKEN_MAX, "%" PRId64 ".%s", expiry, mac);
}

int gofn_profiles_token_check(const gofn_profiles *p, const char *id, const char *tok, int64_t now)
{
	char want[MAC_HEX];
	int64_t expiry = 0;
	const char *s = tok;

	/* Strictly digits '.' 64 hex digits: nothing else reaches the MAC. */
	for (; *s >= '0' && *s <= '9' && s - tok < 18; s++)
		expiry = expiry * 10 + (*s - '0');
	if (s == tok || *s != '.' || strlen(s + 1) != 64)
		return -1;
	mac_hex(p, id, expiry, want);
	if (CRYPTO_memcmp(want, s + 1, 64) != 0)
		return -1;
	return now > expiry ? 1 : 0;
}

static int read_secret(gofn_profiles *p, int fd, const char *path, gofn_err *e)
{
	ssize_t n = gofn_read_full(fd, p->secret, sizeof p->secret);

	close(fd);
	if (n != (ssize_t)sizeof p->secret)
		return gofn_errf(e, GOFN_EINVAL, "%s: want %zu bytes", path, sizeof p->secret);
	return 0;
}

/* 64 hex digits into the secret. */
static int secret_from_hex(gofn_profiles *p, const char *hex, const char *from, gofn_err *e)
{
	if (strlen(hex) != 2 * sizeof p->secret)
		return gofn_errf(e, GOFN_EINVAL, "%s: want %zu hex digits", from,
				 2 * sizeof p->secret);
	for (size_t i = 0; i < sizeof p->secret; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1 || !isxdigit((unsigned char)hex[2 * i]) ||
		    !isxdigit((unsigned char)hex[2 * i + 1]))
			return gofn_errf(e, GOFN_EINVAL, "%s: not hex", from);
		p->secret[i] = (unsigned char)v;
	}
	return 0;
}

/* Replicas on one database share the first secret any of them stored,
 * so a profile URL one hands out verifies on all. 1: no such store. */
static int secret_from_store(gofn_profiles *p, gofn_err *e)
{
	unsigned char mine[32];
	char hex[2 * sizeof mine + 1], got[2 * sizeof mine + 8];

	if (RAND_bytes(mine, sizeof mine) != 1)
		return gofn_errf(e, GOFN_ESYS, "random bytes unavailable");
	for (size_t i = 0; i < sizeof mine; i++)
		snprintf(hex + 2 * i, 3, "%02x", mine[i]);
	int rc = gofn_store_setting(p->store, "profile_secret", hex, got, sizeof got, e);
	return rc != 0 ? rc : secret_from_hex(p, got, "the store's profile_secret", e);
}

/* GOFN_PROFILE_SECRET (64 hex digits), else the store's (PostgreSQL), else
 * DATA/profile-secret. */
int gofn_profiles_secret_load(gofn_profiles *p, const char *data_dir, gofn_err *e)
{
	char path[1100], tmp[1110];
	const char *env = getenv("GOFN_PROFILE_SECRET");

	if (env && *env)
		return secret_from_hex(p, env, "GOFN_PROFILE_SECRET", e);
	int rc = secret_from_store(p, e);
	if (rc <= 0)
		return rc;

	snprintf(path, sizeof path, "%s/profile-secret", data_dir);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return read_secret(p, fd, path, e);
	if (errno != ENOENT)
		return gofn_errsys(e, "open %s", path);
	if (RAND_bytes(p->secret, sizeof p->secret) != 1)
		return gofn_errf(e, GOFN_ESYS, "random bytes unavailable");
	/* Durable before use: a token handed out must verify after a crash. */
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return gofn_errsys(e, "create %s", tmp);
	if (gofn_write_all(fd, p->secret, sizeof p->secret) < 0 || fsync(fd) < 0) {
		close(fd);
		return gofn_errsys(e, "write %s", tmp);
	}
	close(fd);
	if (rename(tmp, path) < 0)
		return gofn_errsys(e, "rename %s", tmp);
	return 0;
}
