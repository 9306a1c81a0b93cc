/* The PostgreSQL store (server/store_pg.c) against a real server: the
 * database named by GOFN_TEST_DATABASE_URL (run_unit.sh starts a throwaway
 * one). Each test works in a fresh schema-less database state: it deletes
 * every tenant first (the cascades empty the other tables).
 * Covers what differs from SQLite: unique conflicts decided by the server
 * between several connections (as between gofnd replicas), a function
 * written whole or not at all, order of symbols and objects, non-UTF-8
 * input, profile rows and retention, object and profile bytes and shared
 * settings (replicas share only the database), reconnect after the server dropped
 * the connection, and schema setup by several processes at once. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "server/store.h"
#include "tests/unit/store_contract.h"

static const char *url;

static gofn_store *open_pg(void)
{
	gofn_config cfg;
	gofn_store *s = NULL;
	gofn_err e = {0};

	memset(&cfg, 0, sizeof cfg);
	snprintf(cfg.store, sizeof cfg.store, "postgres");
	snprintf(cfg.database_url, sizeof cfg.database_url, "%s", url);
	if (gofn_store_open_config(&cfg, "/nonexistent/unused.db", &s, &e) < 0)
		fail_msg("open: %s", e.msg);
	return s;
}

/* Runs SQL on a connection of our own (test setup and inspection). */
static void sql(const char *q)
{
	PGconn *c = PQconnectdb(url);
	PGresult *r = PQexec(c, q);
	ExecStatusType st = PQresultStatus(r);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		fail_msg("%s: %s", q, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
}

static int setup(void **state)
{
	(void)state;
	gofn_store_close(open_pg()); /* the schema exists from here on */
	sql("DELETE FROM tenants");
	sql("DELETE FROM tenant_uids"); /* outlives its tenant until freed */
	return 0;
}

static void tenants(void **state)
{
	(void)state;
	contract_tenants(open_pg());
}

static void tenant_settings(void **state)
{
	(void)state;
	contract_tenant_settings(open_pg());
}

/* A database from before per-tenant settings gets their tables at open. */
static void migrates_tenant_settings(void **state)
{
	gofn_store *s = open_pg();
	gofn_err e = {0};
	gofn_tenant_row t;
	unsigned uid;

	(void)state;
	assert_int_equal(gofn_store_tenant_add(s, "acme", "ha", &e), 0);
	gofn_store_close(s);
	sql("DROP TABLE tenant_cpu, tenant_uids");
	s = open_pg();
	assert_int_equal(gofn_store_tenant_get(s, "acme", &t, &e), 0);
	assert_int_equal(t.cpu_weight, 0);
	assert_int_equal(t.cpu_quota, -1);
	assert_int_equal(gofn_store_tenant_cpu_set(s, "acme", 300, 250, &e), 0);
	assert_int_equal(gofn_store_tenant_uid(s, "acme", 700000, 5, &uid, &e), 0);
	assert_true(uid >= 700000 && uid < 700005);
	gofn_store_close(s);
}

static void functions(void **state)
{
	(void)state;
	contract_functions(open_pg());
}

/* The cache on (a short bound, so the wait for another replica's change
 * is short): what another replica commits shows within it. */
static void cached_lookups(void **state)
{
	gofn_config cfg;
	gofn_store *s = NULL;
	gofn_err e = {0};

	(void)state;
	memset(&cfg, 0, sizeof cfg);
	snprintf(cfg.store, sizeof cfg.store, "postgres");
	snprintf(cfg.database_url, sizeof cfg.database_url, "%s", url);
	cfg.store_cache_ms = 200;
	if (gofn_store_open_config(&cfg, "/nonexistent/unused.db", &s, &e) < 0)
		fail_msg("open: %s", e.msg);
	contract_cached_lookups(s, open_pg(), sql);
}

static void named_versions(void **state)
{
	(void)state;
	contract_named_versions(open_pg());
}

static void invocations(void **state)
{
	(void)state;
	contract_invocations(open_pg());
}

/* A function whose symbols break a constraint halfway leaves nothing. */
static void all_or_nothing(void **state)
{
	gofn_fn_symbol twice[] = {{"main.main", "func()", 1}, {"main.main", "func()", 1}};
	gofn_store *s = open_pg();
	gofn_err e = {0};
	gofn_function f, g;
	int64_t n;

	(void)state;
	assert_int_equal(gofn_store_tenant_add(s, "acme", "ha", &e), 0);
	make_fn(&f, "fn_dup", "acme", "s9");
	f.symbols = twice;
	f.nsymbols = 2;
	assert_int_equal(gofn_store_fn_add(s, &f, &e), -1);
	assert_non_null(strstr(e.msg, "main.main"));
	assert_int_equal(gofn_store_fn_get(s, "acme", "fn_dup", &g, &e), 1);
	assert_int_equal(gofn_store_sha_refs(s, "s9", &n, &e), 0);
	assert_int_equal(n, 0);
	/* the same id twice: the second is refused, the first stays whole */
	make_fn(&f, "fn_once", "acme", "s8");
	assert_int_equal(gofn_store_fn_add(s, &f, &e), 0);
	assert_int_equal(gofn_store_fn_add(s, &f, &e), -1);
	assert_int_equal(gofn_store_fn_get(s, "acme", "fn_once", &g, &e), 0);
	assert_int_equal(g.nsymbols, 3);
	gofn_function_clear(&g);
	/* a tenant that does not exist owns nothing */
	make_fn(&f, "fn_orphan", "ghost", "s7");
	assert_int_equal(gofn_store_fn_add(s, &f, &e), -1);
	gofn_store_close(s);
}

static void not_utf8(void **state)
{
	gofn_store *s = open_pg();
	gofn_err e = {0};
	gofn_function f, g;
	char name[64];
	int64_t n;

	(void)state;
	assert_int_equal(gofn_store_tenant_add(s, "acme", "ha", &e), 0);
	assert_int_equal(gofn_store_tenant_by_token(s, "\xc3\x28", name, sizeof name, &e), 1);
	assert_int_equal(gofn_store_fn_newest_with(s, "acme", "main.\xff", &g, &e), 1);
	assert_int_equal(gofn_store_fn_del(s, "acme", "\xff", &e), 1);
	assert_int_equal(gofn_store_sha_refs(s, "\xff", &n, &e), 0);
	assert_int_equal(n, 0);
	assert_int_equal(gofn_store_tenant_add(s, "\xff", "hx", &e), -1);
	assert_non_null(strstr(e.msg, "UTF-8"));
	gofn_fn_symbol bad[] = {{"main.\xc3\x28", "func()", 1}};
	make_fn(&f, "fn_bad", "acme", "s6");
	f.symbols = bad;
	f.nsymbols = 1;
	assert_int_equal(gofn_store_fn_add(s, &f, &e), -1);
	assert_int_equal(gofn_store_fn_get(s, "acme", "fn_bad", &g, &e), 1);
	gofn_store_close(s);
}

static void profile_rows(void **state)
{
	gofn_store *s = open_pg();
	gofn_err e = {0};
	gofn_profile_row r, *rows;
	size_t n;

	(void)state;
	assert_int_equal(gofn_store_tenant_add(s, "acme", "ha", &e), 0);
	for (int i = 0; i < 5; i++) {
		memset(&r, 0, sizeof r);
		snprintf(r.id, sizeof r.id, "prof_%d", i);
		snprintf(r.tenant, sizeof r.tenant, "acme");
		snprintf(r.kind, sizeof r.kind, "cpu");
		snprintf(r.invocation, sizeof r.invocation, "inv_%d", i);
		snprintf(r.function, sizeof r.function, "fn_1");
		snprintf(r.symbol, sizeof r.symbol, "main.main");
		r.size = 100 + i;
		r.created = i == 0 ? 1000 : 2000 + i; /* prof_0 is old */
		assert_int_equal(gofn_store_profile_add(s, &r, &e), 0);
	}
	assert_int_equal(gofn_store_profile_add(s, &r, &e), 1); /* same id */
	assert_int_equal(gofn_store_profile_get(s, NULL, "prof_3", &r, &e), 0);
	assert_string_equal(r.invocation, "inv_3");
	assert_int_equal(r.size, 103);
	assert_int_equal(gofn_store_profile_get(s, "other", "prof_3", &r, &e), 1);
	assert_int_equal(gofn_store_profile_list(s, "acme", &rows, &n, &e), 0);
	assert_int_equal(n, 5);
	assert_string_equal(rows[0].id, "prof_4"); /* newest first */
	free(rows);
	/* keep the 3 newest, none created before 1500: prof_0 and prof_1 go */
	assert_int_equal(gofn_store_profile_expired(s, "acme", 1500, 3, &rows, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_true(!strcmp(rows[0].id, "prof_0") || !strcmp(rows[1].id, "prof_0"));
	assert_true(!strcmp(rows[0].id, "prof_1") || !strcmp(rows[1].id, "prof_1"));
	free(rows);
	assert_int_equal(gofn_store_profile_del(s, "acme", "prof_0", &e), 0);
	assert_int_equal(gofn_store_profile_del(s, "acme", "prof_0", &e), 1);
	assert_int_equal(gofn_store_tenant_del(s, "acme", &e), 0);
	assert_int_equal(gofn_store_profile_list(s, "acme", &rows, &n, &e), 0);
	assert_int_equal(n, 0);
	free(rows);
	gofn_store_close(s);
}

/* Object bytes (binary, NUL included) stored with their function, kept
 * once per sha256 and dropped with the last function using them. */
static void object_bytes(void **state)
{
	static const uint8_t lib[] = {'l', 0, 'i', 0xff, 'b'}, obj[] = {0, 1, 2};
	gofn_obj_bytes bytes[] = {{"lib-b1", lib, sizeof lib}, {"b1", obj, sizeof obj}};
	gofn_store *s = open_pg();
	gofn_err e = {0};
	gofn_function f;
	uint8_t *p;
	size_t n;

	(void)state;
	assert_true(gofn_store_holds_bytes(s));
	assert_int_equal(gofn_store_tenant_add(s, "acme", "ha", &e), 0);
	make_fn(&f, "fn_b1", "acme", "b1");
	assert_int_equal(gofn_store_fn_add_objects(s, &f, bytes, &e), 0);
	make_fn(&f, "fn_b2", "acme", "b1"); /* the same two objects again */
	assert_int_equal(gofn_store_fn_add_objects(s, &f, bytes, &e), 0);
	assert_int_equal(gofn_store_object_get(s, "lib-b1", 1024, &p, &n, &e), 0);
	assert_int_equal(n, sizeof lib);
	assert_memory_equal(p, lib, sizeof lib);
	free(p);
	assert_int_equal(gofn_store_object_get(s, "lib-b1", 2, &p, &n, &e), -1);
	assert_int_equal(e.code, GOFN_ELIMIT);
	assert_int_equal(gofn_store_fn_del(s, "acme", "fn_b1", &e), 0);
	assert_int_equal(gofn_store_object_get(s, "b1", 1024, &p, &n, &e), 0);
	free(p);
	assert_int_equal(gofn_store_fn_del(s, "acme", "fn_b2", &e), 0);
	assert_int_equal(gofn_store_object_get(s, "b1", 1024, &p, &n, &e), 1);
	/* a tenant's deletion takes its functions' bytes too */
	make_fn(&f, "fn_b3", "acme", "b3");
	assert_int_equal(gofn_store_fn_add_objects(s, &f, bytes, &e), 0);
	assert_int_equal(gofn_store_tenant_del(s, "acme", &e), 0);
	assert_int_equal(gofn_store_object_get(s, "lib-b1", 1024, &p, &n, &e), 1);
	gofn_store_close(s);
}

/* Profile bytes ride in their row; settings: the first value stored wins. */
static void profile_bytes_and_settings(void **state)
{
	static const uint8_t gz[] = {0x1f, 0x8b, 0, 7};
	gofn_store *s = open_pg(), *t = open_pg();
	gofn_profile_row r;
	gofn_err e = {0};
	char v[64];
	uint8_t *p;
	size_t n;

	(void)state;
	assert_int_equal(gofn_store_tenant_add(s, "acme", "ha", &e), 0);
	memset(&r, 0, sizeof r);
	snprintf(r.id, sizeof r.id, "prof_b");
	snprintf(r.tenant, sizeof r.tenant, "acme");
	snprintf(r.kind, sizeof r.kind, "cpu");
	r.size = sizeof gz;
	assert_int_equal(gofn_store_profile_add_bytes(s, &r, gz, sizeof gz, &e), 0);
	assert_int_equal(gofn_store_profile_add_bytes(s, &r, gz, sizeof gz, &e), 1);
	assert_int_equal(gofn_store_profile_bytes(t, "prof_b", 1024, &p, &n, &e), 0);
	assert_int_equal(n, sizeof gz);
	assert_memory_equal(p, gz, sizeof gz);
	free(p);
	assert_int_equal(gofn_store_profile_del(s, "acme", "prof_b", &e), 0);
	assert_int_equal(gofn_store_profile_bytes(t, "prof_b", 1024, &p, &n, &e), 1);

	assert_int_equal(gofn_store_setting(s, "unit_key", "first", v, sizeof v, &e), 0);
	assert_string_equal(v, "first");
	assert_int_equal(gofn_store_setting(t, "unit_key", "second", v, sizeof v, &e), 0);
	assert_string_equal(v, "first");
	gofn_store_close(s);
	gofn_store_close(t);
}

/* The server ends our session (a database restart does the same): the
 * next call reconnects instead of failing forever. */
/* (pg_terminate_backend waits up to 5 s for the session to be gone.) */
static void reconnect(void **state)
{
	gofn_store *s = open_pg();
	gofn_err e = {0};
	char name[64];

	(void)state;
	assert_int_equal(gofn_store_tenant_add(s, "acme", "ha", &e), 0);
	sql("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
	    " WHERE application_name = 'gofnd' AND pid <> pg_backend_pid()");
	/* a read retries once on a new session: the caller never notices */
	assert_int_equal(gofn_store_tenant_by_token(s, "ha", name, sizeof name, &e), 0);
	assert_string_equal(name, "acme");
	/* a session closed between calls is replaced before a write too */
	sql("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
	    " WHERE application_name = 'gofnd' AND pid <> pg_backend_pid()");
	assert_int_equal(gofn_store_tenant_add(s, "bravo", "hb", &e), 0);
	assert_int_equal(gofn_store_tenant_by_token(s, "hb", name, sizeof name, &e), 0);
	assert_string_equal(name, "bravo");
	gofn_store_close(s);
}

#define RACERS 8

typedef struct racer {
	pthread_barrier_t *go;
	int rc, opened;
} racer;

/* Like gofnd replicas starting together and then creating one tenant:
 * each racer opens its own connection (schema setup included) and adds the
 * same name. */
static void *race(void *arg)
{
	racer *r = arg;
	gofn_config cfg;
	gofn_store *s = NULL;
	gofn_err e = {0};
	char tok[32];

	memset(&cfg, 0, sizeof cfg);
	snprintf(cfg.store, sizeof cfg.store, "postgres");
	snprintf(cfg.database_url, sizeof cfg.database_url, "%s", url);
	snprintf(tok, sizeof tok, "tok-%p", arg);
	pthread_barrier_wait(r->go);
	r->opened = gofn_store_open_config(&cfg, "", &s, &e) == 0;
	if (r->opened)
		r->rc = gofn_store_tenant_add(s, "same", tok, &e);
	gofn_store_close(s);
	return NULL;
}

static void racing_replicas(void **state)
{
	pthread_t t[RACERS];
	racer r[RACERS];
	pthread_barrier_t go;
	int won = 0, lost = 0;

	(void)state;
	sql("DROP TABLE IF EXISTS invocations, fn_config, fn_names, fn_versions, profiles, "
	    "objects, symbols, tenant_cpu, tenant_uids, "
	    "functions, "
	    "tenants");
	pthread_barrier_init(&go, NULL, RACERS);
	for (int i = 0; i < RACERS; i++) {
		r[i] = (racer){.go = &go, .rc = -1};
		pthread_create(&t[i], NULL, race, &r[i]);
	}
	for (int i = 0; i < RACERS; i++) {
		pthread_join(t[i], NULL);
		assert_true(r[i].opened);
		won += r[i].rc == 0;
		lost += r[i].rc == 1;
	}
	pthread_barrier_destroy(&go);
	assert_int_equal(won, 1);
	assert_int_equal(lost, RACERS - 1);
}

typedef struct uid_racer {
	pthread_barrier_t *go;
	int rc;
	unsigned uid;
	char name[16];
} uid_racer;

/* Like replicas starting their tenants' first workers together: each
 * racer has its own connection and allocates for its own tenant. */
static void *race_uid(void *arg)
{
	uid_racer *r = arg;
	gofn_store *s = open_pg();
	gofn_err e = {0};

	pthread_barrier_wait(r->go);
	r->rc = gofn_store_tenant_uid(s, r->name, 800000, RACERS, &r->uid, &e);
	gofn_store_close(s);
	return NULL;
}

/* RACERS tenants, a range of RACERS uids: whatever their names hash to,
 * every one gets its own. */
static void racing_uids(void **state)
{
	pthread_t t[RACERS];
	uid_racer r[RACERS];
	pthread_barrier_t go;
	gofn_store *s = open_pg();
	gofn_err e = {0};

	(void)state;
	pthread_barrier_init(&go, NULL, RACERS);
	for (int i = 0; i < RACERS; i++) {
		char tok[16];
		r[i] = (uid_racer){.go = &go, .rc = -1};
		snprintf(r[i].name, sizeof r[i].name, "t%d", i);
		snprintf(tok, sizeof tok, "tok%d", i);
		assert_int_equal(gofn_store_tenant_add(s, r[i].name, tok, &e), 0);
	}
	gofn_store_close(s);
	for (int i = 0; i < RACERS; i++)
		pthread_create(&t[i], NULL, race_uid, &r[i]);
	for (int i = 0; i < RACERS; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&go);
	for (int i = 0; i < RACERS; i++) {
		assert_int_equal(r[i].rc, 0);
		assert_true(r[i].uid >= 800000 && r[i].uid < 800000 + RACERS);
		for (int j = 0; j < i; j++)
			assert_int_not_equal(r[i].uid, r[j].uid);
	}
}

/* --store and --database-url: from flags or environment, checked at load. */
static void config(void **state)
{
	gofn_config c;
	gofn_err e = {0};
	char *bad[] = {"gofnd", "--store", "mysql"};
	char *no_url[] = {"gofnd", "--store", "postgres"};
	char *pg[] = {"gofnd", "--store", "postgres", "--database-url", "host=/x dbname=y"};

	(void)state;
	gofn_config_defaults(&c);
	assert_string_equal(c.store, "sqlite");
	assert_int_equal(gofn_config_load(&c, 3, bad, &e), -1);
	assert_non_null(strstr(e.msg, "mysql"));
	gofn_config_defaults(&c);
	assert_int_equal(gofn_config_load(&c, 3, no_url, &e), -1);
	assert_non_null(strstr(e.msg, "--database-url"));
	gofn_config_defaults(&c);
	assert_int_equal(gofn_config_load(&c, 5, pg, &e), 0);
	assert_string_equal(c.database_url, "host=/x dbname=y");
	setenv("GOFN_STORE", "postgres", 1);
	setenv("GOFN_DATABASE_URL", "postgresql://u@h/d", 1);
	gofn_config_defaults(&c);
	assert_int_equal(gofn_config_load(&c, 1, bad, &e), 0);
	assert_string_equal(c.store, "postgres");
	assert_string_equal(c.database_url, "postgresql://u@h/d");
	unsetenv("GOFN_STORE");
	unsetenv("GOFN_DATABASE_URL");
	/* a server that is not there: one line naming the store */
	gofn_store *s = NULL;
	snprintf(c.database_url, sizeof c.database_url, "host=/nonexistent-gofn dbname=x");
	assert_int_equal(gofn_store_open_config(&c, "", &s, &e), -1);
	assert_null(s);
	assert_non_null(strstr(e.msg, "postgres: connect"));
	assert_null(strchr(e.msg, '\n'));
}

int main(void)
{
	url = getenv("GOFN_TEST_DATABASE_URL");
	if (!url || !*url) {
		printf("SKIP: GOFN_TEST_DATABASE_URL is not set (run_unit.sh starts PostgreSQL)\n");
		return 77;
	}
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(config),
	    cmocka_unit_test_setup(tenants, setup),
	    cmocka_unit_test_setup(tenant_settings, setup),
	    cmocka_unit_test_setup(migrates_tenant_settings, setup),
	    cmocka_unit_test_setup(racing_uids, setup),
	    cmocka_unit_test_setup(functions, setup),
	    cmocka_unit_test_setup(named_versions, setup),
	    cmocka_unit_test_setup(cached_lookups, setup),
	    cmocka_unit_test_setup(invocations, setup),
	    cmocka_unit_test_setup(all_or_nothing, setup),
	    cmocka_unit_test_setup(not_utf8, setup),
	    cmocka_unit_test_setup(profile_rows, setup),
	    cmocka_unit_test_setup(object_bytes, setup),
	    cmocka_unit_test_setup(profile_bytes_and_settings, setup),
	    cmocka_unit_test_setup(reconnect, setup),
	    cmocka_unit_test(racing_replicas),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
