/* Sizes of the identifiers that cross gofn's layers, named once so a
 * buffer, a column check and a validation agree. Each counts the NUL. */
#ifndef GOFN_COMMON_LIMITS_H
#define GOFN_COMMON_LIMITS_H

/* Tenant names: 1-63 of [a-z0-9_-] (server/h_tenants.c valid_name). */
#define GOFN_NAME_MAX 64
/* Function names: 1-63 of [A-Za-z0-9_.-], not starting with "fn_" (ids do)
 * (server/h_functions.c valid_fn_name). */
#define GOFN_FN_NAME_MAX 64
/* Generated ids: a prefix ("fn_", "inv_", "prof_") and GOFN_RAND_HEX digits. */
#define GOFN_ID_MAX 40
/* The random part of an id: 8 bytes as 16 hex digits, plus the NUL. */
#define GOFN_RAND_HEX 17
/* A SHA-256 digest as hex: 64 digits. */
#define GOFN_SHA256_HEX 65
/* A secret of 32 random bytes as hex (tokens, the admin token's tail). */
#define GOFN_SECRET_HEX 65
/* A tenant or admin bearer token: "gofn_" or "gofn_admin_" and a secret. */
#define GOFN_TOKEN_MAX 80

#endif
