#include "server/store_cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"

/* Set-associative: an answer goes to one of WAYS places of the set its key
 * hashes to, replacing a stale one or else the set's oldest. 1,024 sets of
 * 4: 1,000 tenants (issue 16 target 3) all stay cached, where a
 * direct-mapped table of 1,024 slots lost about a third of them to
 * collisions (keys sharing a slot evicted each other on every call, each
 * miss a database query: docs/benchmarks.md, "100 tenants: gofnd's extra
 * cost"). A function entry is its symbol list and the used part of
 * gofn_function, a few KiB; a set is searched under the cache's mutex. */
#define SETS 1024
#define WAYS 4

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
	tok_entry tok[SETS][WAYS];
	fn_entry *fn[SETS][WAYS];
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
	for (size_t i = 0; i < SETS; i++)
		for (size_t w = 0; w < WAYS; w++)
			fn_entry_free(c->fn[i][w]);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

static size_t slot(const char *a, const char *b)
{
	/* over a, its NUL, b: ("ab", "") and ("a", "b") land apart */
	uint64_t h = gofn_fnv1a(GOFN_FNV1A_INIT, a, strlen(a) + 1);

	h = gofn_fnv1a(h, b, strlen(b));
	return (size_t)(h % SETS);
}

static int fresh(const gofn_store_cache *c, uint64_t gen, int64_t at_ms, int64_t now_ms)
{
	return gen == gofn_store_cache_gen() && now_ms >= at_ms && now_ms - at_ms < c->ttl_ms;
}

/* The way of set to fill: the one holding the key (match), else an empty
 * or stale one, else the oldest. */
static size_t victim(const gofn_store_cache *c, const int64_t *at, const uint64_t *gen,
		     const int *used, int match, int64_t now_ms)
{
	size_t v = 0;

	if (match >= 0)
		return (size_t)match;
	for (size_t w = 0; w < WAYS; w++) {
		if (!used[w] || !fresh(c, gen[w], at[w], now_ms))
			return w;
		if (at[w] < at[v])
			v = w;
	}
	return v;
}

int gofn_store_cache_token(gofn_store_cache *c, const char *token_sha256, char *name, size_t cap,
			   int64_t now_ms)
{
	if (!c)
		return 0;
	tok_entry *set = c->tok[slot(token_sha256, "")];
	int hit = 0;
	pthread_mutex_lock(&c->mu);
	for (size_t w = 0; w < WAYS && !hit; w++) {
		tok_entry *t = &set[w];
		hit = fresh(c, t->gen, t->at_ms, now_ms) && strcmp(t->sha256, token_sha256) == 0 &&
		      strlen(t->name) < cap;
		if (hit)
			memcpy(name, t->name, strlen(t->name) + 1);
	}
	pthread_mutex_unlock(&c->mu);
	return hit;
}

void gofn_store_cache_put_token(gofn_store_cache *c, const char *token_sha256, const char *name,
				uint64_t gen, int64_t now_ms)
{
	if (!c || strlen(token_sha256) >= GOFN_SHA256_HEX || strlen(name) >= GOFN_NAME_MAX)
		return;
	tok_entry *set = c->tok[slot(token_sha256, "")];
	int64_t at[WAYS];
	uint64_t gens[WAYS];
	int used[WAYS], match = -1;
	pthread_mutex_lock(&c->mu);
	for (size_t w = 0; w < WAYS; w++) {
		at[w] = set[w].at_ms;
		gens[w] = set[w].gen;
		used[w] = set[w].sha256[0] != 0;
		if (match < 0 && strcmp(set[w].sha256, token_sha256) == 0)
			match = (int)w;
	}
	tok_entry *t = &set[victim(c, at, gens, used, match, now_ms)];
	memcpy(t->sha256, token_sha256, strlen(token_sha256) + 1);
	memcpy(t->name, name, strlen(name) + 1);
	t->gen = gen;
	t->at_ms = now_ms;
	pthread_mutex_unlock(&c->mu);
}

static int fn_is(const fn_entry *x, const char *tenant, const char *symbol)
{
	return x && strcmp(x->f.tenant, tenant) == 0 && strcmp(x->symbol, symbol) == 0;
}

int gofn_store_cache_fn(gofn_store_cache *c, const char *tenant, const char *symbol,
			gofn_function *f, int64_t now_ms)
{
	if (!c)
		return 0;
	fn_entry **set = c->fn[slot(tenant, symbol)];
	int hit = 0;
	pthread_mutex_lock(&c->mu);
	for (size_t w = 0; w < WAYS; w++) {
		fn_entry *x = set[w];
		if (!fn_is(x, tenant, symbol))
			continue;
		hit = fresh(c, x->gen, x->at_ms, now_ms) && gofn_function_copy(f, &x->f) == 0;
		break;
	}
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
	fn_entry **set = c->fn[slot(tenant, symbol)];
	int64_t at[WAYS] = {0};
	uint64_t gens[WAYS] = {0};
	int used[WAYS], match = -1;
	pthread_mutex_lock(&c->mu);
	for (size_t w = 0; w < WAYS; w++) {
		used[w] = set[w] != NULL;
		if (used[w]) {
			at[w] = set[w]->at_ms;
			gens[w] = set[w]->gen;
		}
		if (match < 0 && fn_is(set[w], tenant, symbol))
			match = (int)w;
	}
	size_t v = victim(c, at, gens, used, match, now_ms);
	fn_entry *old = set[v];
	set[v] = x;
	pthread_mutex_unlock(&c->mu);
	fn_entry_free(old);
}
