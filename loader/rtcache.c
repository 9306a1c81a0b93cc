#include "loader/rtcache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "loader/release_rt.h"
#include "loader/symtab.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static uintptr_t *triples;
static size_t ntriples;
static gofn_err once_err;
static int once_rc;

static uint64_t runtime_var(const gofn_symtab *t, const char *name)
{
	const gofn_hostsym *s = gofn_symtab_find(t, name, strlen(name));
	return s ? s->addr : 0;
}

static void collect(void)
{
	const gofn_symtab *t = gofn_symtab_self(&once_err);
	if (!t) {
		once_rc = -1;
		return;
	}
	uint64_t empty_ta = runtime_var(t, "runtime.emptyTypeAssertCache");
	uint64_t empty_is = runtime_var(t, "runtime.emptyInterfaceSwitchCache");
	triples = calloc(3 * (t->nsyms ? t->nsyms : 1), sizeof *triples);
	if (!triples) {
		once_rc = gofn_errf(&once_err, GOFN_ENOMEM, "type-assert caches: out of memory");
		return;
	}
	for (size_t i = 0; i < t->nsyms; i++) {
		const gofn_hostsym *s = &t->syms[i];
		uintptr_t words = 0, empty = 0;
		if (s->is_func)
			continue;
		const char *name = gofn_hostsym_name(t, s);
		if (strstr(name, "..typeAssert.") && empty_ta)
			words = GORT_TYPEASSERT_ENTRY_WORDS, empty = empty_ta;
		else if (strstr(name, "..interfaceSwitch.") && empty_is)
			words = GORT_IFACESWITCH_ENTRY_WORDS, empty = empty_is;
		if (!words)
			continue;
		triples[3 * ntriples] = (uintptr_t)s->addr;
		triples[3 * ntriples + 1] = words;
		triples[3 * ntriples + 2] = empty;
		ntriples++;
	}
}

int gofn_rtcache_descs(const uintptr_t **out, size_t *n, gofn_err *err)
{
	pthread_once(&once, collect);
	if (once_rc < 0) {
		*err = once_err;
		return -1;
	}
	*out = triples;
	*n = ntriples;
	return 0;
}
