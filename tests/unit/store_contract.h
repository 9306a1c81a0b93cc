/* The behaviour every gofnd store backend promises (server/store.h),
 * written once and run against SQLite (tests/unit/test_server_store.c) and
 * PostgreSQL (tests/store_pg/test_store_pg.c). Each contract test takes an
 * open, empty store and closes it. Included by exactly those two files. */
#ifndef GOFN_TESTS_STORE_CONTRACT_H
#define GOFN_TESTS_STORE_CONTRACT_H

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/store.h"
#include "server/store_invocations.h"
#include "server/store_tenants.h"

/* Tenants' CPU settings and host uids (server/store_tenants.h): unset
 * until set, reset by 0 / -1, "max" stored as 0, gone with the tenant;
 * uids distinct within the range even for three tenants in a range of
 * three, stable, "full" for a fourth, kept past the tenant's deletion
 * until freed, never freed for a tenant that exists, and replaced when
 * the range moves. */
static void contract_tenant_settings(gofn_store *s)
{
	gofn_err e = {0};
	gofn_tenant_row t;
	unsigned uid[4];
	const char *names[] = {"alpha", "beta", "gamma", "delta"};

	for (int i = 0; i < 4; i++) {
		char tok[16];
		snprintf(tok, sizeof tok, "h-%s", names[i]);
		assert_int_equal(gofn_store_tenant_add(s, names[i], tok, &e), 0);
	}
	assert_int_equal(gofn_store_tenant_get(s, "alpha", &t, &e), 0);
	assert_int_equal(t.cpu_weight, 0);
	assert_int_equal(t.cpu_quota, -1);
	assert_int_equal(t.uid, 0);
	assert_int_equal(gofn_store_tenant_cpu_set(s, "alpha", 250, 500, &e), 0);
	assert_int_equal(gofn_store_tenant_cpu_set(s, "beta", 0, 0, &e), 0); /* "max" */
	assert_int_equal(gofn_store_tenant_cpu_set(s, "nobody", 250, 500, &e), 1);
	assert_int_equal(gofn_store_tenant_get(s, "alpha", &t, &e), 0);
	assert_int_equal(t.cpu_weight, 250);
	assert_int_equal(t.cpu_quota, 500);
	assert_int_equal(gofn_store_tenant_get(s, "beta", &t, &e), 0);
	assert_int_equal(t.cpu_weight, 0);
	assert_int_equal(t.cpu_quota, 0);
	assert_int_equal(gofn_store_tenant_cpu_set(s, "alpha", 0, -1, &e), 0); /* defaults again */
	assert_int_equal(gofn_store_tenant_get(s, "alpha", &t, &e), 0);
	assert_int_equal(t.cpu_weight, 0);
	assert_int_equal(t.cpu_quota, -1);
	assert_int_equal(gofn_store_tenant_get(s, "nobody", &t, &e), 1);

	for (int i = 0; i < 3; i++) {
		assert_int_equal(gofn_store_tenant_uid(s, names[i], 500000, 3, &uid[i], &e), 0);
		assert_true(uid[i] >= 500000 && uid[i] < 500003);
		for (int j = 0; j < i; j++)
			assert_int_not_equal(uid[i], uid[j]);
	}
	unsigned again;
	assert_int_equal(gofn_store_tenant_uid(s, "beta", 500000, 3, &again, &e), 0);
	assert_int_equal(again, uid[1]);
	assert_int_equal(gofn_store_tenant_get(s, "gamma", &t, &e), 0);
	assert_int_equal(t.uid, uid[2]);
	assert_int_equal(gofn_store_tenant_uid(s, "delta", 500000, 3, &uid[3], &e), 2);
	assert_int_equal(gofn_store_tenant_uid(s, "nobody", 500000, 3, &again, &e), 1);
	/* a freed uid of a tenant that exists stays its own */
	assert_int_equal(gofn_store_tenant_uid_free(s, "beta", &e), 0);
	assert_int_equal(gofn_store_tenant_uid_free(s, NULL, &e), 0);
	assert_int_equal(gofn_store_tenant_uid(s, "delta", 500000, 3, &uid[3], &e), 2);
	/* deleted: the CPU row goes with it, the uid stays until freed */
	assert_int_equal(gofn_store_tenant_del(s, "beta", &e), 0);
	assert_int_equal(gofn_store_tenant_uid(s, "delta", 500000, 3, &uid[3], &e), 2);
	assert_int_equal(gofn_store_tenant_uid_free(s, "beta", &e), 0);
	assert_int_equal(gofn_store_tenant_uid(s, "delta", 500000, 3, &uid[3], &e), 0);
	assert_int_equal(uid[3], uid[1]);
	assert_int_equal(gofn_store_tenant_add(s, "beta", "h-beta2", &e), 0);
	assert_int_equal(gofn_store_tenant_get(s, "beta", &t, &e), 0);
	assert_int_equal(t.cpu_quota, -1); /* its old settings went with it */
	assert_int_equal(t.uid, 0);
	/* another range: a tenant's uid moves into it */
	assert_int_equal(gofn_store_tenant_uid(s, "alpha", 600000, 10, &again, &e), 0);
	assert_true(again >= 600000 && again < 600010);
	assert_int_equal(gofn_store_tenant_get(s, "alpha", &t, &e), 0);
	assert_int_equal(t.uid, again);
	gofn_store_close(s);
}

