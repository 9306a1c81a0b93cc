/* gofnd's metadata store and object files: tenants, token lookup,
 * per-tenant isolation of functions, reference counts for shared objects,
 * persistence across reopen, and the durable object writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "server/config.h"
#include "server/crypto.h"
#include "server/objects.h"
#include "server/store.h"
#include "server/store_cache.h"
#include "tests/unit/store_contract.h"
#include "tests/unit/tmpdir.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	return tmpdir_make(dir, sizeof dir, "store");
}

static int teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

static gofn_store *open_store(void)
{
	char path[128];
	gofn_store *s = NULL;
	gofn_err e = {0};

	snprintf(path, sizeof path, "%s/gofn.db", dir);
	assert_int_equal(gofn_store_open(path, &s, &e), 0);
	return s;
}

static void tenants_and_tokens(void **state)
{
	(void)state;
	contract_tenants(open_store());
}

static void tenant_settings(void **state)
{
	(void)state;
	contract_tenant_settings(open_store());
}

/* A database from before per-tenant settings gets their tables at open. */
static void migrates_tenant_settings(void **state)
{
	gofn_store *s = open_store();
	gofn_err e = {0};
	gofn_tenant_row t;
	sqlite3 *db;
	char path[128];
	unsigned uid;

	(void)state;
	snprintf(path, sizeof path, "%s/gofn.db", dir);
	assert_int_equal(gofn_store_tenant_add(s, "acme", "ha", &e), 0);
	gofn_store_close(s);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(db, "DROP TABLE tenant_cpu; DROP TABLE tenant_uids;", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	s = open_store();
	assert_int_equal(gofn_store_tenant_get(s, "acme", &t, &e), 0);
	assert_int_equal(t.cpu_weight, 0);
	assert_int_equal(t.cpu_quota, -1);
	assert_int_equal(gofn_store_tenant_cpu_set(s, "acme", 300, 250, &e), 0);
	assert_int_equal(gofn_store_tenant_uid(s, "acme", 700000, 5, &uid, &e), 0);
	gofn_store_close(s);
	s = open_store(); /* kept across a restart */
	assert_int_equal(gofn_store_tenant_get(s, "acme", &t, &e), 0);
	assert_int_equal(t.cpu_weight, 300);
	assert_int_equal(t.cpu_quota, 250);
	assert_int_equal(t.uid, uid);
	gofn_store_close(s);
}

static void functions_are_per_tenant(void **state)
{
	(void)state;
	contract_functions(open_store());
}

/* Secrets at rest: what gofn_seal wrote opens only with the same key and
 * the same row (aad), and a changed byte is refused. */
static void sealed_values(void **state)
{
	unsigned char key[32] = {1, 2, 3}, other[32] = {9};
	gofn_err e = {0};
	size_t n;

	(void)state;
	char *s = gofn_seal(key, "t\nname\nK", "s3cr3t", 6, &e);
	assert_non_null(s);
	assert_null(strstr(s, "s3cr3t"));
	char *p = gofn_unseal(key, "t\nname\nK", s, &n, &e);
	assert_non_null(p);
	assert_int_equal(n, 6);
	assert_string_equal(p, "s3cr3t");
	free(p);
	assert_null(gofn_unseal(other, "t\nname\nK", s, &n, &e));
	assert_null(gofn_unseal(key, "t\nname\nOTHER", s, &n, &e));
	s[10] = s[10] == 'A' ? 'B' : 'A';
	assert_null(gofn_unseal(key, "t\nname\nK", s, &n, &e));
	assert_null(gofn_unseal(key, "t\nname\nK", "plain", &n, &e));
	free(s);
	char *empty = gofn_seal(key, "a", "", 0, &e);
	p = gofn_unseal(key, "a", empty, &n, &e);
	assert_non_null(p);
	assert_int_equal(n, 0);
	free(p);
	free(empty);
}

static void named_versions(void **state)
{
	(void)state;
	contract_named_versions(open_store());
}

/* A database from before named versions (no fn_versions, fn_names) gains
 * them when opened; its functions stay, unnamed. */
static void migrates_to_named_versions(void **state)
{
	gofn_store *s = open_store();
	gofn_err e = {0};
	gofn_function f, g;
	sqlite3 *db;
	char path[128];

	(void)state;
	snprintf(path, sizeof path, "%s/gofn.db", dir);
	assert_int_equal(gofn_store_tenant_add(s, "acme", "ha", &e), 0);
	make_fn(&f, "fn_old", "acme", "s1");
	assert_int_equal(gofn_store_fn_add(s, &f, &e), 0);
	gofn_store_close(s);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(db, "DROP TABLE fn_versions; DROP TABLE fn_names;", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	s = open_store();
	assert_int_equal(gofn_store_fn_get(s, "acme", "fn_old", &g, &e), 0);
	assert_string_equal(g.name, "");
	assert_int_equal(g.version, 0);
	gofn_function_clear(&g);
	make_fn(&f, "fn_new", "acme", "s2");
	snprintf(f.name, sizeof f.name, "app");
	assert_int_equal(gofn_store_fn_add_version(s, &f, NULL, &e), 0);
	assert_int_equal(f.version, 1);
	gofn_store_close(s);
}

static void invocation_rows(void **state)
{
	(void)state;
	contract_invocations(open_store());
}

/* One gofnd per SQLite data dir: at start, every claim left running is
 * the dead predecessor's and becomes claimable at once. */
static void recover_lapses_claims(void **state)
{
	gofn_store *s = open_store();
	gofn_err e = {0};
	gofn_inv_row r, c;

	(void)state;
	assert_int_equal(gofn_store_inv_setup(s, &e), 0);
	assert_int_equal(gofn_store_tenant_add(s, "acme", "ha", &e), 0);
	make_inv(&r, "inv_1", "acme", 100);
	assert_int_equal(gofn_store_inv_add(s, &r, 10, &e), 0);
	assert_int_equal(gofn_store_inv_claim(s, "acme", "dead", 1000, 60000, &c, &e), 0);
	gofn_inv_row_clear(&c);
	assert_int_equal(gofn_store_inv_claim(s, "acme", "new", 2000, 60000, &c, &e), 1);
	assert_int_equal(gofn_store_inv_recover(s, &e), 0);
	assert_int_equal(gofn_store_inv_claim(s, "acme", "new", 2000, 60000, &c, &e), 0);
	assert_int_equal(c.attempt, 2);
	gofn_inv_row_clear(&c);
	gofn_store_close(s);
}

/* Another process's commit: a connection of its own, not a gofn_store. */
static void sqlite_external(const char *q)
{
	char path[128];
	sqlite3 *db;

	snprintf(path, sizeof path, "%s/gofn.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 10000);
	assert_int_equal(sqlite3_exec(db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, q, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* Column col of q's first row on the store's file, as text ("" if none). */
static void sqlite_value(const char *q, int col, char *out, size_t cap)
{
	char path[128];
	sqlite3 *db;
	sqlite3_stmt *st;

	snprintf(path, sizeof path, "%s/gofn.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
	out[0] = 0;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, col))
		snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, col));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* A database made with the full queue index gets the partial one at open:
 * a queued row is in it and still claimed, a synchronous call's record is
 * not in it, and the dispatcher's query of ready tenants searches it. */
static void migrates_queue_index(void **state)
{
	gofn_store *s = open_store();
	gofn_err e = {0};
	gofn_inv_row r, c;
	char v[512];

	(void)state;
	assert_int_equal(gofn_store_inv_setup(s, &e), 0);
	assert_int_equal(gofn_store_tenant_add(s, "acme", "ha", &e), 0);
	gofn_store_close(s);
	sqlite_external("DROP INDEX invocations_state;"
			"CREATE INDEX invocations_state ON invocations(state, tenant, seq)");
	s = open_store();
	make_inv(&r, "inv_q", "acme", 100);
	assert_int_equal(gofn_store_inv_add(s, &r, 10, &e), 0); /* queued with the old index */
	assert_int_equal(gofn_store_inv_setup(s, &e), 0);
	sqlite_value("SELECT sql FROM sqlite_master WHERE name = 'invocations_state'", 0, v,
		     sizeof v);
	assert_non_null(strstr(v, "WHERE state IN ('queued', 'running')"));
	make_inv(&r, "inv_s", "acme", 200);
	snprintf(r.status, sizeof r.status, "ok");
	assert_int_equal(gofn_store_inv_record(s, &r, 1, &e), 0);
	sqlite_value("SELECT count(*) FROM invocations INDEXED BY invocations_state"
		     " WHERE state IN ('queued', 'running')",
		     0, v, sizeof v);
	assert_string_equal(v, "1"); /* the queued row, not the record */
	sqlite_value("SELECT count(*) FROM invocations", 0, v, sizeof v);
	assert_string_equal(v, "2");
	sqlite_value("EXPLAIN QUERY PLAN SELECT DISTINCT tenant FROM invocations WHERE"
		     " state IN ('queued', 'running') AND (state = 'queued' OR"
		     " (state = 'running' AND lease_until < 5))",
		     3, v, sizeof v);
	assert_non_null(strstr(v, "USING INDEX invocations_state"));
	assert_int_equal(gofn_store_inv_claim(s, "acme", "me", 1000, 60000, &c, &e), 0);
	assert_string_equal(c.id, "inv_q");
	gofn_inv_row_clear(&c);
	gofn_store_close(s);
}

/* The recorder's rows go in chunks of 16 in one INSERT: a chunk with a
 * row whose tenant is gone (its foreign key) is written row by row with
 * that row skipped, an id twice keeps its first row, the rows past the
 * last chunk go one by one, and every field reads back. */
static void records_in_chunks(void **state)
{
	gofn_store *s = open_store();
	gofn_err e = {0};
	enum { N = 51 };
	gofn_inv_row rows[N], got;

	(void)state;
	assert_int_equal(gofn_store_inv_setup(s, &e), 0);
	assert_int_equal(gofn_store_tenant_add(s, "acme", "ha", &e), 0);
	for (int i = 0; i < N; i++) {
		char id[16];
		snprintf(id, sizeof id, "inv_c%02d", i == 9 ? 3 : i);
		make_inv(&rows[i], id, i == 20 ? "gone" : "acme", 1000 + i);
		rows[i].input = NULL;
		rows[i].input_len = 0;
		snprintf(rows[i].status, sizeof rows[i].status, "%s", i == 9 ? "panic" : "ok");
		snprintf(rows[i].error, sizeof rows[i].error, "e\"%d", i);
		rows[i].exit_code = i;
		rows[i].duration_us = 10 * i;
		rows[i].finished_ms = 2000 + i;
	}
	assert_int_equal(gofn_store_inv_record(s, rows, N, &e), 0);
	for (int i = 0; i < N; i++) {
		if (i == 9)
			continue; /* inv_c03's second row */
		int rc = gofn_store_inv_get(s, "acme", rows[i].id, &got, &e);
		if (i == 20) {
			assert_int_equal(rc, 1);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_string_equal(got.status, "ok");
		assert_string_equal(got.mode, "sync");
		assert_string_equal(got.state, "done");
		assert_string_equal(got.error, rows[i].error);
		assert_string_equal(got.function, "fn_x");
		assert_string_equal(got.symbol, "main.Handle");
		assert_int_equal(got.exit_code, i);
		assert_int_equal(got.duration_us, 10 * i);
		assert_int_equal(got.created_ms, 1000 + i);
		assert_int_equal(got.started_ms, 1000 + i);
		assert_int_equal(got.finished_ms, 2000 + i);
		assert_int_equal(got.timeout_ms, 1000);
		gofn_inv_row_clear(&got);
	}
	gofn_store_close(s);
}

static void cached_lookups_follow_writes(void **state)
{
	(void)state;
	gofn_store *s = open_store();
	contract_cached_lookups(s, open_store(), sqlite_external);
}

/* The cache's bound, on a clock the test moves: an answer is given for
 * ttl_ms after it was read and not from then on, never after a write,
 * and never when it was read before a write that ended before it was
 * stored. Keys that would concatenate alike stay apart. */
static void cache_bound(void **state)
{
	gofn_store_cache *c = gofn_store_cache_new(1000);
	gofn_function f, got;
	char name[64];

	(void)state;
	assert_non_null(c);
	uint64_t gen = gofn_store_cache_gen();
	gofn_store_cache_put_token(c, "h1", "t1", gen, 5000);
	assert_int_equal(gofn_store_cache_token(c, "h1", name, sizeof name, 5000), 1);
	assert_string_equal(name, "t1");
	assert_int_equal(gofn_store_cache_token(c, "h1", name, sizeof name, 5999), 1);
	assert_int_equal(gofn_store_cache_token(c, "h1", name, sizeof name, 6000), 0);
	assert_int_equal(gofn_store_cache_token(c, "h1", name, sizeof name, 4999), 0);
	assert_int_equal(gofn_store_cache_token(c, "h2", name, sizeof name, 5000), 0);
	assert_int_equal(gofn_store_cache_token(c, "h1", name, 2, 5000), 0); /* does not fit */

	make_fn(&f, "fn1", "ab", "aaaa");
	gofn_store_cache_put_fn(c, "ab", "", &f, gen, 5000);
	assert_int_equal(gofn_store_cache_fn(c, "a", "b", &got, 5000), 0);
	assert_int_equal(gofn_store_cache_fn(c, "ab", "", &got, 5000), 1);
	assert_string_equal(got.id, "fn1");
	assert_int_equal(got.nobjs, 2);
	assert_string_equal(got.objs[1].sha256, "aaaa");
	assert_int_equal(got.created, 1700000000);
	assert_string_equal(got.symbols[2].name, "main.Add");
	gofn_function_clear(&got);
	gofn_store_cache_put_fn(c, "other", "x", &f, gen, 5000); /* f is ab's: not kept */
	assert_int_equal(gofn_store_cache_fn(c, "other", "x", &got, 5000), 0);

	gofn_store_cache_written();
	assert_int_equal(gofn_store_cache_token(c, "h1", name, sizeof name, 5000), 0);
	assert_int_equal(gofn_store_cache_fn(c, "ab", "", &got, 5000), 0);
	gofn_store_cache_put_token(c, "h1", "t1", gen, 5000); /* read before the write */
	assert_int_equal(gofn_store_cache_token(c, "h1", name, sizeof name, 5000), 0);
	gofn_store_cache_put_token(c, "h1", "t1", gofn_store_cache_gen(), 5000);
	assert_int_equal(gofn_store_cache_token(c, "h1", name, sizeof name, 5000), 1);
	gofn_store_cache_free(c);
}

/* 1,000 tenants' tokens and functions all stay cached (issue 16 target 3
 * calls 1,000 tenants in turn): keys that share a hash bucket do not evict
 * each other. A direct-mapped table of 1,024 slots kept about 700. */
static void cache_holds_1000_tenants(void **state)
{
	gofn_store_cache *c = gofn_store_cache_new(1000);
	gofn_function f, got;
	char tok[32], ten[32], name[64];
	int toks = 0, fns = 0;

	(void)state;
	assert_non_null(c);
	uint64_t gen = gofn_store_cache_gen();
	for (int i = 0; i < 1000; i++) {
		snprintf(tok, sizeof tok, "tok%04d", i);
		snprintf(ten, sizeof ten, "t%d", i);
		gofn_store_cache_put_token(c, tok, ten, gen, 5000);
		make_fn(&f, "fn", ten, "aaaa");
		gofn_store_cache_put_fn(c, ten, "main.Handle", &f, gen, 5000);
	}
	for (int i = 0; i < 1000; i++) {
		snprintf(tok, sizeof tok, "tok%04d", i);
		snprintf(ten, sizeof ten, "t%d", i);
		if (gofn_store_cache_token(c, tok, name, sizeof name, 5500) &&
		    strcmp(name, ten) == 0)
			toks++;
		if (gofn_store_cache_fn(c, ten, "main.Handle", &got, 5500)) {
			fns += strcmp(got.tenant, ten) == 0;
			gofn_function_clear(&got);
		}
	}
	assert_int_equal(toks, 1000);
	assert_int_equal(fns, 1000);
	gofn_store_cache_free(c);
}

static void survives_reopen(void **state)
{
	gofn_store *s = open_store();
	gofn_err e = {0};
	gofn_function f, got;
	char name[64];

	(void)state;
	assert_int_equal(gofn_store_tenant_add(s, "keep", "hk", &e), 0);
	make_fn(&f, "fn_k", "keep", "bbbb");
	assert_int_equal(gofn_store_fn_add(s, &f, &e), 0);
	gofn_store_close(s);
	s = open_store();
	assert_int_equal(gofn_store_tenant_by_token(s, "hk", name, sizeof name, &e), 0);
	assert_int_equal(gofn_store_fn_get(s, "keep", "fn_k", &got, &e), 0);
	assert_string_equal(got.symbols[2].signature, "func(int, int) int");
	assert_int_equal(got.symbols[2].sigkind, 0);
	gofn_function_clear(&got);
	gofn_store_close(s);
}

static void objects_are_durable_and_bounded(void **state)
{
	gofn_err e = {0};
	uint8_t *p = NULL;
	size_t n = 0;
	char tmp[128];

	(void)state;
	assert_int_equal(gofn_objects_init(dir, &e), 0);
	snprintf(tmp, sizeof tmp, "%s/objects/tmp.leftover", dir);
	FILE *fp = fopen(tmp, "w");
	assert_non_null(fp);
	fclose(fp);
	assert_int_equal(gofn_objects_init(dir, &e), 0); /* crash leftovers go */
	assert_int_not_equal(access(tmp, F_OK), 0);

	assert_int_equal(gofn_objects_put(dir, "cafe", (const uint8_t *)"bytes", 5, &e), 0);
	assert_int_equal(gofn_objects_get(dir, "cafe", 100, &p, &n, &e), 0);
	assert_int_equal(n, 5);
	assert_memory_equal(p, "bytes", 5);
	free(p);
	assert_int_equal(gofn_objects_get(dir, "cafe", 4, &p, &n, &e), -1); /* over the cap */
	gofn_objects_remove(dir, "cafe");
	assert_int_equal(gofn_objects_get(dir, "cafe", 100, &p, &n, &e), -1);
}

static void config_flags_and_env(void **state)
{
	gofn_config c;
	gofn_err e = {0};
	char *ok[] = {"gofnd", "--listen",  "[::1]:9000", "--workers",
		      "7",     "--sandbox", "auto",	  NULL};
	char *bad_port[] = {"gofnd", "--listen", "127.0.0.1:99999", NULL};
	char *bad_num[] = {"gofnd", "--workers", "0", NULL};
	char *unknown[] = {"gofnd", "--frobnicate", NULL};

	(void)state;
	gofn_config_defaults(&c);
	setenv("GOFN_MAX_OUTPUT", "4096", 1);
	assert_int_equal(gofn_config_load(&c, 7, ok, &e), 0);
	unsetenv("GOFN_MAX_OUTPUT");
	assert_string_equal(c.listen_host, "::1");
	assert_int_equal(c.listen_port, 9000);
	assert_int_equal(c.workers_per_tenant, 7);
	assert_int_equal(c.max_output, 4096);
	assert_int_equal(c.sandbox, -1);
	assert_int_equal(gofn_config_load(&c, 3, bad_port, &e), -1);
	assert_non_null(strstr(e.msg, "bad port"));
	assert_int_equal(gofn_config_load(&c, 3, bad_num, &e), -1);
	assert_int_equal(gofn_config_load(&c, 2, unknown, &e), -1);
	assert_non_null(strstr(e.msg, "--frobnicate"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(tenants_and_tokens, setup, teardown),
	    cmocka_unit_test_setup_teardown(tenant_settings, setup, teardown),
	    cmocka_unit_test_setup_teardown(migrates_tenant_settings, setup, teardown),
	    cmocka_unit_test_setup_teardown(functions_are_per_tenant, setup, teardown),
	    cmocka_unit_test_setup_teardown(named_versions, setup, teardown),
	    cmocka_unit_test(sealed_values),
	    cmocka_unit_test_setup_teardown(migrates_to_named_versions, setup, teardown),
	    cmocka_unit_test_setup_teardown(invocation_rows, setup, teardown),
	    cmocka_unit_test_setup_teardown(recover_lapses_claims, setup, teardown),
	    cmocka_unit_test_setup_teardown(migrates_queue_index, setup, teardown),
	    cmocka_unit_test_setup_teardown(records_in_chunks, setup, teardown),
	    cmocka_unit_test_setup_teardown(cached_lookups_follow_writes, setup, teardown),
	    cmocka_unit_test(cache_bound),
	    cmocka_unit_test(cache_holds_1000_tenants),
	    cmocka_unit_test_setup_teardown(survives_reopen, setup, teardown),
	    cmocka_unit_test_setup_teardown(objects_are_durable_and_bounded, setup, teardown),
	    cmocka_unit_test(config_flags_and_env),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
