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

/* Listens on 127.0.0.1 at a kernel-chosen port, prints "port N" on stdout
 * and serves until SIGTERM or SIGINT. Returns the process exit status. */
int bench_http_serve(const char *name, bench_handler h, void *arg);

#endif
