/* The limits every worker runs under, and their command-line spelling,
 * shared by gofnd and `gofn-loader -sandbox` so both mean the same thing. */
#include "sandbox/sandbox.h"

#include <errno.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>

void gofn_sandbox_limits_default(gofn_sandbox_limits *l)
{
	l->wall_ms = GOFN_SANDBOX_DEFAULT_WALL_MS;
	l->cpu_sec = GOFN_SANDBOX_DEFAULT_CPU_SEC;
	l->mem_bytes = GOFN_SANDBOX_DEFAULT_MEM_BYTES;
	l->max_threads = GOFN_SANDBOX_DEFAULT_MAX_THREADS;
	l->fsize_bytes = GOFN_SANDBOX_DEFAULT_FSIZE_BYTES;
	l->output_bytes = GOFN_SANDBOX_DEFAULT_OUTPUT_BYTES;
}

uint64_t gofn_sandbox_data_limit(uint64_t mem_bytes)
{
	const uint64_t slack = 256ull << 20; /* idle worker: VmData ~107 MiB, RSS ~10 MiB */
	return mem_bytes > UINT64_MAX - slack ? UINT64_MAX : mem_bytes + slack;
}

unsigned gofn_sandbox_sigpending_share(unsigned workers)
{
	struct rlimit r;
	if (workers == 0 || getrlimit(RLIMIT_SIGPENDING, &r) < 0 || r.rlim_cur == RLIM_INFINITY)
		return GOFN_SANDBOX_SIGPENDING;
	rlim_t share = r.rlim_cur / 4 * 3 / workers;
	if (share > GOFN_SANDBOX_SIGPENDING)
		return GOFN_SANDBOX_SIGPENDING;
	return share < 64 ? 64 : (unsigned)share;
}

/* An unsigned number with an optional suffix from `units`; *mult of the match.
 * Refuses overflow, signs, empty strings and trailing junk. */
static int parse_scaled(const char *s, const char *const *units, const uint64_t *mults,
			uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	for (size_t i = 0; units[i]; i++) {
		if (strcmp(end, units[i]) != 0)
			continue;
		if (mults[i] && v > UINT64_MAX / mults[i])
			return -1;
		*out = v * mults[i];
		return 0;
	}
	return -1;
}

static int parse_bytes(const char *s, uint64_t *out)
{
	static const char *const units[] = {"", "K", "M", "G", "k", "m", "g", NULL};
	static const uint64_t mults[] = {1, 1 << 10, 1 << 20, 1 << 30, 1 << 10, 1 << 20, 1 << 30};
	return parse_scaled(s, units, mults, out);
}

static int parse_ms(const char *s, uint64_t *out)
{
	static const char *const units[] = {"ms", "s", "m", "", NULL};
	static const uint64_t mults[] = {1, 1000, 60000, 1000};
	return parse_scaled(s, units, mults, out);
}

static int parse_count(const char *s, uint64_t *out)
{
	static const char *const units[] = {"", NULL};
	static const uint64_t mults[] = {1};
	return parse_scaled(s, units, mults, out);
}

int gofn_sandbox_limits_flag(gofn_sandbox_limits *l, int argc, char **argv, int i, gofn_err *err)
{
	static const struct {
		const char *flag;
		size_t off;
		int (*parse)(const char *, uint64_t *);
		const char *want;
	} flags[] = {
	    {"-timeout", offsetof(gofn_sandbox_limits, wall_ms), parse_ms,
	     "a duration (5s, 250ms)"},
	    {"-cpu", offsetof(gofn_sandbox_limits, cpu_sec), parse_count, "whole seconds"},
	    {"-mem", offsetof(gofn_sandbox_limits, mem_bytes), parse_bytes, "bytes (256M)"},
	    {"-threads", offsetof(gofn_sandbox_limits, max_threads), parse_count, "a count"},
	    {"-fsize", offsetof(gofn_sandbox_limits, fsize_bytes), parse_bytes, "bytes (1M)"},
	    {"-output", offsetof(gofn_sandbox_limits, output_bytes), parse_bytes, "bytes (64K)"},
	};

	for (size_t k = 0; k < sizeof flags / sizeof flags[0]; k++) {
		if (strcmp(argv[i], flags[k].flag) != 0)
			continue;
		if (i + 1 >= argc)
			return gofn_errf(err, GOFN_EINVAL, "%s: missing value", flags[k].flag);
		if (flags[k].parse(argv[i + 1], (uint64_t *)((char *)l + flags[k].off)) < 0)
			return gofn_errf(err, GOFN_EINVAL, "%s %s: want %s", flags[k].flag,
					 argv[i + 1], flags[k].want);
		return 1;
	}
	return 0;
}
