#include "server/runtimes.h"

#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/goversion.h"
#include "server/log.h"

int gofn_runtime_worker(const gofn_config *c, const char *go_version, char *exe, size_t cap,
			gofn_err *e)
{
	char why[512], dir[sizeof c->loader_path];
	const gofn_go_release *r = gofn_go_release_of(go_version);

	if (!r) {
		gofn_go_check(go_version, why, sizeof why);
		return gofn_errf(e, GOFN_EVERSION, "objects %s", why);
	}
	snprintf(dir, sizeof dir, "%s", c->loader_path);
	if ((size_t)snprintf(exe, cap, "%s/gofn-loader-%s", dirname(dir), r->release) >= cap)
		return gofn_errf(e, GOFN_EINVAL, "worker path for %s is too long", r->release);
	return 0;
}

int gofn_runtime_unit_add(const uint8_t *p, size_t n, size_t index, char *go_version, size_t cap,
			  gofn_err *e)
{
	char ver[64], why[512];

	if (gofn_goversion_sniff(p, n, ver, sizeof ver) < 0)
		return gofn_errf(e, GOFN_EINVAL,
				 "object %zu: not a Go object file (want go tool compile output)",
				 index + 1);
	if (index > 0 && strcmp(ver, go_version) != 0)
		return gofn_errf(e, GOFN_EINVAL,
				 "object 1 was compiled by %s but object %zu by %s: a function's "
				 "objects must come from one Go release and toolchain",
				 go_version, index + 1, ver);
	if (gofn_go_check(ver, why, sizeof why) < 0)
		return gofn_errf(e, GOFN_EVERSION, "object %zu was %s", index + 1, why);
	snprintf(go_version, cap, "%s", ver);
	return 0;
}

void gofn_runtimes_check(const gofn_config *c)
{
	char exe[sizeof c->loader_path + 64];
	gofn_err e = {0};
	for (size_t i = 0; i < gofn_go_nreleases; i++) {
		if (gofn_runtime_worker(c, gofn_go_releases[i].toolchain, exe, sizeof exe, &e) <
			0 ||
		    access(exe, X_OK) == 0)
			continue;
		gofn_log(
		    "warn", "worker_missing",
		    json_pack("{s:s, s:s}", "release", gofn_go_releases[i].release, "path", exe));
	}
}

json_t *gofn_runtimes_json(void)
{
	json_t *a = json_array();
	for (size_t i = 0; i < gofn_go_nreleases; i++) {
		char worker[64];
		snprintf(worker, sizeof worker, "gofn-loader-%s", gofn_go_releases[i].release);
		json_array_append_new(
		    a, json_pack("{s:s, s:s, s:s}", "release", gofn_go_releases[i].release,
				 "toolchain", gofn_go_releases[i].toolchain, "worker", worker));
	}
	return json_pack("{s:o}", "runtimes", a);
}
