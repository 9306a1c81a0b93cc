#include "server/pool_idle.h"

#include <poll.h>

#include "sandbox/sandbox.h"
#include "server/callwatch.h"
#include "server/log.h"

void gofn_idle_note(const char *tenant, const gofn_worker *w, const gofn_idle_finding *f)
{
	gofn_log("warn", f->event,
		 json_pack("{s:s, s:s, s:i, s:I}", "tenant", tenant, "function", w->function, "pid",
			   (int)w->pid, "value", f->value));
}

int gofn_idle_misbehaves(const gofn_config *c, const gofn_worker *w, gofn_idle_finding *f)
{
	struct pollfd pf[2] = {{.fd = w->ctrl, .events = POLLIN},
			       {.fd = w->sp.proc.pidfd, .events = POLLIN}};

	*f = (gofn_idle_finding){0};
	/* An idle worker never speaks first; a readable pidfd means it exited. */
	if (w->pid <= 0 || poll(pf, 2, 0) > 0) {
		f->event = "worker_lost"; /* the name exec.c uses for the same finding */
		return 1;
	}
	uint64_t cpu = gofn_cpuclock_ms(&w->cpu); /* as its last request ended (worker.c) */
	if (cpu > w->idle_cpu_ms && cpu - w->idle_cpu_ms > (uint64_t)c->idle_cpu_ms) {
		f->event = "idle_worker_used_cpu";
		f->value = (json_int_t)(cpu - w->idle_cpu_ms);
		return 1;
	}
	if (!(w->sp.proc.layers & GOFN_LAYER_CGROUP)) {
		uint64_t rss = gofn_sandbox_rss(w->pid);
		if (rss > gofn_worker_mem_limit(c)) {
			f->event = "idle_worker_over_memory";
			f->value = (json_int_t)rss;
			return 1;
		}
	}
	return 0;
}
