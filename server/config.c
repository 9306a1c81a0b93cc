/* Each setting is one row of `opts`: flag name, env name, kind, where. */
#include "server/config.h"
#include "server/prepared_uid.h"
#include "server/tenant_uid.h"

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/limits.h"
#include "common/goversion.h"

enum kind {
	K_STR,
	K_SIZE,
	K_I64,
	K_I64Z,
	K_INT,
	K_INTZ,
	K_LISTEN,
	K_BOOL,
	K_MODE,
	K_UIDS,
	K_PUIDS
};

typedef struct opt {
	const char *flag, *env, *help;
	enum kind kind;
	size_t off, size;
} opt;

#define O(f, env, k, field, help)                                                                  \
	{                                                                                          \
		f, env, help, k, offsetof(gofn_config, field), sizeof(((gofn_config *)0)->field)   \
	}

static const opt opts[] = {
    O("--listen", "GOFN_LISTEN", K_LISTEN, listen_port, "HOST:PORT to listen on (127.0.0.1:8080)"),
    O("--data", "GOFN_DATA", K_STR, data_dir, "data directory (./data)"),
    O("--loader", "GOFN_LOADER", K_STR, loader_path,
      "gofn-loader path (next to gofnd); its per-release workers gofn-loader-go1.NN sit beside it"),
    O("--public-url", "GOFN_PUBLIC_URL", K_STR, public_url, "base URL for links (from Host)"),
    O("--max-object", "GOFN_MAX_OBJECT", K_SIZE, max_object,
      "bytes of an upload, and of a function's objects together (128 MiB)"),
    O("--max-body", "GOFN_MAX_BODY", K_SIZE, max_body, "other request body bytes (4 MiB)"),
    O("--max-output", "GOFN_MAX_OUTPUT", K_SIZE, max_output,
      "bytes kept per output stream (1 MiB)"),
    O("--max-result", "GOFN_MAX_RESULT", K_SIZE, max_result,
      "bytes of one call's result; more is status error (8 MiB)"),
    O("--timeout-ms", "GOFN_TIMEOUT_MS", K_I64, timeout_ms, "default invocation timeout (10000)"),
    O("--max-timeout-ms", "GOFN_MAX_TIMEOUT_MS", K_I64, max_timeout_ms,
      "largest ?timeout_ms (300000)"),
    O("--load-timeout-ms", "GOFN_LOAD_TIMEOUT_MS", K_I64, load_timeout_ms,
      "object load timeout (30000)"),
    O("--workers", "GOFN_WORKERS", K_INT, workers_per_tenant, "workers per tenant (4)"),
    O("--queue", "GOFN_QUEUE", K_INT, queue_per_tenant, "queued invocations per tenant (64)"),
    O("--max-workers", "GOFN_MAX_WORKERS", K_INT, max_workers,
      "worker processes of all tenants together; idle ones are evicted LRU first (256)"),
    O("--warm-workers", "GOFN_WARM_WORKERS", K_INTZ, warm_workers,
      "of those, how many stay once idle for --warm-idle-ms, LRU first; 0 = all (0)"),
    O("--warm-idle-ms", "GOFN_WARM_IDLE_MS", K_I64, warm_idle_ms,
      "idle time after which workers beyond --warm-workers are stopped (60000)"),
    O("--max-starting", "GOFN_MAX_STARTING", K_INT, max_starting,
      "cold starts in progress at once, all tenants; more calls wait (2 per CPU, at least 2)"),
    O("--max-functions", "GOFN_MAX_FUNCTIONS", K_INT, functions_per_tenant,
      "functions per tenant (100)"),
    O("--max-inflight", "GOFN_MAX_INFLIGHT", K_SIZE, max_inflight,
      "request body bytes buffered at once, all requests (512 MiB)"),
    O("--max-connections", "GOFN_MAX_CONNECTIONS", K_INT, max_connections,
      "HTTP connections (512)"),
    O("--max-connections-per-client", "GOFN_MAX_CONNECTIONS_PER_CLIENT", K_INT,
      max_connections_per_client, "HTTP connections from one client address (128)"),
    O("--header-timeout-ms", "GOFN_HEADER_TIMEOUT_MS", K_I64, header_timeout_ms,
      "from a request's first byte to the end of its headers (10000)"),
    O("--body-timeout-ms", "GOFN_BODY_TIMEOUT_MS", K_I64, body_timeout_ms,
      "from the end of a request's headers to the end of its body (60000)"),
    O("--profile-windows", "GOFN_PROFILE_WINDOWS", K_INT, profile_windows_per_tenant,
      "open profile windows per tenant (2)"),
    O("--idle-ms", "GOFN_IDLE_MS", K_I64, idle_ms, "stop warm workers idle this long (300000)"),
    O("--shutdown-grace-ms", "GOFN_SHUTDOWN_GRACE_MS", K_I64, shutdown_grace_ms,
      "SIGTERM grace (30000)"),
    O("--sandbox", "GOFN_SANDBOX", K_MODE, sandbox,
      "confine workers: auto, 1 (required) or 0 (auto)"),
    O("--print-routes", NULL, K_BOOL, print_routes, "print the route table and exit"),
    O("--profile-keep", "GOFN_PROFILE_KEEP", K_INT, profile_keep, "profiles kept per tenant (100)"),
    O("--profile-max-age", "GOFN_PROFILE_MAX_AGE", K_I64, profile_max_age_s,
      "seconds a profile is kept (604800)"),
    O("--profile-token-ttl", "GOFN_PROFILE_TOKEN_TTL", K_I64, profile_token_ttl_s,
      "seconds a profile URL's token is valid (3600)"),
    O("--store", "GOFN_STORE", K_STR, store, "metadata store: sqlite or postgres (sqlite)"),
    O("--uid-range", "GOFN_UID_RANGE", K_UIDS, uid_base,
      "host uids for tenants' workers, BASE:COUNT or off (1000000:65536)"),
    O("--prepared", "GOFN_PREPARED", K_INTZ, prepared,
      "confined workers kept ready for any tenant's first call, per Go release in use; 0 = off "
      "(2)"),
    O("--prepared-uids", "GOFN_PREPARED_UIDS", K_PUIDS, prepared_uid_base,
      "one-time host uids of prepared workers, BASE:COUNT apart from --uid-range "
      "(3000000000:1000000000)"),
    O("--call-cpu-ms", "GOFN_CALL_CPU_MS", K_I64Z, call_cpu_ms,
      "CPU time one call may use, 0 = no limit (10000)"),
    O("--idle-cpu-ms", "GOFN_IDLE_CPU_MS", K_I64, idle_cpu_ms,
      "CPU an idle warm worker may use before it is killed (200)"),
    O("--worker-mem", "GOFN_WORKER_MEM", K_SIZE, worker_mem, "memory of one worker (256 MiB)"),
    O("--cpu-weight", "GOFN_CPU_WEIGHT", K_INT, cpu_weight,
      "a tenant's CPU weight unless it has its own, 1..10000 (100)"),
    O("--cpu-quota-pct", "GOFN_CPU_QUOTA_PCT", K_INTZ, cpu_quota_pct,
      "a tenant's CPU cap unless it has its own, % of one CPU, 0 = none (0)"),
    O("--database-url", "GOFN_DATABASE_URL", K_STR, database_url,
      "PostgreSQL conninfo or URL (--store postgres)"),
    O("--async-queue", "GOFN_ASYNC_QUEUE", K_INT, async_queue,
      "queued async invocations per tenant (1000)"),
    O("--async-workers", "GOFN_ASYNC_WORKERS", K_INT, async_workers,
      "workers per tenant async may hold (--workers - 1, at least 1)"),
    O("--async-runners", "GOFN_ASYNC_RUNNERS", K_INT, async_runners,
      "async invocations run at once by this gofnd (8)"),
    O("--async-lease-ms", "GOFN_ASYNC_LEASE_MS", K_I64, async_lease_ms,
      "a running async invocation's claim lapses this long after gofnd stops renewing it "
      "(30000)"),
    O("--result-ttl", "GOFN_RESULT_TTL", K_I64, result_ttl_s,
      "seconds finished invocations are kept (86400)"),
    O("--store-cache-ms", "GOFN_STORE_CACHE_MS", K_I64Z, store_cache_ms,
      "ms a cached token or function lookup is trusted; another replica's change shows within "
      "it, this gofnd's at once; 0 = no cache (1000)"),
    O("--result-keep", "GOFN_RESULT_KEEP", K_INT, result_keep,
      "finished invocations kept per tenant, async and sync each (1000)"),
};

