/* gofn-loader: the command users run. Each supported Go release has its own
 * worker executable (gofn-loader-go1.NN next to this one, built by that
 * release's toolchain); this reads the Go version from the header of every
 * object named on the command line (-o FILE, or the files after -parse) and
 * execs the matching worker with the same arguments. Without an object
 * (-worker by hand, -sandbox -selftest) the first release's worker runs,
 * or the one GOFN_GO_RELEASE names. An object that is not readable or not
 * a Go object goes to a worker too, which reports it; one from a release
 * or patch release no worker was built by is refused here, naming the
 * version to compile with (gofn_go_check). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/goversion.h"

/* The version in path's header, or "" when it has none we can read. */
static void object_version(const char *path, char *ver, size_t cap)
{
	uint8_t buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	ver[0] = 0;
	if (fd < 0)
		return;
	do
		n = read(fd, buf, sizeof buf);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n > 0 && gofn_goversion_sniff(buf, (size_t)n, ver, cap) < 0)
		ver[0] = 0;
	if (strcmp(ver, "unknown") == 0)
		ver[0] = 0;
}

/* Chooses the release for all objects; 0, or -1 after printing why. */
static int choose(int argc, char **argv, const gofn_go_release **rel)
{
	const char *first = NULL;
	char firstver[64] = "", ver[64];
	int parse = argc > 1 && strcmp(argv[1], "-parse") == 0;

	for (int i = 1; i < argc; i++) {
		const char *obj = NULL;
		if (parse && i >= 2)
			obj = argv[i];
		else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			obj = argv[++i];
		if (!obj || strcmp(obj, "-") == 0)
			continue;
		object_version(obj, ver, sizeof ver);
		if (!ver[0])
			continue;
		char why[512];
		/* -parse links nothing: any patch release of a served release */
		if ((!parse || !gofn_go_release_of(ver)) &&
		    gofn_go_check(ver, why, sizeof why) < 0) {
			fprintf(stderr, "gofn-loader: %s: %s\n", obj, why);
			return -1;
		}
		const gofn_go_release *r = gofn_go_release_of(ver);
		if (*rel && *rel != r) {
			fprintf(stderr,
				"gofn-loader: %s was compiled by %s but %s by %s: objects linked "
				"together must come from one Go release\n",
				first, firstver, obj, ver);
			return -1;
		}
		*rel = r;
		if (!first) {
			first = obj;
			snprintf(firstver, sizeof firstver, "%s", ver);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	const gofn_go_release *rel = NULL;
	char self[PATH_MAX], worker[PATH_MAX + 64];

	if (choose(argc, argv, &rel) < 0)
		return 1;
	if (!rel) {
		const char *want = getenv("GOFN_GO_RELEASE");
		rel = want && *want ? gofn_go_release_of(want) : &gofn_go_releases[0];
		if (!rel) {
			fprintf(stderr, "gofn-loader: GOFN_GO_RELEASE=%s is not served here\n",
				want);
			return 1;
		}
	}
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n < 0) {
		perror("gofn-loader: /proc/self/exe");
		return 1;
	}
	self[n] = 0;
	snprintf(worker, sizeof worker, "%s/gofn-loader-%s", dirname(self), rel->release);
	execv(worker, argv);
	fprintf(stderr, "gofn-loader: cannot run the %s worker %s: %s\n", rel->release, worker,
		strerror(errno));
	return 127;
}
