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

#include "server/store.h"

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
	make_fn(&f, "fn_a2", "acme", "s2");
	snprintf(f.name, sizeof f.name, "app");
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

#endif
