/* bench-bare-mhd: the ceiling of the warm invoke row. The same
 * libmicrohttpd setup as gofnd answering every request with "ok" and doing
 * no work, so the difference to gofnd is what an invocation costs.
 * Usage: bench-bare-mhd (prints "port N", stops on SIGTERM) */
#include "bench/bench_http.h"

static struct MHD_Response *ok(struct MHD_Connection *c, const char *body, size_t len, void *arg)
{
	static const char msg[] = "ok\n";
	(void)c, (void)body, (void)len, (void)arg;
	return MHD_create_response_from_buffer(sizeof msg - 1, (void *)msg, MHD_RESPMEM_PERSISTENT);
}

int main(void)
{
	return bench_http_serve("bench-bare-mhd", ok, NULL);
}
