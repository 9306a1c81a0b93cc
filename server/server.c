#include "server/server.h"

#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api/frame_io.h"
#include "common/goversion.h"
#include "common/io.h"
#include "sandbox/sandbox.h"
#include "server/async.h"
#include "server/crypto.h"
#include "server/http.h"
#include "server/http_guard.h"
#include "server/log.h"
#include "server/objects.h"
#include "server/prepared.h"
#include "server/profiles.h"
#include "server/runtimes.h"
#include "server/worker.h"

/* libmicrohttpd's memory per connection (its default, named here): the
 * request line and headers must fit in it. Beyond it libmicrohttpd answers
 * 414/431 itself, as JSON with our build (third_party/libmicrohttpd); gofnd's
 * own, smaller limits (server/http_shape.c) answer everything below it. */
#define HTTP_CONNECTION_MEMORY (32u * 1024u)

/* After the grace: how long calls get to notice their workers died. */
#define SHUTDOWN_DRAIN_MS 3000

/* A store with settings (PostgreSQL) keeps the admin token's hash for
 * every replica: the first one to start generates the token and prints it
 * once; the others take the stored hash. 1: the store keeps no settings. */
static int admin_token_shared(gofn_server *s, gofn_err *e)
{
	char secret[GOFN_SECRET_HEX], tok[128], mine[GOFN_SHA256_HEX], got[GOFN_SHA256_HEX + 8];

	if (gofn_random_hex(secret, 32, e) < 0)
		return -1;
	snprintf(tok, sizeof tok, "gofn_admin_%s", secret);
	gofn_sha256_hex(tok, strlen(tok), mine);
	int rc = gofn_store_setting(s->store, "admin_sha256", mine, got, sizeof got, e);
	if (rc != 0)
		return rc;
	if (strlen(got) != GOFN_SHA256_HEX - 1)
		return gofn_errf(e, GOFN_EINVAL, "the store's admin_sha256 is not a SHA-256");
	snprintf(s->admin_sha256, sizeof s->admin_sha256, "%s", got);
	if (strcmp(got, mine) == 0) {
		printf("gofnd: generated admin token (its hash is in the database): %s\n", tok);
		fflush(stdout);
	}
	return 0;
}

/* The admin token: GOFN_ADMIN_TOKEN, else the store's (PostgreSQL), else
 * DATA/admin-token (created once, mode 0600, and printed that one time).
 * Only its hash stays in memory. */
static int admin_token(gofn_server *s, gofn_err *e)
{
	char path[1100], tok[128] = "";
	const char *env = getenv("GOFN_ADMIN_TOKEN");

	if (env && *env) {
		gofn_sha256_hex(env, strlen(env), s->admin_sha256);
		return 0;
	}
	int rc = admin_token_shared(s, e);
	if (rc <= 0)
		return rc;
	snprintf(path, sizeof path, "%s/admin-token", s->cfg.data_dir);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = gofn_read_full(fd, tok, sizeof tok - 1);
		close(fd);
		if (n <= 0)
			return gofn_errf(e, GOFN_EINVAL, "%s is empty", path);
		tok[n] = 0;
		tok[strcspn(tok, "\r\n")] = 0;
		gofn_sha256_hex(tok, strlen(tok), s->admin_sha256);
		return 0;
	}
	char secret[65];
	if (gofn_random_hex(secret, 32, e) < 0)
		return -1;
	snprintf(tok, sizeof tok, "gofn_admin_%s", secret);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return gofn_errsys(e, "create %s", path);
	dprintf(fd, "%s\n", tok);
	if (fsync(fd) < 0) {
		close(fd);
		return gofn_errsys(e, "fsync %s", path);
	}
	close(fd);
	printf("gofnd: generated admin token (also in %s): %s\n", path, tok);
	fflush(stdout);
	gofn_sha256_hex(tok, strlen(tok), s->admin_sha256);
	return 0;
}