/* A two-object link unit whose symbols are deliberately not in name order. */
static void make_fn(gofn_function *f, const char *id, const char *tenant, const char *sha)
{
	static gofn_fn_symbol syms[] = {{"main.main", "func()", 1},
					{"main.Zed", "func(string) string", 2},
					{"main.Add", "func(int, int) int", 0}};

	memset(f, 0, sizeof *f);
	snprintf(f->id, sizeof f->id, "%s", id);
	snprintf(f->tenant, sizeof f->tenant, "%s", tenant);
	snprintf(f->sha256, sizeof f->sha256, "%s", sha);
	snprintf(f->package, sizeof f->package, "main");
	snprintf(f->go_version, sizeof f->go_version, "go1.26.8");
	f->size = 30;
	f->created = 1700000000;
	f->nobjs = 2;
	snprintf(f->objs[0].sha256, sizeof f->objs[0].sha256, "lib-%s", sha);
	f->objs[0].size = 20;
	snprintf(f->objs[1].sha256, sizeof f->objs[1].sha256, "%s", sha);
	f->objs[1].size = 10;
	f->symbols = syms;
	f->nsymbols = 3;
}

/* The warm lookups' cache (server/store_cache.h). s is opened with the
 * cache on, other is a second handle of this process on the same
 * database, external(sql) commits through a connection that is not a
 * gofn_store at all (another replica or process). A write through either
 * handle shows at once; an external one once the cached answer is older
 * than the cache's bound, which is waited for (as a condition, for at
 * most 60 s: the bound is asserted exactly in test_server_store's
 * cache_bound, on a clock the test moves). */
static int poll_gone(gofn_store *s, int token)
{
	gofn_err e = {0};
	gofn_function f;
	char name[64];

	for (int i = 0; i < 6000; i++) {
		int rc = token ? gofn_store_tenant_by_token(s, "h1", name, sizeof name, &e)
			       : gofn_store_fn_newest_with(s, "t1", "main.Zed", &f, &e);
		if (!token && rc == 0)
			gofn_function_clear(&f);
		if (rc == 1)
			return 1;
		nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
	}
	return 0;
}

