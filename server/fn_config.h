/* Per-function configuration (issue 17): environment variables a named
 * function's workers get (os.Getenv), and secrets, stored sealed with
 * AES-256-GCM under a server key (the store's "config_key" setting with
 * PostgreSQL, so replicas agree, else DATA/config-key, mode 0600) and
 * never returned by the API. Both reach the worker as INIT's ENV. */
#ifndef GOFN_SERVER_FN_CONFIG_H
#define GOFN_SERVER_FN_CONFIG_H

#include <jansson.h>

#include "server/server.h"
#include "server/worker.h"

/* The environment of f's workers: its name's variables and secrets
 * (unsealed), for INIT. An unnamed function has none. */
typedef struct gofn_fn_env {
	gofn_msg_init msg;
	char *kv[GOFN_ENV_MAX];
} gofn_fn_env;
int gofn_fn_env_load(gofn_server *s, const gofn_function *f, gofn_fn_env *env, gofn_err *e);
void gofn_fn_env_free(gofn_fn_env *env);

/* Replaces NAME's configuration: env and secrets are JSON objects of
 * strings (either may be NULL: none). Warm workers of every version are
 * stopped so the next call starts with it. GOFN_ENOTFOUND without such a
 * name, GOFN_EINVAL/ELIMIT for a bad key or value or too much. */
int gofn_fn_config_put(gofn_server *s, const char *tenant, const char *name, json_t *env,
		       json_t *secrets, gofn_err *e);

/* {"env": {...}, "secrets": [names]}: secret values never leave. */
json_t *gofn_fn_config_json(const gofn_config_row *rows, size_t n);

#endif
