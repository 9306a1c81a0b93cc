/* The host type index (loader/host/typeindex_gen.go) as the linker reads
 * it: a package's block is found, its fingerprint must match the one the
 * tenant object recorded, and an index the package does not define is an
 * error naming it. This binary provides the table gofn-loader's Go side
 * exports; with no Go runtime there is no type table, so a matching entry
 * ends in "unresolved symbol type:NAME", which shows the name was found. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "loader/link_internal.h"

static const char table[] = "P bytes 0011223344556677\n"
			    "3 bytes.Buffer\n"
			    "4 *bytes.Buffer\n"
			    "P sync 8899aabbccddeeff\n"
			    "12 sync.Map\n"
			    "140 *sync.Map\n"
			    "P sync/atomic 0102030405060708\n"
			    "1 sync/atomic.Int32\n";

const char *gofnTypeIndex(size_t *n);
const char *gofnTypeIndex(size_t *n)
{
	*n = sizeof table - 1;
	return table;
}

static const uint8_t fp_sync[8] = {0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};

/* Looks up (pkg, fp, idx) and returns the error text. */
static const char *lookup(const char *pkg, const uint8_t fp[8], uint32_t idx, gofn_err *e)
{
	memset(e, 0, sizeof *e);
	assert_null(gofn_hosttypes_by_index(NULL, pkg, strlen(pkg), fp, idx, e));
	return e->msg;
}

static void finds_the_name(void **state)
{
	(void)state;
	gofn_err e;
	assert_non_null(strstr(lookup("sync", fp_sync, 12, &e), "type:sync.Map (package sync)"));
	assert_non_null(strstr(lookup("sync", fp_sync, 140, &e), "type:*sync.Map"));
}

static void package_is_exact(void **state)
{
	(void)state;
	gofn_err e;
	static const uint8_t fp[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	/* "sync" must not match "sync/atomic", nor the other way round */
	assert_non_null(strstr(lookup("sync/atomic", fp, 1, &e), "type:sync/atomic.Int32"));
	assert_non_null(strstr(lookup("syn", fp_sync, 12, &e), "not in the host's type index"));
	assert_non_null(strstr(lookup("bytes", fp_sync, 3, &e), "another build of package bytes"));
}

static void refuses_other_builds_and_indexes(void **state)
{
	(void)state;
	gofn_err e;
	static const uint8_t other[8] = {0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x00};
	assert_non_null(strstr(lookup("sync", other, 12, &e), "another build of package sync"));
	assert_non_null(strstr(lookup("sync", fp_sync, 13, &e), "defines no type with index 13"));
	/* the index of the next package's entry is not this package's */
	assert_non_null(strstr(lookup("sync", fp_sync, 1, &e), "defines no type with index 1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(finds_the_name),
	    cmocka_unit_test(package_is_exact),
	    cmocka_unit_test(refuses_other_builds_and_indexes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