/* A cold start is a fork, an exec, a Go runtime's start and a load: tens
 * of milliseconds of CPU each, with waits in the kernel between (cgroup
 * moves, docs/benchmarks.md row 4). Two per CPU keep the CPUs busy through
 * those waits; 1,000 at once on 2 CPUs drove the load average to 232 and
 * none finished in time (docs/benchmarks.md, "1,000 tenants: cold-start
 * storms"). The CPUs this process may run on (its affinity, a container's
 * cpuset), not the host's. */
int gofn_config_default_starting(void)
{
	cpu_set_t set;
	int n = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 0;

	if (n <= 0)
		n = (int)sysconf(_SC_NPROCESSORS_ONLN);
	return n > 1 ? 2 * n : 2;
}

void gofn_config_defaults(gofn_config *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->listen_host, sizeof c->listen_host, "127.0.0.1");
	c->listen_port = 8080;
	snprintf(c->data_dir, sizeof c->data_dir, "./data");
	c->max_object = 128u << 20; /* gin's dependency tree: 101 MiB (server/store.h) */
	c->max_body = 4u << 20;
	c->max_output = 1u << 20;
	c->max_result = GOFN_RESULT_MAX_DEFAULT;
	c->timeout_ms = 10000;
	c->max_timeout_ms = 300000;
	c->load_timeout_ms = 30000;
	c->workers_per_tenant = 4;
	c->queue_per_tenant = 64;
	/* An idle warm worker's PSS is about 2.9 MiB (docs/benchmarks.md row 6):
	 * 256 of them are about 740 MiB, so gofnd and its workers stay in 1 GiB
	 * with room for the busy ones' heaps. */
	c->max_workers = 256;
	c->max_starting = gofn_config_default_starting();
	c->functions_per_tenant = 100;
	c->max_connections = 512;
	c->max_connections_per_client = 128;
	c->header_timeout_ms = 10000;
	c->body_timeout_ms = 60000;
	c->profile_windows_per_tenant = 2;
	c->max_inflight = 512u << 20;
	c->shutdown_grace_ms = 30000;
	c->idle_ms = 300000;
	c->warm_idle_ms = 60000;
	c->sandbox = -1;
	c->profile_keep = 100;
	c->profile_max_age_s = 7 * 24 * 3600;
	c->profile_token_ttl_s = 3600;
	snprintf(c->store, sizeof c->store, "sqlite");
	c->uid_base = 1000000;
	c->uid_count = 65536;
	c->prepared = 2;
	c->prepared_uid_base = 3000000000u;
	c->prepared_uid_count = 1000000000u;
	c->call_cpu_ms = 10000;
	c->idle_cpu_ms = 200;
	c->worker_mem = 256u << 20;
	c->cpu_weight = 100;
	c->async_queue = 1000;
	c->async_runners = 8;
	c->async_lease_ms = 30000;
	c->result_ttl_s = 24 * 3600;
	c->result_keep = 1000;
	c->store_cache_ms = GOFN_STORE_CACHE_MS;

	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = 0;
		char *slash = strrchr(self, '/');
		if (slash)
			*slash = 0;
		snprintf(c->loader_path, sizeof c->loader_path, "%.1000s/gofn-loader", self);
	}
}

