/* The recorder of synchronous calls (server/async.c) driven past its
 * bound: a call's record is reserved before the call runs, so the id a
 * reply carries is never dropped. Before, a record past 4,096 waiting was
 * dropped, and a batch whose write failed (the store locked, Postgres
 * away) was lost, while the replies had carried those ids. Here the store
 * is locked by another connection, the bound is filled, the next call is
 * refused (it would not run), and once the store is free every accepted
 * id is found. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "common/clock.h"
#include "server/async.h"
#include "server/metrics.h"
#include "server/store.h"
#include "server/store_invocations.h"
#include "tests/unit/tmpdir.h"

enum { BOUND = 4096 }; /* server/async.c MAX_PENDING_RECORDS */
/* The records' tenant must exist (a deleted tenant's records are skipped). */
#define TOKEN_SHA "0000000000000000000000000000000000000000000000000000000000000001"

static char dir[64], db[128];
static gofn_server srv;
static gofn_async *rec;

static int setup(void **state)
{
	gofn_err e = {0};

	(void)state;
	if (tmpdir_make(dir, sizeof dir, "recorder") < 0)
		return -1;
	snprintf(db, sizeof db, "%s/gofn.db", dir);
	memset(&srv, 0, sizeof srv);
	gofn_config_defaults(&srv.cfg);
	snprintf(srv.cfg.store, sizeof srv.cfg.store, "sqlite");
	srv.cfg.async_runners = 0; /* no async rows here: only the recorder matters */
	/* The dispatcher's first garbage collection keeps the newest
	 * --result-keep (1,000) rows of a tenant; run after the rows are
	 * written, it deleted the first 3,097 of this test's ids (1 run in 10) */
	srv.cfg.result_keep = 2 * BOUND;
	srv.metrics = gofn_metrics_new();
	if (gofn_async_start(&srv, db, &rec, &e) < 0 ||
	    gofn_store_tenant_add(gofn_async_store(rec), "t1", TOKEN_SHA, &e) < 0) {
		fprintf(stderr, "setup: %s\n", e.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	gofn_async_stop(rec, 1000);
	gofn_metrics_free(srv.metrics);
	return tmpdir_remove(dir);
}

/* The value of a counter in GET /metrics's text. */
static unsigned long long metric(const char *name)
{
	gofn_pool_stats ps = {0};
	char *text = gofn_metrics_render(srv.metrics, &ps);
	char key[128];
	unsigned long long v = 0;

	snprintf(key, sizeof key, "\n%s ", name);
	char *at = strstr(text, key);
	assert_non_null(at);
	v = strtoull(at + strlen(key), NULL, 10);
	free(text);
	return v;
}

static void pause_a_little(void)
{
	struct timespec ts = {0, 20 * 1000000};
	while (nanosleep(&ts, &ts) != 0)
		;
}

static void note(int i)
{
	char id[40];
	gofn_outcome o = {.status = GOFN_STATUS_OK, .duration_us = 100};

	snprintf(id, sizeof id, "inv_rec%05d", i);
	gofn_async_note_sync(rec, id, "t1", "fn_1", "main.F", 1000, &o);
}

/* Whether id is in the store (the handle the /invocations routes read). */
static int found(int i)
{
	char id[40];
	gofn_inv_row row;
	gofn_err e = {0};

	snprintf(id, sizeof id, "inv_rec%05d", i);
	int rc = gofn_store_inv_get(gofn_async_store(rec), "t1", id, &row, &e);
	assert_int_not_equal(rc, -1);
	if (rc == 0) {
		assert_string_equal(row.mode, "sync");
		assert_string_equal(row.status, "ok");
		gofn_inv_row_clear(&row);
	}
	return rc == 0;
}

static void full_recorder_refuses_and_a_failed_write_is_kept(void **state)
{
	sqlite3 *lock;
	gofn_err e = {0};

	(void)state;
	/* Another writer holds the database: the recorder's writes fail
	 * (SQLITE_BUSY after the store's 5 s busy timeout). */
	assert_int_equal(sqlite3_open(db, &lock), SQLITE_OK);
	assert_int_equal(sqlite3_exec(lock, "BEGIN EXCLUSIVE", NULL, NULL, NULL), SQLITE_OK);
	for (int i = 0; i < BOUND; i++) {
		assert_int_equal(gofn_async_reserve(rec, gofn_now_ms(), &e), 0);
		note(i);
	}
	/* The next call is refused before it runs: no id it could not keep. */
	assert_int_equal(gofn_async_reserve(rec, gofn_now_ms() + 50, &e), -1);
	assert_int_equal(e.code, GOFN_EAGAIN);
	assert_non_null(strstr(e.msg, "not run"));
	assert_int_equal(metric("gofn_sync_record_refusals_total"), 1);
	/* A write has failed: before, its rows were gone for good. */
	while (metric("gofn_sync_record_write_failures_total") == 0)
		pause_a_little();
	assert_int_equal(sqlite3_exec(lock, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(lock);
	while (gofn_async_records_held(rec) > 0) /* written, or given up */
		pause_a_little();
	for (int i = 0; i < BOUND; i++)
		assert_true(found(i));
	/* Room again once written. */
	assert_int_equal(gofn_async_reserve(rec, gofn_now_ms() + 60000, &e), 0);
	gofn_async_unreserve(rec);
	assert_int_equal(metric("gofn_sync_records_lost_total"), 0);
}

/* A reservation whose call did not run gives its slot back. */
static void unreserve_gives_the_slot_back(void **state)
{
	gofn_err e = {0};

	(void)state;
	for (int i = 0; i < BOUND; i++)
		assert_int_equal(gofn_async_reserve(rec, gofn_now_ms(), &e), 0);
	assert_int_equal(gofn_async_reserve(rec, gofn_now_ms(), &e), -1);
	gofn_async_unreserve(rec);
	assert_int_equal(gofn_async_reserve(rec, gofn_now_ms(), &e), 0);
	for (int i = 0; i < BOUND; i++)
		gofn_async_unreserve(rec);
}

/* A call that waits at the bound gets its slot when the recorder has
 * written: the store is free here, so the writes drain at once. */
static void a_call_at_the_bound_waits_for_room(void **state)
{
	gofn_err e = {0};

	(void)state;
	for (int i = 0; i < BOUND; i++) {
		assert_int_equal(gofn_async_reserve(rec, gofn_now_ms(), &e), 0);
		note(i);
	}
	assert_int_equal(gofn_async_reserve(rec, gofn_now_ms() + 60000, &e), 0);
	note(BOUND);
	while (gofn_async_records_held(rec) > 0)
		pause_a_little();
	for (int i = 0; i <= BOUND; i++)
		assert_true(found(i));
	assert_int_equal(metric("gofn_sync_record_refusals_total"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(full_recorder_refuses_and_a_failed_write_is_kept, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(unreserve_gives_the_slot_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(a_call_at_the_bound_waits_for_room, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
