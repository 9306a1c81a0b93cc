/* The HTTP side shared by the benchmark's peer servers (bare_mhd,
 * cgi_server, bare_relay): libmicrohttpd with the flags gofnd uses (server/server.c),
 * so the peers differ from gofnd only in what a request does. */
#ifndef GOFN_BENCH_HTTP_H
#define GOFN_BENCH_HTTP_H

#include <microhttpd.h>
#include <stddef.h>

/* Called once per request with its whole body; returns the response. c is
 * the request's connection, for its headers (bare_relay's tenant). */
typedef struct MHD_Response *(*bench_handler)(struct MHD_Connection *c, const char *body,
					      size_t len, void *arg);

/* Queues r (NULL: MHD_NO, the connection closes) and drops our reference. */
enum MHD_Result bench_http_reply(struct MHD_Connection *c, unsigned code, struct MHD_Response *r);

/* Listens on 127.0.0.1 at a kernel-chosen port, prints "port N" on stdout
 * and serves until SIGTERM or SIGINT. Returns the process exit status. */
int bench_http_serve(const char *name, bench_handler h, void *arg);

/* The same with MHD's epoll in a pool of `threads` polling threads instead
 * of a thread per connection (threads 0: bench_http_serve): the evented
 * servers of docs/benchmarks.md, "The relay floor, event-driven". */
int bench_http_serve_pool(const char *name, bench_handler h, void *arg, unsigned threads);

/* An evented server with its own access handler (suspend and resume
 * allowed; completed frees *con_cls): drain(drain_arg) runs after the stop
 * signal, once the daemon accepts no more connections and before it stops,
 * and returns when no connection is suspended (MHD must not stop with one). */
typedef struct bench_http_ev {
	unsigned threads;
	MHD_AccessHandlerCallback access;
	void *access_arg;
	MHD_RequestCompletedCallback completed;
	void (*drain)(void *drain_arg);
	void *drain_arg;
} bench_http_ev;
int bench_http_serve_ev(const char *name, const bench_http_ev *ev);

#endif