static int parse_listen(gofn_config *c, const char *v, gofn_err *e)
{
	const char *colon = strrchr(v, ':');
	char *end;

	if (!colon || colon == v || (size_t)(colon - v) >= sizeof c->listen_host)
		return gofn_errf(e, GOFN_EINVAL, "--listen %s: want HOST:PORT", v);
	long port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535 || end == colon + 1)
		return gofn_errf(e, GOFN_EINVAL, "--listen %s: bad port", v);
	const char *h = v;
	size_t hl = (size_t)(colon - v);
	if (h[0] == '[' && hl >= 2 && h[hl - 1] == ']') { /* [::1]:8080 */
		h++;
		hl -= 2;
	}
	memcpy(c->listen_host, h, hl);
	c->listen_host[hl] = 0;
	c->listen_port = (int)port;
	return 0;
}

static int parse_number(const opt *o, const char *v, long long min, long long *out, gofn_err *e)
{
	char *end;

	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (errno || end == v || *end || n < min)
		return gofn_errf(e, GOFN_EINVAL, "%s %s: want an integer >= %lld", o->flag, v, min);
	*out = n;
	return 0;
}

static int apply(gofn_config *c, const opt *o, const char *v, gofn_err *e)
{
	char *field = (char *)c + o->off;
	long long n = 0; /* -O3 cannot see parse_number sets it on success */

	switch (o->kind) {
	case K_LISTEN:
		return parse_listen(c, v, e);
	case K_STR:
		if (strlen(v) >= o->size)
			return gofn_errf(e, GOFN_EINVAL, "%s: value too long", o->flag);
		memcpy(field, v, strlen(v) + 1);
		return 0;
	case K_MODE:
		if (strcmp(v, "auto") == 0) {
			*(int *)field = -1;
			return 0;
		}
		/* fall through */
	case K_BOOL:
		if (strcmp(v, "1") && strcmp(v, "0"))
			return gofn_errf(e, GOFN_EINVAL, "%s %s: want 1 or 0", o->flag, v);
		*(int *)field = v[0] == '1';
		return 0;
	case K_SIZE:
		if (parse_number(o, v, 1, &n, e) < 0)
			return -1;
		*(size_t *)field = (size_t)n;
		return 0;
	case K_I64:
	case K_I64Z:
		if (parse_number(o, v, o->kind == K_I64, &n, e) < 0)
			return -1;
		*(int64_t *)field = n;
		return 0;
	case K_INT:
	case K_INTZ:
		if (parse_number(o, v, o->kind == K_INT, &n, e) < 0 || n > INT_MAX)
			return gofn_errf(e, GOFN_EINVAL, "%s %s: want %d..%d", o->flag, v,
					 o->kind == K_INT, INT_MAX);
		*(int *)field = (int)n;
		return 0;
	case K_UIDS:
		return gofn_uid_range_parse(c, v, e);
	case K_PUIDS:
		return gofn_puids_parse(c, v, e);
	}
	return 0;
}

