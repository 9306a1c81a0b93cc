/* The warm invoke's two lookups, token -> tenant and (tenant, symbol) ->
 * newest function, answered from memory (server/store.c puts it in front
 * of either backend), so a warm call asks the database nothing.
 *
 * When an answer may be stale (docs/design.md, "Store cache"):
 * - Every write through any store handle of this process (a tenant or a
 *   function deleted, a deploy, a rollback) moves one process-wide
 *   generation after it commits; an answer read under an older generation
 *   is never given again. So this gofnd sees its own changes at once.
 * - A change made by another process (another gofnd replica on the same
 *   PostgreSQL, another process on the same SQLite file) reaches the cache
 *   when the answer ages past ttl_ms (--store-cache-ms): that is the bound.
 * - Only found answers are kept: an unknown token or a symbol no function
 *   defines always asks the database, so a new tenant or a first deploy
 *   on another replica shows at once. */
#ifndef GOFN_SERVER_STORE_CACHE_H
#define GOFN_SERVER_STORE_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "server/store.h"

typedef struct gofn_store_cache gofn_store_cache;

/* ttl_ms > 0; NULL when out of memory (the store then asks every time). */
gofn_store_cache *gofn_store_cache_new(int64_t ttl_ms);
void gofn_store_cache_free(gofn_store_cache *c);

/* A write is about to be / has been committed through some store handle:
 * call after the commit (a reader that started before it then stores an
 * answer that is already old). */
void gofn_store_cache_written(void);
/* The generation to pass to a put: read before asking the database. */
uint64_t gofn_store_cache_gen(void);

/* now_ms: a monotonic clock (gofn_now_ms), a parameter so tests can move it.
 * 1 with name filled when a fresh answer is held, else 0. */
int gofn_store_cache_token(gofn_store_cache *c, const char *token_sha256, char *name, size_t cap,
			   int64_t now_ms);
void gofn_store_cache_put_token(gofn_store_cache *c, const char *token_sha256, const char *name,
				uint64_t gen, int64_t now_ms);
/* 1 with *f a copy (free with gofn_function_clear), else 0 and *f untouched. */
int gofn_store_cache_fn(gofn_store_cache *c, const char *tenant, const char *symbol,
			gofn_function *f, int64_t now_ms);
void gofn_store_cache_put_fn(gofn_store_cache *c, const char *tenant, const char *symbol,
			     const gofn_function *f, uint64_t gen, int64_t now_ms);

#endif
