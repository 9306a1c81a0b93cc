/* The Go releases this build serves (one worker executable each, see
 * cmake/go_releases.cmake) and the Go version an object's header names.
 * gofnd and the gofn-loader dispatcher both route on these. */
#ifndef GOFN_COMMON_GOVERSION_H
#define GOFN_COMMON_GOVERSION_H

#include <stddef.h>
#include <stdint.h>

typedef struct gofn_go_release {
	const char *release;   /* "go1.27" */
	const char *toolchain; /* the exact version its worker was built by: "go1.27.3" */
} gofn_go_release;

extern const gofn_go_release gofn_go_releases[];
extern const size_t gofn_go_nreleases;

/* Go objects are ar archives ("!<arch>\n", from go tool compile) or bare
 * "go object ..." files: returns -1 for anything else. Otherwise 0, with
 * the version from the first header line "go object GOOS GOARCH VERSION"
 * in ver ("unknown" when there is none in the first 4 KiB). */
int gofn_goversion_sniff(const uint8_t *p, size_t n, char *ver, size_t cap);

/* The served release of a version ("go1.27.3", "go1.27rc1" -> go1.27), or
 * NULL when this build has no worker for it. */
const gofn_go_release *gofn_go_release_of(const char *version);

/* Whether this build runs objects compiled by version: 0, or -1 with why
 * in msg. Only the exact toolchain of the release's worker is accepted:
 * an object from another patch release (go1.27.1 on a go1.27.3 worker)
 * names std packages by index under export-data fingerprints that differ
 * between patch releases (sync, for one), and carries std code inlined
 * from that release. The message names the version to compile with. */
int gofn_go_check(const char *version, char *msg, size_t cap);

/* "go1.26 (go1.26.8), go1.27 (go1.27.3)", for error messages and --help. */
void gofn_go_releases_text(char *buf, size_t cap);

#endif
