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
#include <jansson.h>
#include <sqlite3.h>

#include "common/clock.h"
#include "server/async.h"
#include "server/metrics.h"
#include "server/store.h"
#include "server/store_invocations.h"
#include "server/views.h"
#include "tests/unit/tmpdir.h"

enum { BOUND = 4096 }; /* server/async.c MAX_PENDING_RECORDS */
/* The records' tenant must exist (a deleted tenant's records are skipped). */
#define TOKEN_SHA  "0000000000000000000000000000000000000000000000000000000000000001"
#define TOKEN_SHA2 "0000000000000000000000000000000000000000000000000000000000000002"

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
	    gofn_store_tenant_add(gofn_async_store(rec), "t1", TOKEN_SHA, &e) < 0 ||
	    gofn_store_tenant_add(gofn_async_store(rec), "t2", TOKEN_SHA2, &e) < 0) {
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

/* Record i of a call whose request read the deletion count epoch. */
static void note_at(int i, const char *tenant, uint64_t epoch, const gofn_outcome *o)
{
	char id[40];

	snprintf(id, sizeof id, "inv_rec%05d", i);
	gofn_async_note_sync(rec, id, tenant, epoch, "fn_1", "main.F", 1000, o);
}

static void note_as(int i, const char *tenant, const gofn_outcome *o)
{
	note_at(i, tenant, gofn_async_epoch(rec), o);
}

static void note(int i)
{
	gofn_outcome o = {.status = GOFN_STATUS_OK, .duration_us = 100};

	note_as(i, "t1", &o);
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

/* Another connection's exclusive lock on the store, so that the
 * recorder's writes fail. It waits for the dispatcher, whose first garbage
 * collection may be writing right after setup (SQLITE_BUSY at once made
 * this test fail 1 run in 10 under ctest --repeat). */
static sqlite3 *lock_store(void)
{
	sqlite3 *lock;

	assert_int_equal(sqlite3_open(db, &lock), SQLITE_OK);
	sqlite3_busy_timeout(lock, 600000);
	assert_int_equal(sqlite3_exec(lock, "BEGIN EXCLUSIVE", NULL, NULL, NULL), SQLITE_OK);
	return lock;
}

static void full_recorder_refuses_and_a_failed_write_is_kept(void **state)
{
	sqlite3 *lock;
	gofn_err e = {0};

	(void)state;
	/* Another writer holds the database: the recorder's writes fail
	 * (SQLITE_BUSY after the store's 5 s busy timeout). */
	lock = lock_store();
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

enum { HELD = 20 }; /* records of t1 held in the next test: 0..9 written, 10..19 waiting */

/* Records from..to-1 of t1, each reserved first; odd ones failed with an error. */
static void note_held(int from, int to)
{
	gofn_err e = {0};

	for (int i = from; i < to; i++) {
		gofn_outcome o = {.status = i % 2 ? GOFN_STATUS_ERROR : GOFN_STATUS_OK,
				  .duration_us = i % 2 ? 3000 : 100};
		snprintf(o.error, sizeof o.error, "%s", i % 2 ? "bad input" : "");
		assert_int_equal(gofn_async_reserve(rec, gofn_now_ms(), &e), 0);
		note_as(i, "t1", &o);
	}
}

/* The held row of id i as GET /invocations/{id} shows it, or NULL. */
static json_t *held_json(const char *tenant, int i)
{
	char id[40];
	gofn_inv_row row;

	snprintf(id, sizeof id, "inv_rec%05d", i);
	return gofn_async_held_get(rec, tenant, id, &row) ? gofn_invocation_json(&row) : NULL;
}

static json_t *stored_json(const char *tenant, int i)
{
	char id[40];
	gofn_inv_row row;
	gofn_err e = {0};

	snprintf(id, sizeof id, "inv_rec%05d", i);
	if (gofn_store_inv_get(gofn_async_store(rec), tenant, id, &row, &e) != 0)
		return NULL;
	json_t *j = gofn_invocation_json(&row);
	gofn_inv_row_clear(&row);
	return j;
}

/* The ids GET /invocations would take from memory, as "ddd ddd …". */
static void held_list(const char *tenant, const char *function, const char *status, int limit,
		      char *out, size_t cap)
{
	gofn_inv_filter f = {
	    .tenant = tenant, .function = function, .status = status, .limit = limit};
	gofn_inv_row *rows;
	size_t n, at = 0;
	gofn_err e = {0};

	assert_int_equal(gofn_async_held_list(rec, &f, &rows, &n, &e), 0);
	out[0] = 0;
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(rows[i].mode, "sync");
		at += (size_t)snprintf(out + at, cap - at, "%s%s", i ? " " : "", rows[i].id + 7);
	}
	gofn_inv_rows_free(rows, n);
}

/* Before, GET /invocations/{id} right after a sync call's reply was 404
 * until the recorder's batch was written (200 ms, or for as long as the
 * store is locked or down). Rows 0..9 are in the batch whose write fails,
 * rows 10..19 wait behind it; both are found, as they will be stored. */
static void held_records_are_found_as_stored(void **state)
{
	sqlite3 *lock;
	json_t *held[HELD];
	char ids[256];
	gofn_outcome other = {.status = GOFN_STATUS_OK, .duration_us = 7};

	(void)state;
	lock = lock_store();
	note_held(0, HELD / 2);
	/* the recorder took them and failed to write them: they are its batch */
	while (metric("gofn_sync_record_write_failures_total") == 0)
		pause_a_little();
	note_held(HELD / 2, HELD);
	gofn_err e = {0};
	assert_int_equal(gofn_async_reserve(rec, gofn_now_ms(), &e), 0);
	note_as(HELD, "t2", &other);
	for (int i = 0; i < HELD; i++) {
		held[i] = held_json("t1", i);
		assert_non_null(held[i]);
		assert_string_equal(json_string_value(json_object_get(held[i], "status")),
				    i % 2 ? "error" : "ok");
		/* another tenant never sees it */
		assert_null(held_json("t2", i));
	}
	assert_null(held_json("t1", HELD)); /* t2's */
	json_t *theirs = held_json("t2", HELD);
	assert_non_null(theirs);
	json_decref(theirs);
	assert_null(held_json("t1", HELD + 1)); /* never noted */
	held_list("t1", NULL, NULL, 1000, ids, sizeof ids);
	assert_string_equal(ids, "00019 00018 00017 00016 00015 00014 00013 00012 00011 00010 "
				 "00009 00008 00007 00006 00005 00004 00003 00002 00001 00000");
	held_list("t1", NULL, NULL, 3, ids, sizeof ids);
	assert_string_equal(ids, "00019 00018 00017");
	held_list("t1", "fn_1", "error", 4, ids, sizeof ids);
	assert_string_equal(ids, "00019 00017 00015 00013");
	held_list("t1", "fn_2", NULL, 10, ids, sizeof ids);
	assert_string_equal(ids, "");
	held_list("t1", NULL, "queued", 10, ids, sizeof ids);
	assert_string_equal(ids, "");
	held_list("t2", NULL, NULL, 10, ids, sizeof ids);
	assert_string_equal(ids, "00020");
	/* Once written, the store answers exactly what memory did. */
	assert_int_equal(sqlite3_exec(lock, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(lock);
	while (gofn_async_records_held(rec) > 0)
		pause_a_little();
	for (int i = 0; i < HELD; i++) {
		json_t *stored = stored_json("t1", i);
		assert_non_null(stored);
		if (!json_equal(held[i], stored)) {
			char *h = json_dumps(held[i], JSON_SORT_KEYS);
			char *st = json_dumps(stored, JSON_SORT_KEYS);
			fail_msg("record %d: held %s, stored %s", i, h, st);
		}
		assert_null(held_json("t1", i)); /* no longer in memory */
		json_decref(stored);
		json_decref(held[i]);
	}
	assert_null(stored_json("t2", 0));
}

/* Whether record i of tenant is anywhere: in memory or in the store. */
static int seen(const char *tenant, int i)
{
	char id[40];
	gofn_inv_row row;
	gofn_err e = {0};

	snprintf(id, sizeof id, "inv_rec%05d", i);
	if (gofn_async_held_get(rec, tenant, id, &row))
		return 1;
	int rc = gofn_store_inv_get(gofn_async_store(rec), tenant, id, &row, &e);
	assert_int_not_equal(rc, -1);
	if (rc == 0)
		gofn_inv_row_clear(&row);
	return rc == 0;
}

/* A tenant deleted and created again under its name at once (an admin's
 * DELETE then POST /tenants) while the old tenant's calls still run, and
 * while its records wait in memory: before, both kinds reached the new
 * tenant, whose GET /invocations answered them; none may. */
static void a_deleted_tenants_records_never_reach_its_successor(void **state)
{
	gofn_outcome o = {.status = GOFN_STATUS_OK, .duration_us = 5};
	gofn_err e = {0};
	sqlite3 *lock;

	(void)state;
	uint64_t before = gofn_async_epoch(rec); /* the old tenant's requests read this */
	lock = lock_store();			 /* the records wait in memory */
	for (int i = 0; i < 7; i++)		 /* 0-4 t1's, 5 t2's, 6 t1's call still running */
		assert_int_equal(gofn_async_reserve(rec, gofn_now_ms(), &e), 0);
	for (int i = 0; i < 5; i++)
		note_at(i, "t1", before, &o);
	note_at(5, "t2", before, &o);
	assert_true(seen("t1", 0));
	assert_int_equal(sqlite3_exec(lock, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(lock);
	/* gofn_tenant_remove's order: the store, then the recorder */
	assert_int_equal(gofn_store_tenant_del(gofn_async_store(rec), "t1", &e), 0);
	gofn_async_forget_tenant(rec, "t1");
	assert_true(gofn_async_epoch(rec) > before);
	assert_int_equal(gofn_store_tenant_add(gofn_async_store(rec), "t1", TOKEN_SHA, &e), 0);
	note_at(6, "t1", before, &o); /* the old tenant's late call */
	assert_int_equal(gofn_async_reserve(rec, gofn_now_ms(), &e), 0);
	note_at(7, "t1", gofn_async_epoch(rec), &o); /* the new tenant's */
	for (int i = 0; i <= 6; i++)
		assert_false(seen("t1", i));
	assert_true(seen("t1", 7));
	assert_true(seen("t2", 5));
	while (gofn_async_records_held(rec) > 0) /* all written or dropped */
		pause_a_little();
	for (int i = 0; i <= 6; i++)
		assert_false(seen("t1", i));
	assert_true(seen("t1", 7));
	assert_true(seen("t2", 5));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(full_recorder_refuses_and_a_failed_write_is_kept, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(unreserve_gives_the_slot_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(a_call_at_the_bound_waits_for_room, setup, teardown),
	    cmocka_unit_test_setup_teardown(held_records_are_found_as_stored, setup, teardown),
	    cmocka_unit_test_setup_teardown(a_deleted_tenants_records_never_reach_its_successor,
					    setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
