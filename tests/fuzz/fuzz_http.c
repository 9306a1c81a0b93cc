/* libFuzzer target for gofnd's request handling: the real server (all of server/ but main.c,
 * started with gofn_server_start on 127.0.0.1, port chosen by the kernel)
 * runs inside the fuzzer and each input becomes one HTTP request over
 * loopback. The routing, auth, body limits, MHD's multipart post processor
 * feeding post_field, JSON bodies (jansson) and the handlers all run as in
 * gofnd; only workers cannot start (--loader names no file), so an upload
 * that passes every check ends in 503 instead of spawning processes.
 *
 * Input, structured (byte 0 < 0xf0):
 *   byte 0: bits 0-1 method (GET POST DELETE PUT), bits 2-3 token (none,
 *           admin, the tenant's, junk)
 *   line 1: path and query;  line 2: Content-Type (may be empty);  rest: body
 * Raw (byte 0 >= 0xf0): the rest is written to the socket as is.
 *
 * Promises checked for structured requests: an answer always comes, with a
 * status gofnd documents, never 500; every error is JSON
 * {"error":{"code","message"}}; and once the connection is gone no request
 * bytes are still counted against --max-inflight. */
#include <arpa/inet.h>
#include <errno.h>
#include <ftw.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "api/frame_io.h"
#include "common/goversion.h"
#include "common/io.h"
#include "server/server.h"

static gofn_server srv;
static FILE *gofnd_log;
static char data_dir[] = "/tmp/gofn-fuzz-http.XXXXXX";

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

/* The data dir and log go when the fuzzer exits normally; gofnd's threads
 * may still hold files there, which Linux allows. */
static void remove_data(void)
{
	char log[64];

	nftw(data_dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	snprintf(log, sizeof log, "%s.log", data_dir);
	unlink(log);
}
static char tenant_token[128];
static const char admin_token[] = "fuzz-admin-token";

/* At exit, before LeakSanitizer's check (registered first, so run last):
 * stopping the daemon joins every connection thread, so none is still
 * exiting with OpenSSL's per-thread state not yet freed by its pthread-key
 * destructor, which LeakSanitizer reported as 40 bytes from CRYPTO_zalloc
 * in about one run in ten. */
static void stop_gofnd(void)
{
	gofn_server_stop(&srv);
}

static void must(int ok)
{
	if (!ok)
		abort();
}

typedef struct buf {
	char *p;
	size_t len, cap;
} buf;

static void put(buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		must(b->p != NULL);
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = 0;
}

static void puts_(buf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* One whole answer: headers and Content-Length bytes of body. */
static int complete(const buf *r)
{
	const char *end = r->p ? strstr(r->p, "\r\n\r\n") : NULL;
	const char *cl = r->p ? strcasestr(r->p, "\r\nContent-Length:") : NULL;

	int status = 0;

	if (!end)
		return 0;
	/* 204 and 304 have no body and no Content-Length */
	if (sscanf(r->p, "HTTP/1.%*d %d", &status) == 1 && (status == 204 || status == 304))
		return 1;
	if (!cl || cl > end)
		return 0;
	return r->len >= (size_t)(end + 4 - r->p) + strtoull(cl + 17, NULL, 10);
}

/* Sends req, reads the answer until it is whole, the server closes, or
 * 10 s pass; then resets the connection. Requests are keep-alive and the
 * client closes with RST, so no side keeps the connection in TIME_WAIT:
 * at 2000 requests/s over one loopback port pair, TIME_WAIT ran out of
 * ephemeral ports (connect failed) within a minute.
 * Returns 0, or -1 when the connection was reset: a server that answers
 * before reading the whole body (401, 413) and closes makes the kernel
 * send RST, which may discard the answer before it is read; that is TCP,
 * not gofnd. */
static int roundtrip(const buf *req, int half_close, buf *resp)
{
	int reset = 0;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)srv.bound_port)};
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	must(s >= 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (gofn_connect(s, (struct sockaddr *)&a, sizeof a) < 0) {
		dprintf(2, "fuzz_http: connect: %s\n", strerror(errno));
		abort();
	}
	for (size_t off = 0; off < req->len;) {
		ssize_t r = send(s, req->p + off, req->len - off, MSG_NOSIGNAL);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break; /* the server may refuse early and close */
		off += (size_t)r;
	}
	if (half_close)
		shutdown(s, SHUT_WR);
	int64_t end = gofn_now_ms() + 10000;
	for (;;) {
		struct pollfd p = {.fd = s, .events = POLLIN};
		int64_t left = end - gofn_now_ms();
		if (left <= 0 || gofn_poll(&p, 1, (int)left) <= 0)
			break;
		char tmp[16384];
		ssize_t r = recv(s, tmp, sizeof tmp, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == ECONNRESET)
			reset = 1;
		if (r <= 0)
			break;
		put(resp, tmp, (size_t)r);
		if (complete(resp))
			break;
	}
	struct linger lg = {.l_onoff = 1, .l_linger = 0};
	setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(s);
	return reset ? -1 : 0;
}

