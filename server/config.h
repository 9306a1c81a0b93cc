/* gofnd settings: defaults, then environment (GOFN_*), then flags. */
#ifndef GOFN_SERVER_CONFIG_H
#define GOFN_SERVER_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

typedef struct gofn_config {
	char listen_host[256];
	int listen_port;
	char data_dir[1024];
	char loader_path[1024]; /* the gofn-loader executable */
	char public_url[512];	/* base for absolute URLs; "" = from the Host header */
	size_t max_object;	/* bytes of an uploaded object */
	size_t max_body;	/* bytes of any other request body (invoke input, JSON) */
	size_t max_output;	/* bytes kept per stream (stdout, stderr) */
	size_t max_result;	/* bytes of one call's result (api/limits.h) */
	int64_t timeout_ms;	/* default invocation timeout */
	int64_t max_timeout_ms; /* the most ?timeout_ms= may ask for */
	int64_t load_timeout_ms;
	int workers_per_tenant;
	int queue_per_tenant;
	int max_workers;      /* worker processes of all tenants together (server/pool_budget.h) */
	int warm_workers;     /* of those, kept once idle for warm_idle_ms; 0: all */
	int64_t warm_idle_ms; /* (server/pool_budget.h) */
	int max_starting;     /* cold starts in progress at once (server/pool.h) */
	int functions_per_tenant;
	int max_connections;
	int max_connections_per_client; /* per client address (slowloris from one host) */
	int64_t header_timeout_ms;	/* first byte of a request to the end of its headers */
	int64_t body_timeout_ms;	/* end of the headers to the end of the body */
	int profile_windows_per_tenant; /* open POST /functions/{id}/profile windows */
	size_t max_inflight;		/* request body bytes held in memory across all requests */
	int64_t shutdown_grace_ms;
	int64_t idle_ms;  /* a warm worker unused this long is stopped */
	int sandbox;	  /* 1: confined or refuse to start; 0: plain processes; -1: auto */
	int profile_keep; /* profiles kept per tenant */
	int64_t profile_max_age_s;   /* profiles older than this are removed */
	int64_t profile_token_ttl_s; /* lifetime of a profile URL's capability token */
	int print_routes;
	char store[16];		 /* "sqlite" (DATA/gofn.db) or "postgres" (database_url) */
	char database_url[1024]; /* libpq conninfo or postgresql:// URL */
	/* How long a cached token -> tenant or symbol -> function answer is
	 * trusted: the bound on seeing another replica's change (server/store_cache.h). */
	int64_t store_cache_ms;
	/* Isolation between tenants (docs/security.md, "Noisy neighbours") */
	unsigned uid_base, uid_count; /* --uid-range: one host uid per tenant; count 0 = off */
	int64_t call_cpu_ms;	      /* CPU time one call may use (0: unlimited) */
	int64_t idle_cpu_ms;	      /* CPU an idle pooled worker may use before it is killed */
	size_t worker_mem;	      /* memory limit of one worker (bytes) */
	int cpu_weight;		      /* cgroup cpu weight of each tenant (1..10000) */
	int cpu_quota_pct;	      /* each tenant's CPU cap in % of one CPU (0: none) */
	/* Prepared workers (server/prepared.h) */
	int prepared; /* ready ones kept per Go release in use; 0 = off */
	unsigned prepared_uid_base, prepared_uid_count; /* their one-time host uids */
	/* Asynchronous invocations (server/async.h). */
	int async_queue;	/* queued + running async invocations per tenant */
	int async_workers;	/* a tenant's workers async may hold; 0: workers - 1 (min 1) */
	int async_runners;	/* async invocations this gofnd runs at once, all tenants */
	int64_t async_lease_ms; /* a claim lapses this long after its last heartbeat */
	int64_t result_ttl_s;	/* finished invocations are kept this long */
	int result_keep;	/* and at most this many per tenant (async and sync each) */
} gofn_config;

#define GOFN_STORE_CACHE_MS 1000 /* --store-cache-ms's default */

void gofn_config_defaults(gofn_config *c);
/* --max-starting's default: 2 per CPU gofnd may run on, at least 2. */
int gofn_config_default_starting(void);
/* Applies GOFN_* environment variables, then argv flags. */
int gofn_config_load(gofn_config *c, int argc, char **argv, gofn_err *e);
void gofn_config_usage(void);

#endif
