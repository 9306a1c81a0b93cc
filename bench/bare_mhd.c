/* bench-bare-mhd: the ceiling of the warm invoke row. The same
 * libmicrohttpd setup as gofnd answering every request with "ok" and doing
 * no work, so the difference to gofnd is what an invocation costs.
 * With -n THREADS: MHD's epoll in a pool of THREADS threads instead of a
 * thread per connection, the HTTP side of bench-bare-relay -e.
 * Usage: bench-bare-mhd [-n THREADS] (prints "port N", stops on SIGTERM) */
#include "bench/bench_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct MHD_Response *ok(struct MHD_Connection *c, const char *body, size_t len, void *arg)
{
	static const char msg[] = "ok\n";
	(void)c, (void)body, (void)len, (void)arg;
	return MHD_create_response_from_buffer(sizeof msg - 1, (void *)msg, MHD_RESPMEM_PERSISTENT);
}

int main(int argc, char **argv)
{
	unsigned threads = 0;

	if (argc == 3 && !strcmp(argv[1], "-n"))
		threads = (unsigned)atoi(argv[2]);
	if ((argc != 1 && !threads) || threads > 64) {
		fprintf(stderr, "usage: bench-bare-mhd [-n THREADS]\n");
		return 2;
	}
	return bench_http_serve_pool("bench-bare-mhd", ok, NULL, threads);
}
