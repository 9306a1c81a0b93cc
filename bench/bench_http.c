#include "bench/bench_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_BODY (64 * 1024) /* the benchmark posts a few bytes */

typedef struct server {
	bench_handler h;
	void *arg;
} server;

typedef struct request {
	char body[MAX_BODY];
	size_t len;
	int too_big;
} request;

enum MHD_Result bench_http_reply(struct MHD_Connection *c, unsigned code, struct MHD_Response *r)
{
	if (!r)
		return MHD_NO;
	enum MHD_Result rc = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result access_cb(void *cls, struct MHD_Connection *c, const char *url,
				 const char *method, const char *version, const char *data,
				 size_t *data_size, void **con_cls)
{
	server *s = cls;
	request *rq = *con_cls;
	(void)url, (void)method, (void)version;

	if (!rq) {
		rq = calloc(1, sizeof *rq);
		*con_cls = rq;
		return rq ? MHD_YES : MHD_NO;
	}
	if (*data_size) {
		if (rq->len + *data_size > MAX_BODY)
			rq->too_big = 1;
		else
			memcpy(rq->body + rq->len, data, *data_size), rq->len += *data_size;
		*data_size = 0;
		return MHD_YES;
	}
	if (rq->too_big) {
		static const char msg[] = "body too large\n";
		return bench_http_reply(c, 413u,
					MHD_create_response_from_buffer(sizeof msg - 1, (void *)msg,
									MHD_RESPMEM_PERSISTENT));
	}
	return bench_http_reply(c, MHD_HTTP_OK, s->h(c, rq->body, rq->len, s->arg));
}

static void completed_cb(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)cls, (void)c, (void)toe;
	free(*con_cls);
	*con_cls = NULL;
}

/* Starts the daemon (threads 0: a thread per connection, gofnd's flags;
 * else epoll in a pool), prints its port and serves until SIGTERM/SIGINT. */
static int serve(const char *name, const bench_http_ev *ev)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	sigset_t set;
	int sig;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	signal(SIGPIPE, SIG_IGN);
	/* Block the stop signals in every thread MHD starts; main waits for them. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	flags |= ev->threads ? MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME
			     : MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL;
	struct MHD_Daemon *d = MHD_start_daemon(
	    flags, 0, NULL, NULL, ev->access, ev->access_arg, MHD_OPTION_SOCK_ADDR,
	    (struct sockaddr *)&sa, MHD_OPTION_CONNECTION_LIMIT, 1024u,
	    MHD_OPTION_CONNECTION_TIMEOUT, 120u, MHD_OPTION_NOTIFY_COMPLETED, ev->completed, NULL,
	    MHD_OPTION_THREAD_POOL_SIZE, ev->threads > 1 ? ev->threads : 0u, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "%s: cannot listen on 127.0.0.1\n", name);
		return 1;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	printf("port %u\n", info ? (unsigned)info->port : 0u);
	fflush(stdout);
	sigwait(&set, &sig);
	MHD_socket lfd = MHD_INVALID_SOCKET;
	if (ev->drain) {
		lfd = MHD_quiesce_daemon(d); /* ours to close from here on */
		ev->drain(ev->drain_arg);
	}
	MHD_stop_daemon(d);
	if (lfd != MHD_INVALID_SOCKET)
		close(lfd);
	return 0;
}

int bench_http_serve_pool(const char *name, bench_handler h, void *arg, unsigned threads)
{
	server s = {h, arg};
	bench_http_ev ev = {
	    .threads = threads, .access = access_cb, .access_arg = &s, .completed = completed_cb};
	return serve(name, &ev);
}

int bench_http_serve(const char *name, bench_handler h, void *arg)
{
	return bench_http_serve_pool(name, h, arg, 0);
}

int bench_http_serve_ev(const char *name, const bench_http_ev *ev)
{
	return ev->threads ? serve(name, ev) : 1;
}