static void contract_cached_lookups(gofn_store *s, gofn_store *other,
				    void (*external)(const char *sql))
{
	gofn_err e = {0};
	gofn_function f, got;
	char name[64];

	assert_int_equal(gofn_store_tenant_add(s, "t1", "h1", &e), 0);
	make_fn(&f, "fn_old", "t1", "aaaa");
	assert_int_equal(gofn_store_fn_add(s, &f, &e), 0);
	for (int i = 0; i < 2; i++) { /* the second answer comes from the cache */
		assert_int_equal(gofn_store_tenant_by_token(s, "h1", name, sizeof name, &e), 0);
		assert_string_equal(name, "t1");
		assert_int_equal(gofn_store_fn_newest_with(s, "t1", "main.Zed", &got, &e), 0);
		assert_string_equal(got.id, "fn_old");
		assert_int_equal(got.nobjs, 2);
		assert_string_equal(got.objs[0].sha256, "lib-aaaa");
		assert_string_equal(got.objs[1].sha256, "aaaa");
		assert_string_equal(got.go_version, "go1.26.8");
		assert_int_equal(got.nsymbols, 3);
		assert_string_equal(got.symbols[1].signature, "func(string) string");
		gofn_function_clear(&got);
	}
	/* a new deploy and a deletion through the other handle: at once */
	make_fn(&f, "fn_new", "t1", "bbbb");
	assert_int_equal(gofn_store_fn_add(other, &f, &e), 0);
	assert_int_equal(gofn_store_fn_newest_with(s, "t1", "main.Zed", &got, &e), 0);
	assert_string_equal(got.id, "fn_new");
	gofn_function_clear(&got);
	assert_int_equal(gofn_store_fn_del(other, "t1", "fn_new", &e), 0);
	assert_int_equal(gofn_store_fn_newest_with(s, "t1", "main.Zed", &got, &e), 0);
	assert_string_equal(got.id, "fn_old");
	gofn_function_clear(&got);
	assert_int_equal(gofn_store_tenant_add(other, "t2", "h2", &e), 0);
	assert_int_equal(gofn_store_tenant_by_token(s, "h2", name, sizeof name, &e), 0);
	assert_int_equal(gofn_store_tenant_del(other, "t2", &e), 0);
	assert_int_equal(gofn_store_tenant_by_token(s, "h2", name, sizeof name, &e), 1);

	/* another process deletes the function, then the tenant: seen within the bound */
	assert_int_equal(gofn_store_fn_newest_with(s, "t1", "main.Zed", &got, &e), 0);
	gofn_function_clear(&got);
	external("DELETE FROM functions WHERE id = 'fn_old'");
	assert_true(poll_gone(s, 0));
	assert_int_equal(gofn_store_tenant_by_token(s, "h1", name, sizeof name, &e), 0);
	external("DELETE FROM tenants WHERE name = 't1'");
	assert_true(poll_gone(s, 1));
	gofn_store_close(other);
	gofn_store_close(s);
}

/* Tenants: unique names and tokens, lookup by token hash, listing in
 * byte order with a creation time, deletion once. */
static void contract_tenants(gofn_store *s)
{
	gofn_err e = {0};
	char name[64];

	assert_int_equal(gofn_store_tenant_add(s, "zulu", "hash-z", &e), 0);
	assert_int_equal(gofn_store_tenant_add(s, "Acme", "hash-a", &e), 0);
	assert_int_equal(gofn_store_tenant_add(s, "Acme", "hash-x", &e), 1);
	assert_int_equal(gofn_store_tenant_add(s, "bravo", "hash-a", &e), 1); /* token unique */
	assert_int_equal(gofn_store_tenant_by_token(s, "hash-a", name, sizeof name, &e), 0);
	assert_string_equal(name, "Acme");
	assert_int_equal(gofn_store_tenant_by_token(s, "nope", name, sizeof name, &e), 1);
	gofn_tenant_row *l;
	size_t nl;
	assert_int_equal(gofn_store_tenant_list(s, &l, &nl, &e), 0);
	assert_int_equal(nl, 2);
	/* byte order, as SQLite sorts: upper case first */
	assert_string_equal(l[0].name, "Acme");
	assert_true(l[0].created > 0);
	free(l);
	assert_int_equal(gofn_store_tenant_del(s, "Acme", &e), 0);
	assert_int_equal(gofn_store_tenant_del(s, "Acme", &e), 1);
	gofn_store_close(s);
}

