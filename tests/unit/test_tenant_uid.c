/* --uid-range and the tenant -> host uid mapping (server/tenant_uid.c over
 * the SQLite store): distinct uids for distinct tenants (also when their
 * hashes collide), stable for a tenant and across a reopen, a clear
 * refusal naming --uid-range when the range is used up (never a shared
 * fallback), a deleted tenant's uid free again, bad ranges refused; and
 * the CPU settings a tenant's worker gets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "server/config.h"
#include "server/store_tenants.h"
#include "server/tenant_uid.h"
#include "tests/unit/tmpdir.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	return tmpdir_make(dir, sizeof dir, "uid");
}

static int teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

/* A server with only what tenant_uid.c uses: its config and store (no pool:
 * no workers). */
static void open_server(gofn_server *s, const char *range)
{
	char path[128];
	gofn_err e = {0};

	memset(s, 0, sizeof *s);
	gofn_config_defaults(&s->cfg);
	assert_int_equal(gofn_uid_range_parse(&s->cfg, range, &e), 0);
	snprintf(path, sizeof path, "%s/gofn.db", dir);
	assert_int_equal(gofn_store_open(path, &s->store, &e), 0);
}

static void parse_ranges(void **state)
{
	gofn_config c;
	gofn_err e = {0};
	(void)state;
	gofn_config_defaults(&c);
	assert_int_equal(gofn_uid_range_parse(&c, "100000:65536", &e), 0);
	assert_int_equal(c.uid_base, 100000);
	assert_int_equal(c.uid_count, 65536);
	assert_int_equal(gofn_uid_range_parse(&c, "off", &e), 0);
	assert_int_equal(c.uid_count, 0);
	static const char *const bad[] = {"",	     "100000",		"100000:",  ":5",
					  "0:10",    "500:10",		"1000:0",   "-5:10",
					  "1000:-1", "4294967000:1000", "1000:10x", "x:1"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(gofn_uid_range_parse(&c, bad[i], &e), -1);
		assert_non_null(strstr(e.msg, "--uid-range"));
	}
}

/* Names that collide: whatever the hash says, each gets a free uid. */
static void pick_probes_past_collisions(void **state)
{
	unsigned taken[3] = {0};
	(void)state;
	for (size_t i = 0; i < 3; i++) {
		unsigned u = gofn_tenant_uid_pick("same", 500000, 3, taken, i);
		assert_true(u >= 500000 && u < 500003);
		for (size_t j = 0; j < i; j++)
			assert_int_not_equal(u, taken[j]);
		taken[i] = u;
		/* keep it sorted, as the stores pass it */
		for (size_t j = i; j > 0 && taken[j] < taken[j - 1]; j--) {
			unsigned t = taken[j];
			taken[j] = taken[j - 1];
			taken[j - 1] = t;
		}
	}
	assert_int_equal(gofn_tenant_uid_pick("same", 500000, 3, taken, 3), 0);
}

static void distinct_stable_and_refused(void **state)
{
	gofn_server s;
	gofn_err e = {0};
	unsigned seen[3] = {0}, uid;
	const char *const names[] = {"alpha", "beta", "gamma", "delta"};
	(void)state;

	open_server(&s, "500000:3");
	for (int i = 0; i < 4; i++) {
		char tok[16];
		snprintf(tok, sizeof tok, "h%d", i);
		assert_int_equal(gofn_store_tenant_add(s.store, names[i], tok, &e), 0);
	}
	for (int i = 0; i < 3; i++) {
		assert_int_equal(gofn_tenant_uid(&s, names[i], &seen[i], &e), 0);
		assert_true(seen[i] >= 500000 && seen[i] < 500003);
		for (int j = 0; j < i; j++)
			assert_int_not_equal(seen[i], seen[j]);
	}
	/* the range is used up: a fourth tenant gets a refusal, not nobody */
	assert_int_equal(gofn_tenant_uid(&s, "delta", &uid, &e), -1);
	assert_int_equal(e.code, GOFN_EAGAIN);
	assert_non_null(strstr(e.msg, "--uid-range 500000:3"));
	assert_int_equal(uid, 0);
	assert_int_equal(gofn_tenant_uid(&s, "nosuch", &uid, &e), -1);
	assert_int_equal(e.code, GOFN_ENOTFOUND);
	gofn_store_close(s.store);

	open_server(&s, "500000:3"); /* a restart keeps every tenant's uid */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(gofn_tenant_uid(&s, names[i], &uid, &e), 0);
		assert_int_equal(uid, seen[i]);
	}
	/* deleted with no worker left: its uid is free for the next tenant */
	assert_int_equal(gofn_store_tenant_del(s.store, "beta", &e), 0);
	gofn_tenant_uid_retire(&s, "beta");
	assert_int_equal(gofn_tenant_uid(&s, "delta", &uid, &e), 0);
	assert_int_equal(uid, seen[1]);
	gofn_store_close(s.store);

	open_server(&s, "off"); /* the shared uid, documented as such */
	assert_int_equal(gofn_tenant_uid(&s, "alpha", &uid, &e), 0);
	assert_int_equal(uid, 0);
	gofn_store_close(s.store);
}

