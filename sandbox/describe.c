/* Human-readable names for layers, system calls and ends, for logs,
 * /healthz and error messages. */
#include "sandbox/sandbox.h"

#include <limits.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *gofn_sandbox_layers_str(unsigned layers, char *buf, size_t len)
{
	static const char *const names[] = {"userns", "pidns",	  "mntns",  "netns",   "ipcns",
					    "utsns",  "cgroupns", "cgroup", "seccomp", "cpu"};
	size_t used = 0;

	if (!len)
		return buf;
	buf[0] = 0;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (!(layers & (1u << i)))
			continue;
		int n = snprintf(buf + used, len - used, "%s%s", used ? "," : "", names[i]);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	if (!used)
		snprintf(buf, len, "none");
	return buf;
}

const char *gofn_sandbox_syscall_name(long nr, char *buf, size_t len)
{
	if (nr < 0 || nr > INT_MAX) {
		snprintf(buf, len, "syscall 0x%lx (no such number)",
			 (unsigned long)nr & 0xffffffffUL);
		return buf;
	}
	char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, (int)nr);

	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "syscall_%ld", nr);
	free(name);
	return buf;
}

const char *gofn_sandbox_exit_str(const gofn_sandbox_exit *x, char *buf, size_t len)
{
	char name[64];

	switch (x->end) {
	case GOFN_END_EXITED:
		snprintf(buf, len, "exited with status %d", x->status);
		break;
	case GOFN_END_SIGNALED:
		snprintf(buf, len, "killed by signal %s",
			 sigabbrev_np(x->status) ? sigabbrev_np(x->status) : "?");
		break;
	case GOFN_END_SYSCALL:
		if (x->syscall < 0) /* killed outright (other ABI, SIGSYS handler change) */
			snprintf(buf, len, "killed: a system call refused by the sandbox (SIGSYS)");
		else
			snprintf(buf, len, "killed: system call %s refused by the sandbox",
				 gofn_sandbox_syscall_name(x->syscall, name, sizeof name));
		break;
	case GOFN_END_TIMEOUT:
		snprintf(buf, len, "killed: wall-clock timeout");
		break;
	case GOFN_END_MEMORY:
		snprintf(buf, len, "killed: memory limit");
		break;
	case GOFN_END_CPU:
		snprintf(buf, len, "killed: CPU time limit");
		break;
	default:
		snprintf(buf, len, "ended (unknown reason)");
	}
	return buf;
}
