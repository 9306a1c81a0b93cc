#include "server/fn_config.h"

#include <ctype.h>
#include <errno.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/file.h"
#include "server/crypto.h"
#include "server/log.h"

/* The sealing key: loaded once per process (gofnd has one data dir and
 * one store). */
static pthread_mutex_t key_mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned char key[32];
static int key_ready;

static int key_from_hex(const char *hex, gofn_err *e)
{
	if (strlen(hex) != 64)
		return gofn_errf(e, GOFN_EINVAL, "config key: want 64 hex digits");
	for (int i = 0; i < 32; i++) {
		unsigned v;
		if (!isxdigit((unsigned char)hex[2 * i]) ||
		    !isxdigit((unsigned char)hex[2 * i + 1]) || sscanf(hex + 2 * i, "%2x", &v) != 1)
			return gofn_errf(e, GOFN_EINVAL, "config key: not hex");
		key[i] = (unsigned char)v;
	}
	return 0;
}

/* The store's setting (PostgreSQL: every replica gets the first one
 * stored), else DATA/config-key, created once with mode 0600. */
static int key_load(gofn_server *s, gofn_err *e)
{
	char hex[65], got[80], path[1100];
	uint8_t *p = NULL;
	size_t n = 0;

	if (gofn_random_hex(hex, 32, e) < 0)
		return -1;
	int rc = gofn_store_setting(s->store, "config_key", hex, got, sizeof got, e);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return key_from_hex(got, e);
	snprintf(path, sizeof path, "%s/config-key", s->cfg.data_dir);
	struct stat st;
	if (stat(path, &st) < 0 && errno == ENOENT) {
		mode_t old = umask(077);
		rc = gofn_file_write_durable(s->cfg.data_dir, "config-key", (const uint8_t *)hex,
					     64, e);
		umask(old);
		return rc < 0 ? -1 : key_from_hex(hex, e);
	}
	if (gofn_file_read(path, 64, &p, &n, e) < 0)
		return -1;
	int ok = n == 64;
	if (ok) {
		memcpy(got, p, 64);
		got[64] = 0;
		ok = key_from_hex(got, e) == 0;
	}
	free(p);
	return ok ? 0 : gofn_errf(e, GOFN_EINVAL, "%s: want 64 hex digits", path);
}

static int key_get(gofn_server *s, gofn_err *e)
{
	pthread_mutex_lock(&key_mu);
	int rc = key_ready ? 0 : key_load(s, e);
	if (rc == 0)
		key_ready = 1;
	pthread_mutex_unlock(&key_mu);
	return rc;
}

/* Binds a sealed value to its row: moved elsewhere it does not open. */
static void aad_of(char *aad, size_t cap, const char *tenant, const char *name, const char *k)
{
	snprintf(aad, cap, "gofn-config\n%s\n%s\n%s", tenant, name, k);
}

void gofn_fn_env_free(gofn_fn_env *env)
{
	for (size_t i = 0; i < env->msg.nenv; i++)
		free(env->kv[i]);
	memset(env, 0, sizeof *env);
}

static int env_add(gofn_fn_env *env, const char *k, const char *v, size_t vn, gofn_err *e)
{
	size_t kn = strlen(k);
	char *kv = malloc(kn + 1 + vn + 1);

	if (!kv)
		return gofn_errf(e, GOFN_ENOMEM, "environment: out of memory");
	memcpy(kv, k, kn);
	kv[kn] = '=';
	memcpy(kv + kn + 1, v, vn);
	kv[kn + 1 + vn] = 0;
	env->kv[env->msg.nenv] = kv;
	env->msg.env[env->msg.nenv++] = (gofn_bytes){.p = (const uint8_t *)kv, .len = kn + 1 + vn};
	return 0;
}

int gofn_fn_env_load(gofn_server *s, const gofn_function *f, gofn_fn_env *env, gofn_err *e)
{
	gofn_config_row *rows;
	size_t n;

	memset(env, 0, sizeof *env);
	if (!f->name[0])
		return 0;
	if (gofn_store_fn_config_get(s->store, f->tenant, f->name, &rows, &n, e) < 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n && i < GOFN_ENV_MAX; i++) {
		if (!rows[i].secret) {
			rc = env_add(env, rows[i].key, rows[i].value, strlen(rows[i].value), e);
			continue;
		}
		char aad[512];
		size_t vn;
		aad_of(aad, sizeof aad, f->tenant, f->name, rows[i].key);
		char *v = key_get(s, e) < 0 ? NULL : gofn_unseal(key, aad, rows[i].value, &vn, e);
		rc = v ? env_add(env, rows[i].key, v, vn, e)
		       : gofn_errctx(e, "secret %s", rows[i].key);
		if (v)
			OPENSSL_cleanse(v, vn);
		free(v);
	}
	gofn_config_rows_free(rows, n);
	if (rc < 0)
		gofn_fn_env_free(env);
	return rc;
}