/* Functions: link order of objects and definition order of symbols kept,
 * per-tenant visibility, newest-with-symbol, counts, object references,
 * and a tenant's deletion taking everything of it. */
static void contract_functions(gofn_store *s)
{
	gofn_err e = {0};
	gofn_function f, g;
	int64_t n;

	assert_int_equal(gofn_store_tenant_add(s, "acme", "ha", &e), 0);
	assert_int_equal(gofn_store_tenant_add(s, "bravo", "hb", &e), 0);
	make_fn(&f, "fn_1", "acme", "s1");
	assert_int_equal(gofn_store_fn_add(s, &f, &e), 0);
	make_fn(&f, "fn_2", "acme", "s2");
	assert_int_equal(gofn_store_fn_add(s, &f, &e), 0);
	make_fn(&f, "fn_3", "bravo", "s1");
	assert_int_equal(gofn_store_fn_add(s, &f, &e), 0);

	assert_int_equal(gofn_store_fn_get(s, "acme", "fn_1", &g, &e), 0);
	assert_string_equal(g.id, "fn_1");
	assert_int_equal(g.size, 30);
	assert_int_equal(g.created, 1700000000);
	assert_int_equal(g.nobjs, 2); /* link order kept */
	assert_string_equal(g.objs[0].sha256, "lib-s1");
	assert_int_equal(g.objs[0].size, 20);
	assert_string_equal(g.objs[1].sha256, "s1");
	assert_int_equal(g.nsymbols, 3); /* definition order kept, not name order */
	assert_string_equal(g.symbols[1].name, "main.Zed");
	assert_string_equal(g.symbols[1].signature, "func(string) string");
	assert_int_equal(g.symbols[1].sigkind, 2);
	gofn_function_clear(&g);

	assert_int_equal(gofn_store_fn_get(s, "bravo", "fn_1", &g, &e), 1); /* another tenant's */
	assert_int_equal(gofn_store_fn_newest_with(s, "acme", "main.Zed", &g, &e), 0);
	assert_string_equal(g.id, "fn_2");
	gofn_function_clear(&g);
	assert_int_equal(gofn_store_fn_newest_with(s, "acme", "main.Nope", &g, &e), 1);
	assert_int_equal(gofn_store_fn_count(s, "acme", &n, &e), 0);
	assert_int_equal(n, 2);
	gofn_strlist ids;
	assert_int_equal(gofn_store_fn_ids(s, "acme", &ids, &e), 0);
	assert_int_equal(ids.n, 2);
	assert_string_equal(ids.v[0], "fn_1");
	gofn_strlist_free(&ids);
	assert_int_equal(gofn_store_sha_refs(s, "s1", &n, &e), 0);
	assert_int_equal(n, 2);
	gofn_strlist shas;
	assert_int_equal(gofn_store_all_shas(s, &shas, &e), 0);
	assert_int_equal(shas.n, 4); /* s1 s2 lib-s1 lib-s2 */
	gofn_strlist_free(&shas);

	assert_int_equal(gofn_store_fn_del(s, "bravo", "fn_1", &e), 1);
	assert_int_equal(gofn_store_fn_del(s, "acme", "fn_1", &e), 0);
	assert_int_equal(gofn_store_sha_refs(s, "s1", &n, &e), 0);
	assert_int_equal(n, 1);
	/* a tenant's deletion takes its functions, objects and symbols */
	assert_int_equal(gofn_store_tenant_del(s, "bravo", &e), 0);
	assert_int_equal(gofn_store_sha_refs(s, "s1", &n, &e), 0);
	assert_int_equal(n, 0);
	gofn_store_close(s);
}

/* Named versions: numbering per name and tenant, the current version
 * (newest, or rolled back to), lookup by name, name@N and id, objects a
 * tenant may reference by digest, and names following deletions. */
