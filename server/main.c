/* gofnd: flags -> server start -> wait for SIGTERM/SIGINT -> graceful stop.
 * Signals are blocked in every thread and taken synchronously here. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "server/config.h"
#include "server/log.h"
#include "server/routes.h"
#include "server/server.h"
#include "server/spawn.h"

/* The hard deadline: whatever still holds the stop up (a thread stuck past
 * every deadline we know of), the process ends this long after SIGTERM. */
#define HARD_STOP_EXTRA_MS 5000

static void *hard_stop(void *arg)
{
	int64_t ms = *(const int64_t *)arg + HARD_STOP_EXTRA_MS;
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};

	while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) != 0)
		;
	gofn_log("error", "shutdown_deadline", json_pack("{s:I}", "after_ms", (json_int_t)(ms)));
	_exit(1);
	return NULL;
}

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
	gofn_spawn_check_sigpending(&s.cfg);
	sigwait(&set, &sig);
	gofn_log("info", "signal", json_pack("{s:s}", "signal", sig == SIGTERM ? "TERM" : "INT"));
	pthread_t t;
	if (pthread_create(&t, NULL, hard_stop, &s.cfg.shutdown_grace_ms) == 0)
		pthread_detach(t);
	gofn_server_stop(&s);
	return 0;
}