/* Environment variable names as POSIX shells take them. */
static int valid_key(const char *k)
{
	size_t n = strlen(k);

	if (n == 0 || n >= GOFN_CONFIG_KEY_MAX || isdigit((unsigned char)k[0]))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)k[i]) && k[i] != '_')
			return 0;
	return 1;
}

static int rows_of(gofn_server *s, const char *tenant, const char *name, json_t *obj, int secret,
		   gofn_config_row *rows, size_t *n, size_t *bytes, gofn_err *e)
{
	const char *k;
	json_t *v;

	if (obj && !json_is_object(obj))
		return gofn_errf(e, GOFN_EINVAL, "%s: want an object of strings",
				 secret ? "secrets" : "env");
	json_object_foreach(obj, k, v)
	{
		const char *val = json_string_value(v);
		if (!valid_key(k) || !val || strlen(val) != json_string_length(v))
			return gofn_errf(e, GOFN_EINVAL,
					 "%s: \"%.64s\" needs a name of [A-Za-z0-9_] and a string "
					 "value without NUL",
					 secret ? "secrets" : "env", k);
		if (*n == GOFN_ENV_MAX)
			return gofn_errf(e, GOFN_ELIMIT, "more than %d variables", GOFN_ENV_MAX);
		*bytes += strlen(k) + 1 + strlen(val);
		if (*bytes > GOFN_ENV_BYTES_MAX)
			return gofn_errf(e, GOFN_ELIMIT, "variables over %u bytes together",
					 GOFN_ENV_BYTES_MAX);
		for (size_t i = 0; i < *n; i++)
			if (strcmp(rows[i].key, k) == 0)
				return gofn_errf(e, GOFN_EINVAL, "%s is both in env and secrets",
						 k);
		gofn_config_row *r = &rows[(*n)++];
		snprintf(r->key, sizeof r->key, "%s", k);
		r->secret = secret;
		if (secret) {
			char aad[512];
			aad_of(aad, sizeof aad, tenant, name, k);
			r->value =
			    key_get(s, e) < 0 ? NULL : gofn_seal(key, aad, val, strlen(val), e);
		} else {
			r->value = strdup(val);
			if (!r->value)
				gofn_errf(e, GOFN_ENOMEM, "out of memory");
		}
		if (!r->value)
			return -1;
	}
	return 0;
}

int gofn_fn_config_put(gofn_server *s, const char *tenant, const char *name, json_t *env,
		       json_t *secrets, gofn_err *e)
{
	gofn_config_row *rows = calloc(GOFN_ENV_MAX, sizeof *rows);
	gofn_strlist ids = {0};
	int64_t cur;
	size_t n = 0, bytes = 0;

	if (!rows)
		return gofn_errf(e, GOFN_ENOMEM, "out of memory");
	int rc = gofn_store_fn_versions(s->store, tenant, name, &ids, &cur, e);
	if (rc > 0)
		rc = gofn_errf(e, GOFN_ENOTFOUND, "no function named %s", name);
	if (rc == 0)
		rc = rows_of(s, tenant, name, env, 0, rows, &n, &bytes, e);
	if (rc == 0)
		rc = rows_of(s, tenant, name, secrets, 1, rows, &n, &bytes, e);
	if (rc == 0)
		rc = gofn_store_fn_config_set(s->store, tenant, name, rows, n, e);
	/* Warm workers hold the old environment. */
	for (size_t i = 0; rc == 0 && i < ids.n; i++)
		gofn_pool_forget(s->pool, tenant, ids.v[i]);
	if (rc == 0)
		gofn_log("info", "function_config",
			 json_pack("{s:s, s:s, s:I}", "tenant", tenant, "name", name, "variables",
				   (json_int_t)n));
	gofn_strlist_free(&ids);
	gofn_config_rows_free(rows, n);
	return rc;
}

json_t *gofn_fn_config_json(const gofn_config_row *rows, size_t n)
{
	json_t *env = json_object(), *secrets = json_array();

	for (size_t i = 0; i < n; i++)
		if (rows[i].secret)
			json_array_append_new(secrets, json_string(rows[i].key));
		else
			json_object_set_new(env, rows[i].key, json_string(rows[i].value));
	return json_pack("{s:o, s:o}", "env", env, "secrets", secrets);
}