static void contract_named_versions(gofn_store *s)
{
	gofn_err e = {0};
	gofn_function f, g;
	gofn_strlist ids;
	int64_t cur;
	int owned;

	assert_int_equal(gofn_store_tenant_add(s, "acme", "ha", &e), 0);
	assert_int_equal(gofn_store_tenant_add(s, "bravo", "hb", &e), 0);
	make_fn(&f, "fn_a1", "acme", "s1");
	snprintf(f.name, sizeof f.name, "app");
	assert_int_equal(gofn_store_fn_add_version(s, &f, NULL, &e), 0);
	assert_int_equal(f.version, 1);
	/* based on a current version that moved (a concurrent deploy came
	 * first): a conflict, nothing stored */
	make_fn(&f, "fn_ax", "acme", "s2");
	snprintf(f.name, sizeof f.name, "app");
	assert_int_equal(gofn_store_fn_add_version(s, &f, NULL, &e), -1);
	assert_int_equal(e.code, GOFN_ESTALE);
	assert_int_equal(gofn_store_fn_resolve(s, "acme", "fn_ax", &g, &e), 1);
	make_fn(&f, "fn_a2", "acme", "s2");
	snprintf(f.name, sizeof f.name, "app");
	f.version = 1; /* the current version it was compared with */
	assert_int_equal(gofn_store_fn_add_version(s, &f, NULL, &e), 0);
	assert_int_equal(f.version, 2);
	make_fn(&f, "fn_b1", "bravo", "s3"); /* the same name, another tenant: its own 1 */
	snprintf(f.name, sizeof f.name, "app");
	assert_int_equal(gofn_store_fn_add_version(s, &f, NULL, &e), 0);
	assert_int_equal(f.version, 1);

	assert_int_equal(gofn_store_fn_by_name(s, "acme", "app", 0, &g, &e), 0);
	assert_string_equal(g.id, "fn_a2");
	assert_string_equal(g.name, "app");
	assert_int_equal(g.version, 2);
	assert_int_equal(g.current, 1);
	assert_int_equal(g.nobjs, 2);
	gofn_function_clear(&g);
	assert_int_equal(gofn_store_fn_resolve(s, "acme", "app@1", &g, &e), 0);
	assert_string_equal(g.id, "fn_a1");
	assert_int_equal(g.current, 0);
	gofn_function_clear(&g);
	assert_int_equal(gofn_store_fn_resolve(s, "acme", "fn_a1", &g, &e), 0);
	assert_int_equal(g.version, 1);
	gofn_function_clear(&g);
	assert_int_equal(gofn_store_fn_resolve(s, "acme", "app@3", &g, &e), 1);
	assert_int_equal(gofn_store_fn_resolve(s, "acme", "app@x", &g, &e), 1);
	assert_int_equal(gofn_store_fn_resolve(s, "acme", "nope", &g, &e), 1);
	assert_int_equal(gofn_store_fn_resolve(s, "bravo", "fn_a1", &g, &e), 1);

	/* rollback */
	assert_int_equal(gofn_store_fn_set_current(s, "acme", "app", 1, &e), 0);
	assert_int_equal(gofn_store_fn_set_current(s, "acme", "app", 7, &e), 1);
	assert_int_equal(gofn_store_fn_set_current(s, "bravo", "nope", 1, &e), 1);
	assert_int_equal(gofn_store_fn_resolve(s, "acme", "app", &g, &e), 0);
	assert_string_equal(g.id, "fn_a1");
	assert_int_equal(g.current, 1);
	gofn_function_clear(&g);
	assert_int_equal(gofn_store_fn_versions(s, "acme", "app", &ids, &cur, &e), 0);
	assert_int_equal(ids.n, 2);
	assert_string_equal(ids.v[0], "fn_a1");
	assert_string_equal(ids.v[1], "fn_a2");
	assert_int_equal(cur, 1);
	gofn_strlist_free(&ids);
	assert_int_equal(gofn_store_fn_versions(s, "acme", "nope", &ids, &cur, &e), 1);

	/* objects by digest: only the tenant's own */
	assert_int_equal(gofn_store_obj_owned(s, "acme", "lib-s1", &owned, &e), 0);
	assert_int_equal(owned, 1);
	assert_int_equal(gofn_store_obj_owned(s, "acme", "s3", &owned, &e), 0);
	assert_int_equal(owned, 0);

	/* the current version's deletion: the name falls back to its newest */
	assert_int_equal(gofn_store_fn_del(s, "acme", "fn_a1", &e), 0);
	assert_int_equal(gofn_store_fn_names_tidy(s, "acme", &e), 0);
	assert_int_equal(gofn_store_fn_resolve(s, "acme", "app", &g, &e), 0);
	assert_string_equal(g.id, "fn_a2");
	gofn_function_clear(&g);
	/* numbering goes on past the highest left */
	make_fn(&f, "fn_a3", "acme", "s4");
	snprintf(f.name, sizeof f.name, "app");
	f.version = 2;
	assert_int_equal(gofn_store_fn_add_version(s, &f, NULL, &e), 0);
	assert_int_equal(f.version, 3);
	/* every version gone: so is the name */
	assert_int_equal(gofn_store_fn_del(s, "acme", "fn_a2", &e), 0);
	assert_int_equal(gofn_store_fn_del(s, "acme", "fn_a3", &e), 0);
	assert_int_equal(gofn_store_fn_names_tidy(s, "acme", &e), 0);
	assert_int_equal(gofn_store_fn_versions(s, "acme", "app", &ids, &cur, &e), 1);
	assert_int_equal(gofn_store_fn_resolve(s, "bravo", "app", &g, &e), 0);
	assert_string_equal(g.id, "fn_b1");
	gofn_function_clear(&g);
	/* configuration: replaced whole, by key, gone with the name */
	gofn_config_row cfg[2] = {{"B", "two", 1}, {"A", "one", 0}}, *got;
	size_t ng;
	assert_int_equal(gofn_store_fn_config_set(s, "bravo", "app", cfg, 2, &e), 0);
	assert_int_equal(gofn_store_fn_config_get(s, "bravo", "app", &got, &ng, &e), 0);
	assert_int_equal(ng, 2);
	assert_string_equal(got[0].key, "A");
	assert_string_equal(got[0].value, "one");
	assert_int_equal(got[1].secret, 1);
	gofn_config_rows_free(got, ng);
	assert_int_equal(gofn_store_fn_config_set(s, "bravo", "app", cfg + 1, 1, &e), 0);
	assert_int_equal(gofn_store_fn_config_get(s, "bravo", "app", &got, &ng, &e), 0);
	assert_int_equal(ng, 1);
	gofn_config_rows_free(got, ng);
	assert_int_equal(gofn_store_fn_config_get(s, "acme", "app", &got, &ng, &e), 0);
	assert_int_equal(ng, 0); /* another tenant's name */
	assert_int_equal(gofn_store_fn_del(s, "bravo", "fn_b1", &e), 0);
	assert_int_equal(gofn_store_fn_names_tidy(s, "bravo", &e), 0);
	assert_int_equal(gofn_store_fn_config_get(s, "bravo", "app", &got, &ng, &e), 0);
	assert_int_equal(ng, 0);
	/* a tenant's deletion takes its names */
	assert_int_equal(gofn_store_tenant_del(s, "bravo", &e), 0);
	assert_int_equal(gofn_store_tenant_add(s, "bravo", "hb2", &e), 0);
	assert_int_equal(gofn_store_fn_versions(s, "bravo", "app", &ids, &cur, &e), 1);
	gofn_store_close(s);
}

