/* What bench-bare-relay's two modes share (bare_relay.c: a thread per
 * connection and a pool like gofnd's; bare_relay_ev.c: event-driven): the
 * tenants, the echo processes and their start. */
#ifndef GOFN_BENCH_BARE_RELAY_H
#define GOFN_BENCH_BARE_RELAY_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

#define MAX_TENANTS 4096
#define MAX_WORKERS 256

typedef struct relay {
	unsigned ntenants, maxw;
	const char *cgroup;	  /* NULL: no CPU groups */
	char **echo;		  /* argv of an echo process */
	struct tenant *t;	  /* the thread-per-connection mode's pools */
	pthread_mutex_t procs_mu; /* guards procs, socks, nprocs */
	pid_t procs[MAX_TENANTS * 4];
	int socks[MAX_TENANTS * 4];
	size_t nprocs;
	uint64_t next_call; /* atomic */
} relay;

/* The request's tenant: "Authorization: Bearer N", N mod ntenants; else 0. */
unsigned relay_tenant_of(const relay *r, struct MHD_Connection *c);

/* A new echo process for tenant t (in its CPU group with -g): the relay's
 * end of its socketpair (closed by the relay's end), or -1. */
int relay_spawn_echo(relay *r, unsigned t);

/* The event-driven mode (-e THREADS): serves until SIGTERM like
 * bench_http_serve; at most depth frames in flight on one echo process. */
int relay_ev_serve(relay *r, unsigned threads, unsigned depth);

#endif
