#include "server/http_guard.h"

#include <linux/tcp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "common/clock.h"
#include "server/http.h"
#include "server/log.h"

#define GUARD_TICK_MS 200
/* TCP_INFO's time of the last data received is in jiffies (1 to 10 ms):
 * data seen this much after a request ended belongs to the next one. */
#define DATA_SLACK_MS 50

enum phase { IDLE, HEAD, BODY, HANDLING, CUT };

typedef struct conn {
	struct conn *prev, *next;
	int fd;
	enum phase phase;
	int64_t since_ms; /* when the current phase began */
	int served;	  /* a request ended on it (since_ms of IDLE is when) */
} conn;

struct gofn_guard {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	int stop;
	int64_t header_ms, body_ms;
	conn *head;
};

/* Whether the next request has begun to arrive on an IDLE connection, by
 * the kernel's TCP_INFO, read here on the watchdog's tick and never on a
 * request's path: on a new connection, any byte; after a request, data
 * received more than DATA_SLACK_MS after it ended. Bytes of a next request
 * that came sooner and were followed by nothing more are not seen, as
 * bytes pipelined before the end never were: such a connection is silent,
 * and MHD's idle timeout ends it. A trickle is seen at its next byte. */
static int next_request_arriving(const conn *c, int64_t now)
{
	struct tcp_info ti = {0};
	socklen_t n = sizeof ti;

	if (getsockopt(c->fd, IPPROTO_TCP, TCP_INFO, &ti, &n) < 0)
		return 0;
	if (!c->served)
		return ti.tcpi_bytes_received > 0;
	return now - (int64_t)ti.tcpi_last_data_recv > c->since_ms + DATA_SLACK_MS;
}

/* Answers 408 and shuts the socket down. MHD writes nothing to a
 * connection whose request is still arriving (HEAD, BODY without a reply
 * queued), so this write cannot interleave with one of MHD's. */
static void cut(conn *c, const char *what)
{
	char head[160];
	size_t len;
	char *body = gofn_error_body("request_timeout", what, &len);

	if (body) {
		int n = snprintf(head, sizeof head,
				 "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n"
				 "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
				 len);
		send(c->fd, head, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL);
		send(c->fd, body, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		free(body);
	}
	shutdown(c->fd, SHUT_RDWR);
	c->phase = CUT;
	gofn_log("warn", "request_timeout", json_pack("{s:s}", "reason", what));
}

static void check(gofn_guard *g, conn *c, int64_t now)
{
	if (c->phase == IDLE && next_request_arriving(c, now)) {
		c->phase = HEAD;
		c->since_ms = now;
	} else if (c->phase == HEAD && now - c->since_ms > g->header_ms) {
		cut(c, "request headers not received in time");
	} else if (c->phase == BODY && now - c->since_ms > g->body_ms) {
		cut(c, "request body not received in time");
	}
}

static void *watch(void *arg)
{
	gofn_guard *g = arg;

	pthread_mutex_lock(&g->mu);
	while (!g->stop) {
		int64_t now = gofn_now_ms();
		for (conn *c = g->head; c; c = c->next)
			check(g, c, now);
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += GUARD_TICK_MS * 1000000L;
		ts.tv_sec += ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&g->cv, &g->mu, &ts);
	}
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

gofn_guard *gofn_guard_start(int64_t header_ms, int64_t body_ms)
{
	gofn_guard *g = calloc(1, sizeof *g);
	pthread_condattr_t ca;

	if (!g)
		return NULL;
	g->header_ms = header_ms;
	g->body_ms = body_ms;
	pthread_mutex_init(&g->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&g->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&g->thread, NULL, watch, g) != 0) {
		pthread_cond_destroy(&g->cv);
		pthread_mutex_destroy(&g->mu);
		free(g);
		return NULL;
	}
	return g;
}

/* After MHD_stop_daemon: every connection has been closed and removed. */
void gofn_guard_stop(gofn_guard *g)
{
	if (!g)
		return;
	pthread_mutex_lock(&g->mu);
	g->stop = 1;
	pthread_cond_signal(&g->cv);
	pthread_mutex_unlock(&g->mu);
	pthread_join(g->thread, NULL);
	while (g->head) {
		conn *c = g->head;
		g->head = c->next;
		free(c);
	}
	pthread_cond_destroy(&g->cv);
	pthread_mutex_destroy(&g->mu);
	free(g);
}

/* MHD calls CLOSED before it closes the socket, so the watchdog never
 * touches a descriptor number that may have been reused. */
void gofn_guard_notify(void *cls, struct MHD_Connection *mc, void **socket_context,
		       enum MHD_ConnectionNotificationCode code)
{
	gofn_guard *g = cls;
	conn *c = *socket_context;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
		    MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CONNECTION_FD);
		c = ci ? calloc(1, sizeof *c) : NULL;
		if (!c)
			return; /* unguarded: MHD's idle timeout still applies */
		c->fd = ci->connect_fd;
		pthread_mutex_lock(&g->mu);
		c->next = g->head;
		if (g->head)
			g->head->prev = c;
		g->head = c;
		pthread_mutex_unlock(&g->mu);
		*socket_context = c;
		return;
	}
	if (!c)
		return;
	pthread_mutex_lock(&g->mu);
	if (c->prev)
		c->prev->next = c->next;
	else
		g->head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&g->mu);
	free(c);
	*socket_context = NULL;
}

static conn *conn_of(struct MHD_Connection *mc)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

static void move(gofn_guard *g, struct MHD_Connection *mc, enum phase to)
{
	conn *c = conn_of(mc);

	if (!c || !g)
		return;
	pthread_mutex_lock(&g->mu);
	if (c->phase != CUT) {
		c->phase = to;
		c->since_ms = gofn_now_ms();
		if (to == IDLE)
			c->served = 1;
	}
	pthread_mutex_unlock(&g->mu);
}

void gofn_guard_headers_done(gofn_guard *g, struct MHD_Connection *c)
{
	move(g, c, BODY);
}

void gofn_guard_handling(gofn_guard *g, struct MHD_Connection *c)
{
	move(g, c, HANDLING);
}

void gofn_guard_request_done(gofn_guard *g, struct MHD_Connection *c)
{
	move(g, c, IDLE);
}
