/* gofnd: flags -> server start -> wait for SIGTERM/SIGINT -> graceful stop.
 * Signals are blocked in every thread and taken synchronously here. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "server/config.h"
#include "server/log.h"
#include "server/routes.h"
#include "server/server.h"

int main(int argc, char **argv)
{
	static gofn_server s;
	gofn_err e = {0};
	sigset_t set;
	int sig;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			gofn_config_usage();
			return 0;
		}
	gofn_config_defaults(&s.cfg);
	if (gofn_config_load(&s.cfg, argc, argv, &e) < 0) {
		fprintf(stderr, "gofnd: %s\n", e.msg);
		return 2;
	}
	if (s.cfg.print_routes) {
		gofn_routes_print();
		return 0;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (gofn_server_start(&s, &e) < 0) {
		gofn_log("error", "start_failed", json_pack("{s:s}", "error", e.msg));
		fprintf(stderr, "gofnd: %s\n", e.msg);
		return 1;
	}
	sigwait(&set, &sig);
	gofn_log("info", "signal", json_pack("{s:s}", "signal", sig == SIGTERM ? "TERM" : "INT"));
	gofn_server_stop(&s);
	return 0;
}
