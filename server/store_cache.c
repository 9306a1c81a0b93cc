#include "server/store_cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"

/* Direct-mapped: a colliding answer replaces the one in its slot. 1,024
 * tenants' tokens and functions stay cached at once (issue 16 target 3
 * runs 1,000 tenants); a function entry is its symbol list and the used
 * part of gofn_function, a few KiB. */
#define SLOTS 1024

typedef struct tok_entry {
	char sha256[GOFN_SHA256_HEX];
	char name[GOFN_NAME_MAX];
	uint64_t gen;
	int64_t at_ms;
} tok_entry;

typedef struct fn_entry {
	char *symbol;
	uint64_t gen;
	int64_t at_ms;
	gofn_function f; /* f.tenant is the key's tenant */
} fn_entry;

struct gofn_store_cache {
	pthread_mutex_t mu;
	int64_t ttl_ms;
	tok_entry tok[SLOTS];
	fn_entry *fn[SLOTS];
};

static _Atomic uint64_t generation = 1;

void gofn_store_cache_written(void)
{
	atomic_fetch_add(&generation, 1);
}

uint64_t gofn_store_cache_gen(void)
{
	return atomic_load(&generation);
}

gofn_store_cache *gofn_store_cache_new(int64_t ttl_ms)
{
	gofn_store_cache *c = calloc(1, sizeof *c);

	if (!c)
		return NULL;
	pthread_mutex_init(&c->mu, NULL);
	c->ttl_ms = ttl_ms;
	return c;
}

static void fn_entry_free(fn_entry *x)
{
	if (!x)
		return;
	gofn_function_clear(&x->f);
	free(x->symbol);
	free(x);
}

void gofn_store_cache_free(gofn_store_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < SLOTS; i++)
		fn_entry_free(c->fn[i]);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

static size_t slot(const char *a, const char *b)
{
	/* over a, its NUL, b: ("ab", "") and ("a", "b") land apart */
	uint64_t h = gofn_fnv1a(GOFN_FNV1A_INIT, a, strlen(a) + 1);

	h = gofn_fnv1a(h, b, strlen(b));
	return (size_t)(h % SLOTS);
}

static int fresh(const gofn_store_cache *c, uint64_t gen, int64_t at_ms, int64_t now_ms)
{
	return gen == gofn_store_cache_gen() && now_ms >= at_ms && now_ms - at_ms < c->ttl_ms;
}

int gofn_store_cache_token(gofn_store_cache *c, const char *token_sha256, char *name, size_t cap,
			   int64_t now_ms)
{
	if (!c)
		return 0;
	tok_entry *t = &c->tok[slot(token_sha256, "")];
	pthread_mutex_lock(&c->mu);
	int hit = fresh(c, t->gen, t->at_ms, now_ms) && strcmp(t->sha256, token_sha256) == 0 &&
		  strlen(t->name) < cap;
	if (hit)
		memcpy(name, t->name, strlen(t->name) + 1);
	pthread_mutex_unlock(&c->mu);
	return hit;
}

void gofn_store_cache_put_token(gofn_store_cache *c, const char *token_sha256, const char *name,
				uint64_t gen, int64_t now_ms)
{
	if (!c || strlen(token_sha256) >= GOFN_SHA256_HEX || strlen(name) >= GOFN_NAME_MAX)
		return;
	tok_entry *t = &c->tok[slot(token_sha256, "")];
	pthread_mutex_lock(&c->mu);
	memcpy(t->sha256, token_sha256, strlen(token_sha256) + 1);
	memcpy(t->name, name, strlen(name) + 1);
	t->gen = gen;
	t->at_ms = now_ms;
	pthread_mutex_unlock(&c->mu);
}

int gofn_store_cache_fn(gofn_store_cache *c, const char *tenant, const char *symbol,
			gofn_function *f, int64_t now_ms)
{
	if (!c)
		return 0;
	size_t i = slot(tenant, symbol);
	pthread_mutex_lock(&c->mu);
	fn_entry *x = c->fn[i];
	int hit = x && fresh(c, x->gen, x->at_ms, now_ms) && strcmp(x->f.tenant, tenant) == 0 &&
		  strcmp(x->symbol, symbol) == 0 && gofn_function_copy(f, &x->f) == 0;
	pthread_mutex_unlock(&c->mu);
	return hit;
}

void gofn_store_cache_put_fn(gofn_store_cache *c, const char *tenant, const char *symbol,
			     const gofn_function *f, uint64_t gen, int64_t now_ms)
{
	if (!c || strcmp(f->tenant, tenant) != 0)
		return;
	/* Only what gofn_function_copy reads is written: the unused tail of
	 * objs[] is never touched, so it costs no memory. */
	fn_entry *x = malloc(sizeof *x);
	if (!x)
		return;
	x->symbol = strdup(symbol);
	if (!x->symbol || gofn_function_copy(&x->f, f) < 0) {
		free(x->symbol);
		free(x);
		return;
	}
	x->gen = gen;
	x->at_ms = now_ms;
	size_t i = slot(tenant, symbol);
	pthread_mutex_lock(&c->mu);
	fn_entry *old = c->fn[i];
	c->fn[i] = x;
	pthread_mutex_unlock(&c->mu);
	fn_entry_free(old);
}