/* A uid row left by a tenant deleted while no gofnd ran (a crash between
 * deletion and freeing) goes back to a full range. */
static void orphans_freed_when_full(void **state)
{
	gofn_server s;
	gofn_err e = {0};
	unsigned a, b;
	(void)state;

	open_server(&s, "510000:1");
	assert_int_equal(gofn_store_tenant_add(s.store, "old", "h1", &e), 0);
	assert_int_equal(gofn_store_tenant_add(s.store, "new", "h2", &e), 0);
	assert_int_equal(gofn_tenant_uid(&s, "old", &a, &e), 0);
	assert_int_equal(gofn_store_tenant_del(s.store, "old", &e), 0); /* no retire: a crash */
	assert_int_equal(gofn_tenant_uid(&s, "new", &b, &e), 0);
	assert_int_equal(a, b);
	gofn_store_close(s.store);
}

/* A tenant's own CPU settings, else the flags'; with --uid-range off every
 * tenant shares one group, so the flags' apply to all. */
static void cpu_settings_of_a_tenant(void **state)
{
	gofn_server s;
	gofn_err e = {0};
	gofn_tenant_box box;
	(void)state;

	open_server(&s, "520000:10");
	s.confined = 1;
	s.cfg.cpu_weight = 150;
	s.cfg.cpu_quota_pct = 50;
	assert_int_equal(gofn_store_tenant_add(s.store, "a", "h1", &e), 0);
	assert_int_equal(gofn_tenant_box_get(&s, "a", &box, &e), 0);
	assert_int_equal(box.cpu_weight, 150);
	assert_int_equal(box.cpu_quota_mcpu, 500);
	if (geteuid() == 0) /* only root maps workers to uids of its choosing */
		assert_true(box.uid >= 520000 && box.uid < 520010);
	else
		assert_int_equal(box.uid, 0);
	s.confined = 0; /* unconfined workers get no uid, so none is refused */
	assert_int_equal(gofn_tenant_box_get(&s, "a", &box, &e), 0);
	assert_int_equal(box.uid, 0);
	s.confined = 1;
	assert_int_equal(gofn_store_tenant_cpu_set(s.store, "a", 2000, 0, &e), 0);
	assert_int_equal(gofn_tenant_box_get(&s, "a", &box, &e), 0);
	assert_int_equal(box.cpu_weight, 2000);
	assert_int_equal(box.cpu_quota_mcpu, 0);
	s.cfg.uid_count = 0;
	assert_int_equal(gofn_tenant_box_get(&s, "a", &box, &e), 0);
	assert_int_equal(box.uid, 0);
	assert_int_equal(box.cpu_weight, 150);
	gofn_store_close(s.store);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parse_ranges),
	    cmocka_unit_test(pick_probes_past_collisions),
	    cmocka_unit_test_setup_teardown(distinct_stable_and_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(orphans_freed_when_full, setup, teardown),
	    cmocka_unit_test_setup_teardown(cpu_settings_of_a_tenant, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