static void show_log_tail(void)
{
	char tail[4096];
	long end;

	fflush(gofnd_log);
	end = ftell(gofnd_log);
	fseek(gofnd_log, end > (long)sizeof tail ? end - (long)sizeof tail : 0, SEEK_SET);
	size_t n = fread(tail, 1, sizeof tail, gofnd_log);
	fseek(gofnd_log, end, SEEK_SET);
	dprintf(2, "gofnd log tail:\n%.*s\n", (int)n, tail);
}

static void trim_log(void)
{
	if (ftell(gofnd_log) > (1L << 20)) {
		rewind(gofnd_log);
		must(ftruncate(fileno(gofnd_log), 0) == 0);
	}
}

static int documented(int status)
{
	static const int ok[] = {200, 201, 204, 400, 401, 403, 404,
				 405, 409, 413, 415, 422, 429, 503};
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
		if (status == ok[i])
			return 1;
	return 0;
}

static void check_response(const buf *resp)
{
	int status = 0;

	if (resp->len == 0 || sscanf(resp->p, "HTTP/1.%*d %d", &status) != 1 ||
	    !documented(status)) {
		dprintf(2, "no answer or an undocumented status (%d):\n%.*s\n", status,
			(int)resp->len, resp->p);
		show_log_tail();
		abort();
	}
	const char *body = strstr(resp->p, "\r\n\r\n");
	must(body != NULL);
	body += 4;
	if (status >= 400) {
		json_error_t je;
		json_t *j = json_loads(body, 0, &je);
		must(j != NULL);
		json_t *err = json_object_get(j, "error");
		must(json_is_string(json_object_get(err, "code")));
		must(json_is_string(json_object_get(err, "message")));
		json_decref(j);
	}
}

/* Once MHD has run the completion callback nothing may stay counted. */
static void check_budget_released(void)
{
	int64_t end = gofn_now_ms() + 2000;

	while (atomic_load(&srv.inflight) != 0 && gofn_now_ms() < end)
		usleep(200);
	must(atomic_load(&srv.inflight) == 0);
}

static void start(void)
{
	char *dir = data_dir;
	gofn_err e = {0};

	signal(SIGPIPE, SIG_IGN);
	/* gofnd logs a JSON line per request through stdio's stderr; libFuzzer
	 * and the sanitizers report on fd 2 directly. The log goes to a file
	 * kept short, shown when a check fails. */
	must(mkdtemp(dir) != NULL);
	atexit(remove_data);
	char logpath[64];
	snprintf(logpath, sizeof logpath, "%s.log", dir);
	gofnd_log = fopen(logpath, "w+");
	must(gofnd_log != NULL);
	stderr = gofnd_log;
	setenv("GOFN_ADMIN_TOKEN", admin_token, 1);
	gofn_config_defaults(&srv.cfg);
	snprintf(srv.cfg.listen_host, sizeof srv.cfg.listen_host, "127.0.0.1");
	srv.cfg.listen_port = 0;
	snprintf(srv.cfg.data_dir, sizeof srv.cfg.data_dir, "%s", dir);
	/* gofnd checks at start that each served release has its worker; these
	 * exit at once, so an upload that gets as far as a worker fails fast,
	 * as a missing loader did before per-release workers. */
	snprintf(srv.cfg.loader_path, sizeof srv.cfg.loader_path, "%s/gofn-loader", dir);
	for (size_t i = 0; i < gofn_go_nreleases; i++) {
		char worker[128];
		snprintf(worker, sizeof worker, "%s/gofn-loader-%s", dir,
			 gofn_go_releases[i].release);
		must(symlink("/bin/false", worker) == 0);
	}
	srv.cfg.sandbox = 0;
	srv.cfg.max_object = 1 << 20;
	srv.cfg.max_body = 64 << 10;
	srv.cfg.load_timeout_ms = 2000;
	srv.cfg.shutdown_grace_ms = 2000;
	if (gofn_server_start(&srv, &e) < 0) {
		dprintf(2, "fuzz_http: gofnd did not start: %s\n", e.msg);
		abort();
	}
	atexit(stop_gofnd);
	/* One tenant, created through the API like any other. */
	buf req = {0}, resp = {0};
	puts_(&req, "POST /tenants HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
		    "Authorization: Bearer fuzz-admin-token\r\n"
		    "Content-Type: application/json\r\nContent-Length: 15\r\n\r\n"
		    "{\"name\":\"fuzz\"}");
	roundtrip(&req, 0, &resp);
	const char *body = resp.p ? strstr(resp.p, "\r\n\r\n") : NULL;
	json_t *j = body ? json_loads(body + 4, 0, NULL) : NULL;
	const char *tok = json_string_value(json_object_get(j, "token"));
	must(tok != NULL);
	snprintf(tenant_token, sizeof tenant_token, "%s", tok);
	json_decref(j);
	free(req.p);
	free(resp.p);
}