/* Spawns one confined worker to learn whether the sandbox works here. */
static int probe_sandbox(gofn_server *s, gofn_err *e)
{
	gofn_worker *w;
	gofn_err pe = {0};

	s->confined = 0;
	if (s->cfg.sandbox == 0) {
		snprintf(s->sandbox_note, sizeof s->sandbox_note, "disabled by --sandbox 0");
		return 0;
	}
	char exe[sizeof s->cfg.loader_path + 64];
	if (gofn_runtime_worker(&s->cfg, gofn_go_releases[0].toolchain, exe, sizeof exe, e) < 0)
		return -1;
	if (gofn_worker_spawn(&s->cfg, exe, 1, NULL, gofn_now_ms() + 10000, &w, &pe) == 0) {
		s->confined = 1;
		s->layers = w->sp.proc.layers;
		gofn_worker_destroy(w);
		return 0;
	}
	if (s->cfg.sandbox == 1)
		return gofn_errf(e, GOFN_ESYS, "sandbox required but unavailable: %s", pe.msg);
	snprintf(s->sandbox_note, sizeof s->sandbox_note,
		 "sandbox unavailable, workers run UNCONFINED: %.400s", pe.msg);
	gofn_log("warn", "sandbox_unavailable", json_pack("{s:s}", "error", pe.msg));
	return 0;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	(void)cls;
	vsnprintf(msg, sizeof msg, fmt, ap);
	msg[strcspn(msg, "\n")] = 0;
	gofn_log("warn", "http_library", json_pack("{s:s}", "message", msg));
}

static int listen_http(gofn_server *s, gofn_err *e)
{
	struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
				 .ai_socktype = SOCK_STREAM},
			*ai;
	char port[16];

	snprintf(port, sizeof port, "%d", s->cfg.listen_port);
	int rc = getaddrinfo(s->cfg.listen_host, port, &hints, &ai);
	if (rc != 0)
		return gofn_errf(e, GOFN_EINVAL, "--listen %s: %s (want a numeric address)",
				 s->cfg.listen_host, gai_strerror(rc));
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
			 MHD_USE_POLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	s->guard = gofn_guard_start(s->cfg.header_timeout_ms, s->cfg.body_timeout_ms);
	if (!s->guard) {
		freeaddrinfo(ai);
		return gofn_errf(e, GOFN_ENOMEM, "cannot start the request deadline watchdog");
	}
	/* The logger goes first so that MHD's own messages are JSON too. The
	 * idle timeout is for silence between requests; a request that is
	 * arriving has the guard's deadlines. */
	s->mhd = MHD_start_daemon(
	    flags, 0, NULL, NULL, gofn_http_access, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s,
	    MHD_OPTION_SOCK_ADDR, ai->ai_addr, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    (size_t)HTTP_CONNECTION_MEMORY, MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned)s->cfg.max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    (unsigned)s->cfg.max_connections_per_client, MHD_OPTION_CONNECTION_TIMEOUT, 120u,
	    MHD_OPTION_NOTIFY_CONNECTION, gofn_guard_notify, s->guard, MHD_OPTION_UNESCAPE_CALLBACK,
	    gofn_http_unescape, NULL, MHD_OPTION_NOTIFY_COMPLETED, gofn_http_completed, s,
	    MHD_OPTION_END);
	freeaddrinfo(ai);
	if (!s->mhd)
		return gofn_errf(e, GOFN_ESYS, "listen on %s:%d failed (address in use?)",
				 s->cfg.listen_host, s->cfg.listen_port);
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
	s->bound_port = di ? di->port : s->cfg.listen_port;
	return 0;
}

/* Objects a database from before PostgreSQL held bytes knows only as
 * files here (issue 19): into the database, so every replica serves them. */
