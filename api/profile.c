#include "api/profile.h"

#include <string.h>

static const char *const names[GOFN_PROF_NKINDS] = {
    [GOFN_PROF_CPU] = "cpu",	   [GOFN_PROF_HEAP] = "heap",
    [GOFN_PROF_ALLOCS] = "allocs", [GOFN_PROF_GOROUTINE] = "goroutine",
    [GOFN_PROF_MUTEX] = "mutex",   [GOFN_PROF_BLOCK] = "block",
};

const char *gofn_profile_kind_name(int kind)
{
	return kind >= 0 && kind < GOFN_PROF_NKINDS ? names[kind] : NULL;
}

int gofn_profile_kind_parse(const char *name, size_t n)
{
	for (int k = 0; k < GOFN_PROF_NKINDS; k++)
		if (strlen(names[k]) == n && memcmp(names[k], name, n) == 0)
			return k;
	return -1;
}

int gofn_profile_kinds_parse(const char *list, unsigned *kinds, gofn_err *e)
{
	*kinds = 0;
	for (const char *p = list;; p++) {
		size_t n = strcspn(p, ",");
		int k = gofn_profile_kind_parse(p, n);
		if (k < 0)
			return gofn_errf(e, GOFN_EINVAL,
					 "unknown profile kind '%.*s' (want cpu, heap, allocs, "
					 "goroutine, mutex or block)",
					 (int)(n > 32 ? 32 : n), p);
		*kinds |= 1u << k;
		p += n;
		if (!*p)
			return 0;
	}
}
