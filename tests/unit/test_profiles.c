/* Server-side profile pieces without a worker: capability tokens (valid,
 * expired, tampered, for another profile, malformed), the secret file
 * (0600, stable across reopen), storage with per-tenant isolation and
 * retention by count and age, and the ?profile= kind list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "api/profile.h"
#include "server/config.h"
#include "server/profiles.h"
#include "server/routes.h"
#include "server/store.h"
#include "tests/unit/tmpdir.h"

static char dir[64];
static gofn_config cfg;
static gofn_store *store;

static int setup(void **state)
{
	char db[128];
	gofn_err e = {0};

	(void)state;
	if (tmpdir_make(dir, sizeof dir, "prof") < 0)
		return -1;
	gofn_config_defaults(&cfg);
	snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s", dir);
	cfg.profile_keep = 3;
	snprintf(db, sizeof db, "%s/gofn.db", dir);
	if (gofn_store_open(db, &store, &e) < 0)
		return -1;
	gofn_store_tenant_add(store, "alpha", "a-sha", &e);
	gofn_store_tenant_add(store, "beta", "b-sha", &e);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	gofn_store_close(store);
	return tmpdir_remove(dir);
}

static gofn_profiles *open_profiles(void)
{
	char db[128];
	gofn_profiles *p = NULL;
	gofn_err e = {0};

	snprintf(db, sizeof db, "%s/gofn.db", dir);
	assert_int_equal(gofn_profiles_open(&cfg, db, &p, &e), 0);
	return p;
}

static void test_tokens(void **state)
{
	gofn_profiles *p = open_profiles();
	char tok[GOFN_PROFILE_TOKEN_MAX], bad[GOFN_PROFILE_TOKEN_MAX];

	(void)state;
	gofn_profiles_token(p, "prof_a", 1000, tok);
	assert_int_equal(gofn_profiles_token_check(p, "prof_a", tok, 999), 0);
	assert_int_equal(gofn_profiles_token_check(p, "prof_a", tok, 1000), 0);
	assert_int_equal(gofn_profiles_token_check(p, "prof_a", tok, 1001), 1); /* expired */
	assert_int_equal(gofn_profiles_token_check(p, "prof_b", tok, 999), -1); /* other id */
	/* every single-character change of the MAC is refused */
	for (size_t i = strlen(tok) - 64; i < strlen(tok); i++) {
		snprintf(bad, sizeof bad, "%s", tok);
		bad[i] = bad[i] == '0' ? '1' : '0';
		assert_int_equal(gofn_profiles_token_check(p, "prof_a", bad, 999), -1);
	}
	/* a later expiry with the old MAC */
	snprintf(bad, sizeof bad, "2000%s", strchr(tok, '.'));
	assert_int_equal(gofn_profiles_token_check(p, "prof_a", bad, 999), -1);
	const char *junk[] = {
	    "", ".", "1000", "1000.", "abc.def", "-1.00", "99999999999999999999.0"};
	for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++)
		assert_int_equal(gofn_profiles_token_check(p, "prof_a", junk[i], 0), -1);
	gofn_profiles_close(p);

	/* the secret persists (mode 0600): old tokens still verify */
	char path[128];
	struct stat sb;
	snprintf(path, sizeof path, "%s/profile-secret", dir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	p = open_profiles();
	assert_int_equal(gofn_profiles_token_check(p, "prof_a", tok, 999), 0);
	gofn_profiles_close(p);
}

static gofn_profile_row row_for(const char *tenant, const char *inv)
{
	gofn_profile_row r = {0};

	snprintf(r.tenant, sizeof r.tenant, "%s", tenant);
	snprintf(r.kind, sizeof r.kind, "cpu");
	snprintf(r.invocation, sizeof r.invocation, "%s", inv);
	snprintf(r.function, sizeof r.function, "fn_x");
	snprintf(r.symbol, sizeof r.symbol, "main.Burn");
	return r;
}

