#include "server/callwatch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "sandbox/sandbox.h"

#define CHECK_MS GOFN_CALLWATCH_CHECK_MS

uint64_t gofn_worker_mem_limit(const gofn_config *c)
{
	return c->worker_mem ? c->worker_mem : GOFN_SANDBOX_DEFAULT_MEM_BYTES;
}

gofn_cpuclock gofn_cpuclock_of(pid_t pid)
{
	gofn_cpuclock c = {.pid = pid};

	c.ok = pid > 0 && clock_getcpuclockid(pid, &c.id) == 0;
	return c;
}

uint64_t gofn_cpuclock_ms(const gofn_cpuclock *c)
{
	struct timespec ts;

	if (!c->ok)
		return gofn_sandbox_cpu_ms(c->pid);
	if (clock_gettime(c->id, &ts) < 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint64_t cpu_ms(const gofn_callwatch *cw)
{
	return cw->clock ? gofn_cpuclock_ms(cw->clock) : gofn_sandbox_cpu_ms(cw->pid);
}

void gofn_callwatch_start(gofn_callwatch *cw, const gofn_config *c, pid_t pid,
			  const gofn_cpuclock *clock, unsigned layers, const uint64_t *cpu0)
{
	*cw = (gofn_callwatch){.pid = pid,
			       .clock = clock,
			       .cpu_limit_ms = (uint64_t)c->call_cpu_ms,
			       .next_ms = gofn_now_ms() + CHECK_MS};
	if (!(layers & GOFN_LAYER_CGROUP))
		cw->mem_limit = gofn_worker_mem_limit(c);
	if (pid > 0 && cw->cpu_limit_ms)
		cw->cpu0_ms = cpu0 ? *cpu0 : cpu_ms(cw);
}

int gofn_callwatch_wait_ms(const gofn_callwatch *cw, int64_t left)
{
	if ((cw->cpu_limit_ms || cw->mem_limit) && left > CHECK_MS)
		return CHECK_MS;
	return left < 0 ? 0 : (int)left;
}

int gofn_callwatch_over(gofn_callwatch *cw)
{
	if (cw->over || cw->pid <= 0)
		return cw->over;
	/* Output wakes the poll loop often; /proc is read at most every CHECK_MS. */
	int64_t now_ms = gofn_now_ms();
	if (now_ms < cw->next_ms)
		return 0;
	cw->next_ms = now_ms + CHECK_MS;
	if (cw->cpu_limit_ms) {
		uint64_t now = cpu_ms(cw);
		cw->used_ms = now > cw->cpu0_ms ? now - cw->cpu0_ms : 0;
		if (cw->used_ms > cw->cpu_limit_ms)
			cw->over = GOFN_WATCH_CPU;
	}
	if (!cw->over && cw->mem_limit) {
		cw->rss = gofn_sandbox_rss(cw->pid);
		if (cw->rss > cw->mem_limit)
			cw->over = GOFN_WATCH_MEMORY;
	}
	return cw->over;
}

void gofn_callwatch_outcome(const gofn_callwatch *cw, gofn_status *status, char *msg, size_t len)
{
	if (cw->over == GOFN_WATCH_CPU) {
		*status = GOFN_STATUS_TIMEOUT;
		snprintf(msg, len, "CPU time limit: the call used %.2f s of CPU, limit %.2f s",
			 (double)cw->used_ms / 1000.0, (double)cw->cpu_limit_ms / 1000.0);
	} else {
		*status = GOFN_STATUS_KILLED;
		snprintf(
		    msg, len, "memory limit: resident set %llu MiB over %llu MiB (RSS watchdog)",
		    (unsigned long long)(cw->rss >> 20), (unsigned long long)(cw->mem_limit >> 20));
	}
}

void gofn_callwatch_after_death(const gofn_sandbox_proc *p, gofn_status status, char *msg,
				size_t len)
{
	if (status == GOFN_STATUS_KILLED && gofn_sandbox_oom_killed(p))
		snprintf(msg, len,
			 "memory limit: killed by the kernel's OOM killer (cgroup memory "
			 "limit)");
}
