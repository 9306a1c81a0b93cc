#include "common/goversion.h"

#include <stdio.h>
#include <string.h>

const gofn_go_release gofn_go_releases[] = {
#include "gofn_releases.inc"
};
const size_t gofn_go_nreleases = sizeof gofn_go_releases / sizeof gofn_go_releases[0];

int gofn_goversion_sniff(const uint8_t *p, size_t n, char *ver, size_t cap)
{
	static const char magic[] = "go object ";
	size_t scan = n < 4096 ? n : 4096;

	if (!(n >= 8 && memcmp(p, "!<arch>\n", 8) == 0) &&
	    !(n >= sizeof magic - 1 && memcmp(p, magic, sizeof magic - 1) == 0))
		return -1;
	snprintf(ver, cap, "unknown");
	for (size_t i = 0; i + sizeof magic - 1 <= scan; i++) {
		if (memcmp(p + i, magic, sizeof magic - 1) != 0)
			continue;
		char line[256];
		size_t j = 0;
		while (i + j < scan && j < sizeof line - 1 && p[i + j] != '\n') {
			line[j] = (char)p[i + j];
			j++;
		}
		line[j] = 0;
		char os[32], arch[32], v[64];
		if (sscanf(line, "go object %31s %31s %63s", os, arch, v) == 3)
			snprintf(ver, cap, "%s", v);
		break;
	}
	return 0;
}

const gofn_go_release *gofn_go_release_of(const char *version)
{
	for (size_t i = 0; i < gofn_go_nreleases; i++) {
		size_t n = strlen(gofn_go_releases[i].release);
		const char *v = version;
		if (strncmp(v, gofn_go_releases[i].release, n) != 0)
			continue;
		/* "go1.27", "go1.27.3", "go1.27rc1" — but not "go1.270" */
		if (v[n] == 0 || v[n] == '.' || v[n] == 'r' || v[n] == 'b')
			return &gofn_go_releases[i];
	}
	return NULL;
}

int gofn_go_check(const char *version, char *msg, size_t cap)
{
	char served[512];
	const gofn_go_release *r = gofn_go_release_of(version);

	if (r && strcmp(version, r->toolchain) == 0)
		return 0;
	gofn_go_releases_text(served, sizeof served);
	if (r)
		snprintf(msg, cap,
			 "compiled by %s, but this gofn runs %s objects with %s only: compile "
			 "with %s (GOTOOLCHAIN=%s)",
			 version, r->release, r->toolchain, r->toolchain, r->toolchain);
	else
		snprintf(msg, cap, "compiled by %s; this gofn runs objects of %s", version, served);
	return -1;
}

void gofn_go_releases_text(char *buf, size_t cap)
{
	size_t off = 0;
	buf[0] = 0;
	for (size_t i = 0; i < gofn_go_nreleases && off < cap; i++) {
		int k = snprintf(buf + off, cap - off, "%s%s (%s)", i ? ", " : "",
				 gofn_go_releases[i].release, gofn_go_releases[i].toolchain);
		if (k < 0)
			break;
		off += (size_t)k;
	}
}
