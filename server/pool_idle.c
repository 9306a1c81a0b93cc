#include "server/pool_idle.h"

#include <poll.h>

#include "sandbox/sandbox.h"
#include "server/callwatch.h"
#include "server/log.h"

static void note(const char *event, const char *tenant, const gofn_worker *w, json_int_t v)
{
	gofn_log("warn", event,
		 json_pack("{s:s, s:s, s:i, s:I}", "tenant", tenant, "function", w->function, "pid",
			   (int)w->pid, "value", v));
}

int gofn_idle_misbehaves(const gofn_config *c, const char *tenant, gofn_worker *w)
{
	struct pollfd pf[2] = {{.fd = w->ctrl, .events = POLLIN},
			       {.fd = w->sp.proc.pidfd, .events = POLLIN}};

	/* An idle worker never speaks first; a readable pidfd means it exited. */
	if (w->pid <= 0 || poll(pf, 2, 0) > 0) {
		note("worker_lost", tenant, w, 0); /* the name exec.c uses for the same finding */
		return 1;
	}
	uint64_t cpu = gofn_sandbox_cpu_ms(w->pid);
	if (cpu > w->idle_cpu_ms && cpu - w->idle_cpu_ms > (uint64_t)c->idle_cpu_ms) {
		note("idle_worker_used_cpu", tenant, w, (json_int_t)(cpu - w->idle_cpu_ms));
		return 1;
	}
	if (!(w->sp.proc.layers & GOFN_LAYER_CGROUP)) {
		uint64_t rss = gofn_sandbox_rss(w->pid);
		if (rss > gofn_worker_mem_limit(c)) {
			note("idle_worker_over_memory", tenant, w, (json_int_t)rss);
			return 1;
		}
	}
	return 0;
}