static void make_inv(gofn_inv_row *r, const char *id, const char *tenant, int64_t created)
{
	static uint8_t input[] = {0, 0xff, 'a', 'b'}; /* not text: bytes survive the store */

	memset(r, 0, sizeof *r);
	snprintf(r->id, sizeof r->id, "%s", id);
	snprintf(r->tenant, sizeof r->tenant, "%s", tenant);
	snprintf(r->function, sizeof r->function, "fn_x");
	snprintf(r->symbol, sizeof r->symbol, "main.Handle");
	r->timeout_ms = 1000;
	r->created_ms = created;
	r->input = input;
	r->input_len = sizeof input;
}

static void expect_inv(gofn_store *s, const char *tenant, const char *id, const char *state,
		       int attempt)
{
	gofn_err e = {0};
	gofn_inv_row r;

	assert_int_equal(gofn_store_inv_get(s, tenant, id, &r, &e), 0);
	assert_string_equal(r.state, state);
	assert_int_equal(r.attempt, attempt);
	gofn_inv_row_clear(&r);
}

/* Invocation rows: the per-tenant queue limit, claims that skip what is
 * claimed and take back what lapsed, a lapsed claimer's finish refused,
 * requeue, the record of sync calls, listing with filters, retention, and
 * a tenant's deletion taking its rows. */