static int printable(const uint8_t *p, size_t n, uint8_t lo)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < lo || p[i] > 0x7e)
			return 0;
	return 1;
}

/* Takes the next line (without its newline); NULL at the end. */
static const uint8_t *line(const uint8_t **p, const uint8_t *end, size_t *n)
{
	const uint8_t *s = *p;
	const uint8_t *nl = s < end ? memchr(s, '\n', (size_t)(end - s)) : NULL;

	if (!nl)
		return NULL;
	*n = (size_t)(nl - s);
	*p = nl + 1;
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const methods[] = {"GET", "POST", "DELETE", "PUT"};
	static int started;
	buf req = {0}, resp = {0};

	if (!started) {
		start();
		started = 1;
	}
	if (size < 1)
		return 0;
	if (data[0] >= 0xf0) {
		put(&req, data + 1, size - 1);
		roundtrip(&req, 1, &resp);
		free(req.p);
		free(resp.p);
		check_budget_released();
		return 0;
	}
	const uint8_t *p = data + 1, *end = data + size, *path, *ctype;
	size_t npath, nctype;
	if (!(path = line(&p, end, &npath)) || !(ctype = line(&p, end, &nctype)))
		return 0;
	/* Only what MHD passes on to gofnd (its own refusals are not JSON);
	 * raw mode covers the rest. */
	if (npath == 0 || npath > 2048 || path[0] != '/' || !printable(path, npath, 0x21) ||
	    nctype > 512 || !printable(ctype, nctype, 0x20))
		return 0;
	/* The fuzzer's own tenant stays: without it every later input would
	 * stop at 401. */
	if ((data[0] & 3) == 2 && npath >= 13 && !memcmp(path, "/tenants/fuzz", 13))
		return 0;
	char hdr[256];
	puts_(&req, methods[data[0] & 3]);
	puts_(&req, " ");
	put(&req, path, npath);
	puts_(&req, " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
	switch ((data[0] >> 2) & 3) {
	case 1:
		snprintf(hdr, sizeof hdr, "Authorization: Bearer %s\r\n", admin_token);
		puts_(&req, hdr);
		break;
	case 2:
		snprintf(hdr, sizeof hdr, "Authorization: Bearer %s\r\n", tenant_token);
		puts_(&req, hdr);
		break;
	case 3:
		puts_(&req, "Authorization: Bearer gofn_0000\r\n");
		break;
	}
	if (nctype) {
		puts_(&req, "Content-Type: ");
		put(&req, ctype, nctype);
		puts_(&req, "\r\n");
	}
	snprintf(hdr, sizeof hdr, "Content-Length: %zu\r\n\r\n", (size_t)(end - p));
	puts_(&req, hdr);
	put(&req, p, (size_t)(end - p));
	int rc = roundtrip(&req, 0, &resp);
	if (rc == 0 && resp.len == 0) {
		/* Seen rarely on a loaded machine (2 cores, ~40 runnable): the
		 * connection closed with no answer and does not reproduce alone.
		 * Sent again, a deterministic no-answer bug still fails. */
		dprintf(2, "fuzz_http: no answer; sending the request again\n");
		show_log_tail();
		rc = roundtrip(&req, 0, &resp);
	}
	if (rc == 0 || resp.len)
		check_response(&resp);
	trim_log();
	free(req.p);
	free(resp.p);
	check_budget_released();
	return 0;
}