static void test_store_and_retention(void **state)
{
	gofn_profiles *p = open_profiles();
	gofn_profile_row r, got, *rows;
	gofn_err e = {0};
	char first[40];
	size_t n;
	uint8_t *data;
	size_t len;

	(void)state;
	r = row_for("alpha", "inv_1");
	assert_int_equal(gofn_profiles_put(p, &r, (const uint8_t *)"abc", 3, &e), 0);
	snprintf(first, sizeof first, "%s", r.id);
	assert_int_equal(gofn_profiles_get(p, "alpha", first, &got, &e), 0);
	assert_string_equal(got.invocation, "inv_1");
	assert_int_equal(gofn_profiles_get(p, "beta", first, &got, &e), 1); /* isolation */
	assert_int_equal(gofn_profiles_del(p, "beta", first, &e), 1);
	assert_int_equal(gofn_profiles_read(p, first, &data, &len, &e), 0);
	assert_int_equal(len, 3);
	assert_memory_equal(data, "abc", 3);
	free(data);

	/* keep = 3: the fourth and fifth push the oldest out, file included */
	for (int i = 2; i <= 5; i++) {
		char inv[16];
		snprintf(inv, sizeof inv, "inv_%d", i);
		r = row_for("alpha", inv);
		assert_int_equal(gofn_profiles_put(p, &r, (const uint8_t *)"x", 1, &e), 0);
	}
	r = row_for("beta", "inv_b");
	assert_int_equal(gofn_profiles_put(p, &r, (const uint8_t *)"y", 1, &e), 0);
	assert_int_equal(gofn_profiles_list(p, "alpha", &rows, &n, &e), 0);
	assert_int_equal(n, 3);
	assert_string_equal(rows[0].invocation, "inv_5"); /* newest first */
	assert_string_equal(rows[2].invocation, "inv_3");
	free(rows);
	assert_int_equal(gofn_profiles_get(p, NULL, first, &got, &e), 1);
	assert_int_equal(gofn_profiles_read(p, first, &data, &len, &e), -1);
	assert_int_equal(gofn_profiles_list(p, "beta", &rows, &n, &e), 0);
	assert_int_equal(n, 1); /* another tenant's count is its own */
	free(rows);

	/* files without a row (a crash between file and row) go at startup */
	char stray[160], kept[160];
	snprintf(stray, sizeof stray, "%s/profiles/prof_stray.pb.gz", dir);
	FILE *f = fopen(stray, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(gofn_profiles_list(p, "beta", &rows, &n, &e), 0);
	snprintf(kept, sizeof kept, "%s/profiles/%s.pb.gz", dir, rows[0].id);
	free(rows);
	gofn_profiles_close(p);
	p = open_profiles();
	assert_int_equal(access(stray, F_OK), -1);
	assert_int_equal(access(kept, F_OK), 0);
	gofn_profiles_close(p);

	/* age: with a 1 s limit, everything written 2 s ago is gone */
	cfg.profile_max_age_s = 1;
	p = open_profiles();
	sleep(2);
	assert_int_equal(gofn_profiles_list(p, "alpha", &rows, &n, &e), 0);
	assert_int_equal(n, 0);
	free(rows);
	gofn_profiles_close(p);
	cfg.profile_max_age_s = 7 * 24 * 3600;
}

static void test_kinds(void **state)
{
	unsigned k;
	gofn_err e = {0};

	(void)state;
	assert_int_equal(gofn_profile_kinds_parse("cpu", &k, &e), 0);
	assert_int_equal(k, 1u << GOFN_PROF_CPU);
	assert_int_equal(gofn_profile_kinds_parse("heap,block,cpu", &k, &e), 0);
	assert_int_equal(k, 1u << GOFN_PROF_CPU | 1u << GOFN_PROF_HEAP | 1u << GOFN_PROF_BLOCK);
	const char *bad[] = {"", ",", "cpu,", "cpux", "CPU", "cpu,,heap"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(gofn_profile_kinds_parse(bad[i], &k, &e), -1);
	for (int i = 0; i < GOFN_PROF_NKINDS; i++) {
		const char *name = gofn_profile_kind_name(i);
		assert_int_equal(gofn_profile_kind_parse(name, strlen(name)), i);
	}
	assert_null(gofn_profile_kind_name(GOFN_PROF_NKINDS));
}

/* Routes with literal text after {param}. */
static void test_routes(void **state)
{
	char param[64];
	char mm[64];
	const gofn_route *r;

	(void)state;
	r = gofn_route_match("POST", "/functions/fn_1/profile", param, sizeof param, mm, sizeof mm);
	assert_non_null(r);
	assert_ptr_equal(r->handle, gofn_h_fn_profile);
	assert_string_equal(param, "fn_1");
	r = gofn_route_match("GET", "/functions/fn_1", param, sizeof param, mm, sizeof mm);
	assert_non_null(r);
	assert_string_equal(param, "fn_1");
	r = gofn_route_match("GET", "/profiles/prof_1", param, sizeof param, mm, sizeof mm);
	assert_non_null(r);
	assert_ptr_equal(r->handle, gofn_h_profile_get);
	const char *none[] = {"/functions//profile", "/functions/a/b/profile",
			      "/functions/profile",  "/functions/a/profilex",
			      "/profiles/",	     "/profiles/a/b"};
	for (size_t i = 0; i < sizeof none / sizeof none[0]; i++)
		assert_null(gofn_route_match("POST", none[i], param, sizeof param, mm, sizeof mm));
	assert_null(
	    gofn_route_match("GET", "/functions/fn_1/profile", param, sizeof param, mm, sizeof mm));
	assert_string_equal(mm, "POST"); /* the path exists, the method does not: Allow */
	/* HEAD wherever GET is; 405's Allow names both */
	r = gofn_route_match("HEAD", "/functions/fn_1", param, sizeof param, mm, sizeof mm);
	assert_non_null(r);
	assert_ptr_equal(r->handle, gofn_h_fn_get);
	assert_null(gofn_route_match("PUT", "/functions/fn_1", param, sizeof param, mm, sizeof mm));
	assert_string_equal(mm, "GET, HEAD, DELETE");
	assert_null(gofn_route_match("PUT", "/nowhere", param, sizeof param, mm, sizeof mm));
	assert_string_equal(mm, "");
	/* a symbol's package path has slashes: the route takes the rest */
	r = gofn_route_match("POST", "/invoke/example.com/greet.Hello", param, sizeof param, mm,
			     sizeof mm);
	assert_non_null(r);
	assert_ptr_equal(r->handle, gofn_h_invoke);
	assert_string_equal(param, "example.com/greet.Hello");
	assert_null(gofn_route_match("POST", "/invoke/", param, sizeof param, mm, sizeof mm));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_tokens, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_store_and_retention, setup, teardown),
	    cmocka_unit_test(test_kinds),
	    cmocka_unit_test(test_routes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