int gofn_config_load(gofn_config *c, int argc, char **argv, gofn_err *e)
{
	size_t nopts = sizeof opts / sizeof opts[0];

	for (size_t i = 0; i < nopts; i++) {
		const char *v = opts[i].env ? getenv(opts[i].env) : NULL;
		if (v && *v && apply(c, &opts[i], v, e) < 0)
			return gofn_errctx(e, "%s", opts[i].env);
	}
	for (int a = 1; a < argc; a++) {
		const opt *o = NULL;
		for (size_t i = 0; i < nopts && !o; i++)
			if (strcmp(argv[a], opts[i].flag) == 0)
				o = &opts[i];
		if (!o)
			return gofn_errf(e, GOFN_EINVAL, "unknown flag %s (see --help)", argv[a]);
		if (o->kind == K_BOOL && (a + 1 == argc || argv[a + 1][0] == '-')) {
			*(int *)((char *)c + o->off) = 1;
			continue;
		}
		if (a + 1 == argc)
			return gofn_errf(e, GOFN_EINVAL, "%s needs a value", o->flag);
		if (apply(c, o, argv[++a], e) < 0)
			return -1;
	}
	if (c->max_result > GOFN_RESULT_MAX_CEILING)
		return gofn_errf(e, GOFN_EINVAL, "--max-result %zu: at most %u", c->max_result,
				 GOFN_RESULT_MAX_CEILING);
	if (c->max_output > GOFN_OUTPUT_MAX_CEILING)
		return gofn_errf(e, GOFN_EINVAL, "--max-output %zu: at most %u", c->max_output,
				 GOFN_OUTPUT_MAX_CEILING);
	if (c->timeout_ms > c->max_timeout_ms)
		c->max_timeout_ms = c->timeout_ms;
	if (c->cpu_weight > 10000)
		return gofn_errf(e, GOFN_EINVAL, "--cpu-weight %d: want 1..10000", c->cpu_weight);
	if (c->prepared > 64)
		return gofn_errf(e, GOFN_EINVAL, "--prepared %d: want 0..64", c->prepared);
	if (gofn_puids_check(c, e) < 0)
		return -1;
	if (strcmp(c->store, "sqlite") && strcmp(c->store, "postgres"))
		return gofn_errf(e, GOFN_EINVAL, "--store %s: want sqlite or postgres", c->store);
	if (!strcmp(c->store, "postgres") && !c->database_url[0])
		return gofn_errf(e, GOFN_EINVAL, "--store postgres needs --database-url");
	return 0;
}

void gofn_config_usage(void)
{
	fprintf(stderr, "usage: gofnd [flags]   (each flag also from its environment variable)\n");
	for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
		fprintf(stderr, "  %-20s %-24s %s\n", opts[i].flag, opts[i].env ? opts[i].env : "",
			opts[i].help);
	/* the same table GET /runtimes answers with */
	fprintf(stderr, "Go releases served (objects must be compiled by exactly this toolchain;\n"
			"each runs in gofn-loader-<release> next to --loader):\n");
	for (size_t i = 0; i < gofn_go_nreleases; i++)
		fprintf(stderr, "  %-8s %s\n", gofn_go_releases[i].release,
			gofn_go_releases[i].toolchain);
}
