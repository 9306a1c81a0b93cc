/* A directory of a test's own under /tmp, and its removal: the cmocka
 * setup/teardown that test_file, test_link, test_profiles,
 * test_server_store, test_server_worker and test_tenant_uid each wrote for
 * themselves (mkdtemp, then "rm -rf" through a shell). Header-only: each
 * unit test is one executable. */
#ifndef GOFN_TEST_TMPDIR_H
#define GOFN_TEST_TMPDIR_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

/* Creates /tmp/gofn-TAG.XXXXXX and leaves its name in dir (cap bytes).
 * 0, or -1 when the name does not fit or mkdtemp fails. */
static inline int tmpdir_make(char *dir, size_t cap, const char *tag)
{
	int n = snprintf(dir, cap, "/tmp/gofn-%s.XXXXXX", tag);

	return n > 0 && (size_t)n < cap && mkdtemp(dir) ? 0 : -1;
}

static inline int tmpdir_remove_one(const char *path, const struct stat *st, int flag,
				    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Removes dir and everything below it, links not followed: 0, or -1. */
static inline int tmpdir_remove(const char *dir)
{
	return nftw(dir, tmpdir_remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
