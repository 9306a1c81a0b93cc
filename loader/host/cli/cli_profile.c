#include "loader/host/cli/cli_profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/profile.h"
#include "loader/profile.h"

static unsigned kinds_of(const char *cpu_path, const char *mem_path)
{
	return (cpu_path ? 1u << GOFN_PROF_CPU : 0) | (mem_path ? 1u << GOFN_PROF_HEAP : 0);
}

int gofn_cli_profile_start(const char *cpu_path, const char *mem_path, gofn_err *e)
{
	unsigned kinds = kinds_of(cpu_path, mem_path);

	if (!kinds)
		return 0;
	if (!gofnProfileStart)
		return gofn_errf(e, GOFN_EINVAL, "profiles need the Go runtime (gofn-loader)");
	char *msg = gofnProfileStart(kinds, 0);
	if (msg) {
		gofn_errf(e, GOFN_ESYS, "%s", msg);
		free(msg);
		return -1;
	}
	return 0;
}

static int write_file(const char *path, const uint8_t *p, size_t n, gofn_err *e)
{
	/* "fd:N": a file gofn-loader -sandbox created for its worker, which
	 * cannot open paths itself. */
	FILE *f = strncmp(path, "fd:", 3) == 0 ? fdopen(atoi(path + 3), "wb") : fopen(path, "wb");

	if (!f)
		return gofn_errsys(e, "create %s", path);
	int bad = fwrite(p, 1, n, f) != n;
	bad |= fclose(f) != 0;
	return bad ? gofn_errsys(e, "write %s", path) : 0;
}

int gofn_cli_profile_stop(const char *cpu_path, const char *mem_path, gofn_err *e)
{
	uint8_t *data[GOFN_PROF_NKINDS] = {0};
	size_t len[GOFN_PROF_NKINDS] = {0};
	const char *paths[GOFN_PROF_NKINDS] = {
	    [GOFN_PROF_CPU] = cpu_path, [GOFN_PROF_HEAP] = mem_path};
	int rc = 0;

	if (!kinds_of(cpu_path, mem_path) || !gofnProfileStop)
		return 0;
	/* No cap here: the files are the user's own. */
	gofnProfileStop((size_t)-1, data, len);
	for (int k = 0; k < GOFN_PROF_NKINDS; k++) {
		if (!paths[k] || rc < 0)
			continue;
		if (!data[k])
			rc = gofn_errf(e, GOFN_ESYS, "%s: the %s profile is empty", paths[k],
				       gofn_profile_kind_name(k));
		else
			rc = write_file(paths[k], data[k], len[k], e);
	}
	for (int k = 0; k < GOFN_PROF_NKINDS; k++)
		free(data[k]);
	return rc;
}
