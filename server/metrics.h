/* Counters for GET /metrics, rendered in the Prometheus text format. */
#ifndef GOFN_SERVER_METRICS_H
#define GOFN_SERVER_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "server/pool.h"

typedef struct gofn_metrics gofn_metrics;

gofn_metrics *gofn_metrics_new(void);
void gofn_metrics_free(gofn_metrics *m);
void gofn_metrics_invocation(gofn_metrics *m, const char *tenant, const char *status,
			     int64_t duration_us);
void gofn_metrics_load(gofn_metrics *m, int ok);
void gofn_metrics_http(gofn_metrics *m, unsigned status);
void gofn_metrics_first_result(gofn_metrics *m, int64_t spawn_to_result_us);
/* Async invocations (server/async.h): claimed after waiting wait_us in the
 * queue; finished with status; the gauges as last seen. */
void gofn_metrics_async_wait(gofn_metrics *m, int64_t wait_us);
void gofn_metrics_async_done(gofn_metrics *m, const char *status);
void gofn_metrics_async_queued(gofn_metrics *m, int64_t queued);
void gofn_metrics_async_running(gofn_metrics *m, int64_t running);
/* The record of synchronous calls (server/async.c): a call refused because
 * the recorder held its bound; a batch write that failed (retried); rows
 * given up (a store still down at stop, or out of memory). */
void gofn_metrics_sync_record_refused(gofn_metrics *m);
void gofn_metrics_sync_record_write_failed(gofn_metrics *m);
void gofn_metrics_sync_records_lost(gofn_metrics *m, int64_t n);
/* malloc'd exposition text. */
char *gofn_metrics_render(gofn_metrics *m, const gofn_pool_stats *ps);

#endif