static void contract_invocations(gofn_store *s)
{
	gofn_err e = {0};
	gofn_inv_row r, c;
	int64_t q, run;

	assert_int_equal(gofn_store_inv_setup(s, &e), 0);
	assert_int_equal(gofn_store_tenant_add(s, "acme", "ha", &e), 0);
	assert_int_equal(gofn_store_tenant_add(s, "bravo", "hb", &e), 0);
	make_inv(&r, "inv_1", "acme", 100);
	assert_int_equal(gofn_store_inv_add(s, &r, 2, &e), 0);
	make_inv(&r, "inv_2", "acme", 101);
	assert_int_equal(gofn_store_inv_add(s, &r, 2, &e), 0);
	make_inv(&r, "inv_3", "acme", 102);
	assert_int_equal(gofn_store_inv_add(s, &r, 2, &e), 2); /* acme's queue is full */
	make_inv(&r, "inv_b", "bravo", 103);
	assert_int_equal(gofn_store_inv_add(s, &r, 2, &e), 0); /* bravo's is its own */
	assert_int_equal(gofn_store_inv_get(s, "bravo", "inv_1", &c, &e), 1);
	expect_inv(s, "acme", "inv_1", "queued", 0);

	char(*ready)[64];
	size_t n;
	assert_int_equal(gofn_store_inv_ready(s, 1000, &ready, &n, &e), 0);
	assert_int_equal(n, 2);
	free(ready);
	/* oldest first, input intact, one claimer per row */
	assert_int_equal(gofn_store_inv_claim(s, "acme", "o1", 1000, 100, &c, &e), 0);
	assert_string_equal(c.id, "inv_1");
	assert_int_equal(c.attempt, 1);
	assert_int_equal(c.input_len, 4);
	assert_memory_equal(c.input, r.input, 4);
	gofn_inv_row_clear(&c);
	assert_int_equal(gofn_store_inv_claim(s, "acme", "o2", 1000, 100, &c, &e), 0);
	assert_string_equal(c.id, "inv_2");
	gofn_inv_row_clear(&c);
	assert_int_equal(gofn_store_inv_claim(s, "acme", "o1", 1050, 100, &c, &e), 1);
	/* o2 renews, o1 does not: at 1200 only inv_1's claim has lapsed */
	assert_int_equal(gofn_store_inv_heartbeat(s, "o2", 1500, &e), 0);
	assert_int_equal(gofn_store_inv_claim(s, "acme", "o2", 1200, 100, &c, &e), 0);
	assert_string_equal(c.id, "inv_1");
	assert_int_equal(c.attempt, 2);
	gofn_inv_row_clear(&c);
	/* a claimer late renewing never takes back its own row: it still runs it */
	assert_int_equal(gofn_store_inv_claim(s, "acme", "o2", 1350, 100, &c, &e), 1);
	/* o1's late finish of attempt 1 is refused; o2's of attempt 2 kept */
	make_inv(&r, "inv_1", "acme", 100);
	snprintf(r.owner, sizeof r.owner, "o1");
	r.attempt = 1;
	snprintf(r.status, sizeof r.status, "ok");
	r.outcome = "{\"status\":\"ok\"}";
	r.finished_ms = 1300;
	assert_int_equal(gofn_store_inv_finish(s, &r, &e), 1);
	snprintf(r.owner, sizeof r.owner, "o2");
	r.attempt = 2;
	assert_int_equal(gofn_store_inv_finish(s, &r, &e), 0);
	assert_int_equal(gofn_store_inv_get(s, "acme", "inv_1", &c, &e), 0);
	assert_string_equal(c.state, "done");
	assert_string_equal(c.status, "ok");
	assert_string_equal(c.outcome, "{\"status\":\"ok\"}");
	assert_int_equal(c.finished_ms, 1300);
	gofn_inv_row_clear(&c);
	/* a claim given back unrun gets its attempt back */
	assert_int_equal(gofn_store_inv_requeue(s, "inv_2", "o1", 1, &e), 1); /* not o1's */
	assert_int_equal(gofn_store_inv_requeue(s, "inv_2", "o2", 1, &e), 0);
	expect_inv(s, "acme", "inv_2", "queued", 0);

	/* synchronous records; a deleted tenant's are skipped */
	gofn_inv_row recs[2];
	make_inv(&recs[0], "sync_1", "acme", 1400);
	make_inv(&recs[1], "sync_2", "ghost", 1400);
	for (int i = 0; i < 2; i++) {
		snprintf(recs[i].status, sizeof recs[i].status, "error");
		recs[i].finished_ms = 1401;
	}
	assert_int_equal(gofn_store_inv_record(s, recs, 2, &e), 0);
	assert_int_equal(gofn_store_inv_get(s, "acme", "sync_1", &c, &e), 0);
	assert_string_equal(c.mode, "sync");
	assert_string_equal(c.status, "error");
	assert_null(c.outcome);
	gofn_inv_row_clear(&c);
	assert_int_equal(gofn_store_inv_get(s, "ghost", "sync_2", &c, &e), 1);

	gofn_inv_row *rows;
	gofn_inv_filter f = {.tenant = "acme", .limit = 10};
	assert_int_equal(gofn_store_inv_list(s, &f, &rows, &n, &e), 0);
	assert_int_equal(n, 3); /* newest first */
	assert_string_equal(rows[0].id, "sync_1");
	assert_string_equal(rows[2].id, "inv_1");
	gofn_inv_rows_free(rows, n);
	f.status = "queued";
	assert_int_equal(gofn_store_inv_list(s, &f, &rows, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].id, "inv_2");
	gofn_inv_rows_free(rows, n);
	f.status = "ok";
	f.function = "fn_y";
	assert_int_equal(gofn_store_inv_list(s, &f, &rows, &n, &e), 0);
	assert_int_equal(n, 0);
	gofn_inv_rows_free(rows, n);
	assert_int_equal(gofn_store_inv_counts(s, &q, &run, &e), 0);
	assert_int_equal(q, 2); /* inv_2, inv_b */
	assert_int_equal(run, 0);

	/* retention: one of each mode is within keep 1; all are past a TTL */
	assert_int_equal(gofn_store_inv_expire(s, 0, 1, &e), 0);
	expect_inv(s, "acme", "inv_1", "done", 2);
	assert_int_equal(gofn_store_inv_expire(s, 5000, 1000, &e), 0);
	assert_int_equal(gofn_store_inv_get(s, "acme", "inv_1", &c, &e), 1);
	assert_int_equal(gofn_store_inv_get(s, "acme", "sync_1", &c, &e), 1);
	expect_inv(s, "acme", "inv_2", "queued", 0); /* never a queued one */

	assert_int_equal(gofn_store_tenant_del(s, "acme", &e), 0);
	assert_int_equal(gofn_store_inv_get(s, "acme", "inv_2", &c, &e), 1);
	gofn_store_close(s);
}

#endif