static int migrate_blobs(gofn_server *s, gofn_err *e)
{
	int64_t copied, absent;

	if (gofn_store_migrate_blobs(s->store, s->cfg.data_dir, s->cfg.max_object, &copied, &absent,
				     e) < 0)
		return gofn_errctx(e, "copying object files into the database");
	if (copied || absent)
		gofn_log(absent ? "warn" : "info", "blobs_migrated",
			 json_pack("{s:I, s:I}", "copied", (json_int_t)copied, "without_bytes_here",
				   (json_int_t)absent));
	return 0;
}

int gofn_server_start(gofn_server *s, gofn_err *e)
{
	char db[1100];

	if (mkdir(s->cfg.data_dir, 0700) < 0 && errno != EEXIST)
		return gofn_errsys(e, "mkdir %s", s->cfg.data_dir);
	if (gofn_objects_init(s->cfg.data_dir, e) < 0)
		return -1;
	snprintf(db, sizeof db, "%s/gofn.db", s->cfg.data_dir);
	if (gofn_store_open_config(&s->cfg, db, &s->store, e) < 0 || admin_token(s, e) < 0)
		return -1;
	if (migrate_blobs(s, e) < 0)
		return -1;
	if (gofn_profiles_open(&s->cfg, db, &s->profiles, e) < 0)
		return -1;
	gofn_prepared_share(&s->cfg);
	s->pool = gofn_pool_new(&s->cfg);
	s->metrics = gofn_metrics_new();
	if (!s->pool || !s->metrics)
		return gofn_errf(e, GOFN_ENOMEM, "out of memory");
	gofn_runtimes_check(&s->cfg);
	if (probe_sandbox(s, e) < 0 || gofn_prepared_start(s, &s->prepared, e) < 0 ||
	    gofn_async_start(s, db, &s->async, e) < 0 || listen_http(s, e) < 0)
		return -1;
	char layers[256];
	gofn_log("info", "listening",
		 json_pack("{s:s, s:i, s:s, s:b, s:s}", "host", s->cfg.listen_host, "port",
			   s->bound_port, "data", s->cfg.data_dir, "confined", s->confined,
			   "layers", gofn_sandbox_layers_str(s->layers, layers, sizeof layers)));
	return 0;
}

/* The grace is over: calls still running end now (their workers die, so
 * their threads see the end of the control socket and answer "killed"),
 * queued ones are refused. */
static void cut_short(gofn_server *s)
{
	gofn_pool_close(s->pool);
	int n = gofn_workers_kill_all();
	gofn_log("warn", "shutdown_grace_expired",
		 json_pack("{s:i, s:i}", "active", atomic_load(&s->active), "workers_killed", n));
	int64_t end = gofn_now_ms() + SHUTDOWN_DRAIN_MS;
	while (atomic_load(&s->active) > 0 && gofn_now_ms() < end)
		usleep(10000);
}

void gofn_server_stop(gofn_server *s)
{
	atomic_store(&s->shutting_down, 1);
	gofn_log("info", "shutting_down", json_pack("{s:i}", "active", atomic_load(&s->active)));
	if (s->mhd) {
		MHD_socket ls = MHD_quiesce_daemon(s->mhd);
		if (ls != MHD_INVALID_SOCKET)
			close(ls);
		int64_t end = gofn_now_ms() + s->cfg.shutdown_grace_ms;
		while (atomic_load(&s->active) > 0 && gofn_now_ms() < end)
			usleep(10000);
		if (atomic_load(&s->active) > 0)
			cut_short(s);
		MHD_stop_daemon(s->mhd);
		s->mhd = NULL;
	}
	gofn_async_stop(s->async, s->cfg.shutdown_grace_ms);
	s->async = NULL;
	gofn_guard_stop(s->guard);
	s->guard = NULL;
	gofn_prepared_stop(s->prepared);
	s->prepared = NULL;
	gofn_pool_free(s->pool, 1000);
	s->pool = NULL;
	gofn_profiles_close(s->profiles);
	s->profiles = NULL;
	gofn_store_close(s->store);
	s->store = NULL;
	gofn_metrics_free(s->metrics);
	s->metrics = NULL;
	gofn_log("info", "stopped", NULL);
}
