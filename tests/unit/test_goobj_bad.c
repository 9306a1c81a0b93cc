/* Hostile input: every malformed object must fail with one clear line
 * naming the problem — never crash (ASan/UBSan watch), never read out of
 * bounds, never allocate more than the input justifies. The bad objects are
 * real ones (testdata/build.sh) patched byte-wise. */
#include "tests/unit/test_goobj_util.h"

/* Every allocation of the parser is counted: the test links with
 * -Wl,--wrap=malloc,--wrap=calloc (tests/unit/CMakeLists.txt). */
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
static size_t alloc_bytes;

void *__wrap_malloc(size_t n)
{
	alloc_bytes += n;
	return __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t m)
{
	alloc_bytes += n * m;
	return __real_calloc(n, m);
}

static void empty_file(void **state)
{
	(void)state;
	expect_fail((blob){(uint8_t *)"", 0}, GOFN_EINVAL, "empty file");
}

static void not_an_archive(void **state)
{
	static const char txt[] = "hello, this is not a Go object\n";
	(void)state;
	expect_fail((blob){(uint8_t *)txt, sizeof txt - 1}, GOFN_EINVAL,
		    "not a Go archive or object");
}

/* Random bytes, alone and behind each accepted prefix so the parser gets
 * past the first check. Seeded: a failure reproduces. */
static void random_bytes(void **state)
{
	static const char *const prefixes[] = {"", "!<arch>\n",
					       "go object linux amd64 go1.26.8 X:\n"};
	uint8_t buf[4096];
	unsigned seed = 12345;

	(void)state;
	for (int round = 0; round < 3000; round++) {
		const char *pre = prefixes[round % 3];
		size_t np = strlen(pre), n = np + (size_t)(rand_r(&seed) % (sizeof buf - np));
		goobj_archive *a = NULL;
		gofn_err e = {0};
		memcpy(buf, pre, np);
		for (size_t i = np; i < n; i++)
			buf[i] = (uint8_t)rand_r(&seed);
		if (goobj_parse("r.o", buf, n, &a, &e) == 0)
			fail_msg("random input (round %d, %zu bytes) parsed", round, n);
		assert_true(e.code == GOFN_EINVAL || e.code == GOFN_EVERSION);
		assert_true(e.msg[0] != 0);
	}
}

static void archive_without_object(void **state)
{
	static const char only_magic[] = "!<arch>\n";
	static const char only_pkgdef[] =
	    "!<arch>\n"
	    "__.PKGDEF       0           0     0     644     4         `\n"
	    "abcd";
	static const char text_member[] =
	    "!<arch>\n"
	    "notes.txt       0           0     0     644     5         `\n"
	    "hello\n";

	(void)state;
	expect_fail((blob){(uint8_t *)only_magic, sizeof only_magic - 1}, GOFN_EINVAL,
		    "no Go object");
	expect_fail((blob){(uint8_t *)only_pkgdef, sizeof only_pkgdef - 1}, GOFN_EINVAL,
		    "no Go object");
	expect_fail((blob){(uint8_t *)text_member, sizeof text_member - 1}, GOFN_EINVAL,
		    "member notes.txt is not a Go object");
}

static void truncated_archive_header(void **state)
{
	blob b = load_testdata("hello.o");
	(void)state;
	b.len = 8 + 30; /* magic and half a member header */
	expect_fail(b, GOFN_EINVAL, "truncated archive");
	free(b.p);
}

/* A member size of ten digits must be checked against the file, not allocated. */
static void huge_member_size(void **state)
{
	blob b = load_testdata("hello.o");
	(void)state;
	memcpy(b.p + 8 + 48, "9999999999", 10);
	expect_fail(b, GOFN_EINVAL, "claims 9999999999 bytes");
	memcpy(b.p + 8 + 48, "12x4      ", 10);
	expect_fail(b, GOFN_EINVAL, "bad archive member size");
	free(b.p);
}

/* Cut the file at every length; also the bare object inside it, so that
 * every header field and block is cut somewhere. Nothing may parse except
 * the full input (or the archive minus its final pad byte). */
static void truncated_at_every_length(void **state)
{
	blob b = load_testdata("hello.o");
	size_t obj = bin_off(b), start, body_end;
	const uint8_t *hdr = memmem(b.p + 68, b.len - 68, "_go_.o", 6);

	(void)state;
	assert_non_null(hdr);
	start = (size_t)(hdr - b.p) + 60;
	body_end = start + (size_t)strtoul((const char *)hdr + 48, NULL, 10);
	for (size_t n = 0; n < body_end; n++) {
		goobj_archive *a = NULL;
		gofn_err e = {0};
		if (goobj_parse("t.o", b.p, n, &a, &e) == 0)
			fail_msg("archive cut at %zu of %zu bytes parsed", n, b.len);
		assert_int_equal(e.code, GOFN_EINVAL);
	}
	for (size_t n = 0; n < body_end - start; n++) {
		goobj_archive *a = NULL;
		gofn_err e = {0};
		if (goobj_parse("t.o", b.p + start, n, &a, &e) == 0)
			fail_msg("object cut at %zu of %zu bytes parsed", n, body_end - start);
		assert_int_equal(e.code, GOFN_EINVAL);
	}
	assert_true(obj > start);
	free(b.p);
}

static void wrong_magic(void **state)
{
	blob b = load_testdata("hello.o");
	(void)state;
	memcpy(b.p + bin_off(b), "\0go119ld", 8);
	expect_fail(b, GOFN_EINVAL, "wrong magic");
	free(b.p);
}

/* Replace every occurrence of `from` with `to` (same length) in b. */
static void patch_all(blob b, const char *from, const char *to)
{
	size_t n = strlen(from);
	uint8_t *p = b.p;
	int hits = 0;

	while ((p = memmem(p, (size_t)(b.p + b.len - p), from, n))) {
		memcpy(p, to, n);
		hits++;
	}
	assert_true(hits > 0);
}

static void other_go_version(void **state)
{
	blob b = load_testdata("hello.o");
	(void)state;
	patch_all(b, " go1.26", " go1.25");
	expect_fail(b, GOFN_EVERSION, "go1.25");
	expect_fail(b, GOFN_EVERSION, "go1.26");
	free(b.p);
}

static void other_goarch(void **state)
{
	blob b = load_testdata("hello.o");
	(void)state;
	patch_all(b, "go object linux amd64", "go object linux arm64");
	expect_fail(b, GOFN_EVERSION, "linux/arm64");
	expect_fail(b, GOFN_EVERSION, "linux/amd64");
	free(b.p);
}

static void block_offsets_outside(void **state)
{
	blob b = load_testdata("hello.o");
	(void)state;
	wr32(blk_field(b, GOREL_BLK_DATA), 0xfffffff0u);
	expect_fail(b, GOFN_EINVAL, "outside the object");
	free(b.p);
	b = load_testdata("hello.o");
	/* a block starting before the previous one */
	wr32(blk_field(b, GOREL_BLK_RELOC), rd32(blk_field(b, GOREL_BLK_SYMDEF)));
	expect_fail(b, GOFN_EINVAL, "out of order");
	free(b.p);
	b = load_testdata("hello.o");
	/* a symbol block that is not a whole number of 21-byte records */
	wr32(blk_field(b, GOREL_BLK_SYMDEF), rd32(blk_field(b, GOREL_BLK_SYMDEF)) + 1);
	expect_fail(b, GOFN_EINVAL, "not a multiple");
	free(b.p);
}

static void string_ref_outside(void **state)
{
	blob b = load_testdata("hello.o");
	(void)state;
	wr32(blk_at(b, GOREL_BLK_SYMDEF) + 4, 0xffffff00u); /* symbol 0's name offset */
	expect_fail(b, GOFN_EINVAL, "symbol 0 name: string at offset 4294967040");
	free(b.p);
	b = load_testdata("hello.o");
	wr32(blk_at(b, GOREL_BLK_PKGIDX) + 8, 0x7fffffffu); /* package 1's name length */
	expect_fail(b, GOFN_EINVAL, "package index 1: string");
	free(b.p);
}

/* The first reloc of hello.o belongs to symbol 0 (a Go function). */
static uint8_t *first_reloc(blob b)
{
	assert_true(blk_len(b, GOREL_BLK_RELOC) >= GOREL_RELOC_SIZE);
	return blk_at(b, GOREL_BLK_RELOC);
}

static void bogus_package_index(void **state)
{
	blob b = load_testdata("hello.o");
	(void)state;
	wr32(first_reloc(b) + 15, 9999);
	expect_fail(b, GOFN_EINVAL, "reloc 0: target: package index 9999 out of range");
	expect_fail(b, GOFN_EINVAL, "symbol 0 (main.");
	free(b.p);
	b = load_testdata("hello.o");
	wr32(first_reloc(b) + 15, GOOBJ_PKG_SELF);
	wr32(first_reloc(b) + 19, 0x00ffffff);
	expect_fail(b, GOFN_EINVAL, "symbol index 16777215 out of range");
	free(b.p);
	b = load_testdata("hello.o");
	wr32(first_reloc(b) + 15, 0);
	wr32(first_reloc(b) + 19, 3);
	expect_fail(b, GOFN_EINVAL, "package index 0 (invalid)");
	free(b.p);
}

static void reloc_fields_checked(void **state)
{
	blob b = load_testdata("hello.o");
	(void)state;
	wr32(first_reloc(b), 0x7ffffff0); /* offset */
	expect_fail(b, GOFN_EINVAL, "outside the symbol");
	free(b.p);
	b = load_testdata("hello.o");
	first_reloc(b)[4] = 3; /* size */
	expect_fail(b, GOFN_EINVAL, "size 3 is not");
	free(b.p);
	b = load_testdata("hello.o");
	first_reloc(b)[5] = 0xee; /* type 0x??ee: not a RelocType */
	first_reloc(b)[6] = 0x7e;
	expect_fail(b, GOFN_EINVAL, "unknown type");
	free(b.p);
}

static void index_not_monotonic(void **state)
{
	static const int blks[] = {GOREL_BLK_RELOCIDX, GOREL_BLK_AUXIDX, GOREL_BLK_DATAIDX};
	static const char *const what[] = {"relocation index entry 1", "aux index entry 1",
					   "data byte index entry 1"};

	(void)state;
	for (int i = 0; i < 3; i++) {
		blob b = load_testdata("hello.o");
		uint8_t *idx = blk_at(b, blks[i]);
		uint32_t n = blk_len(b, blks[i]) / 4;
		assert_true(rd32(idx + 4) < rd32(idx + 4 * (n - 1)));
		wr32(idx, rd32(idx + 4 * (n - 1))); /* first entry = total */
		expect_fail(b, GOFN_EINVAL, what[i]);
		expect_fail(b, GOFN_EINVAL, "not monotonic");
		free(b.p);
	}
}

static void index_exceeds_count(void **state)
{
	static const int blks[] = {GOREL_BLK_RELOCIDX, GOREL_BLK_AUXIDX, GOREL_BLK_DATAIDX};
	static const char *const what[] = {"relocation index", "aux index", "data byte index"};

	(void)state;
	for (int i = 0; i < 3; i++) {
		blob b = load_testdata("hello.o");
		uint8_t *last = blk_at(b, blks[i]) + blk_len(b, blks[i]) - 4;
		wr32(last, rd32(last) + 1);
		expect_fail(b, GOFN_EINVAL, what[i]);
		free(b.p);
	}
}

static void aux_checked(void **state)
{
	blob b = load_testdata("hello.o");
	uint8_t *aux = blk_at(b, GOREL_BLK_AUX);

	(void)state;
	aux[0] = 200;
	expect_fail(b, GOFN_EINVAL, "aux 0 has unknown type 200");
	aux[0] = GOREL_AUX_FUNCINFO;
	wr32(aux + 1, 4242);
	expect_fail(b, GOFN_EINVAL, "aux 0: package index 4242");
	free(b.p);
}

static void refname_checked(void **state)
{
	blob b = load_testdata("hello.o");
	(void)state;
	assert_true(blk_len(b, GOREL_BLK_REFNAME) > 0);
	wr32(blk_at(b, GOREL_BLK_REFNAME), 0); /* package index 0 */
	expect_fail(b, GOFN_EINVAL, "ref name 0");
	free(b.p);
}

static void unknown_kind_and_abi(void **state)
{
	blob b = load_testdata("hello.o");
	(void)state;
	blk_at(b, GOREL_BLK_SYMDEF)[10] = 99;
	expect_fail(b, GOFN_EINVAL, "unknown symbol kind 99");
	blk_at(b, GOREL_BLK_SYMDEF)[10] = GOREL_STEXT;
	blk_at(b, GOREL_BLK_SYMDEF)[8] = 7;
	expect_fail(b, GOFN_EINVAL, "unknown ABI 7");
	free(b.p);
}

/* Record counts come from block lengths, which must lie inside the file:
 * a header claiming 180 million relocations or symbols in a 40 KB file is
 * refused before anything is allocated for them. */
static void huge_counts(void **state)
{
	static const int blks[] = {GOREL_BLK_SYMDEF + 1, GOREL_BLK_RELOC + 1, GOREL_BLK_REFNAME};

	(void)state;
	for (int i = 0; i < 3; i++) {
		blob b = load_testdata("hello.o");
		for (int k = blks[i]; k < GOREL_NBLK; k++)
			wr32(blk_field(b, k), 0xfffffff0u);
		expect_fail(b, GOFN_EINVAL, "outside the object");
		free(b.p);
	}
}

/* What a parse allocates is bounded by a small multiple of the input
 * (decoded symbol, reloc and aux arrays), for real and for hostile input. */
static void allocation_bounded_by_input(void **state)
{
	static const char *const files[] = {"hello.o", "multi.o", "generics.o", "lib.a"};
	unsigned seed = 7;

	(void)state;
	for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
		blob b = load_testdata(files[f]);
		goobj_archive *a;
		alloc_bytes = 0;
		a = parse_ok(b);
		print_message("%s: %zu bytes in, %zu allocated (%.1fx)\n", files[f], b.len,
			      alloc_bytes, (double)alloc_bytes / (double)b.len);
		assert_true(alloc_bytes <= 6 * b.len + 4096);
		goobj_free(a);
		/* hostile: random garbage over the symbol and reloc tables */
		for (int round = 0; round < 200; round++) {
			uint8_t *p = blk_at(b, GOREL_BLK_SYMDEF);
			uint8_t *end = b.p + b.len;
			goobj_archive *x = NULL;
			gofn_err e;
			for (int k = 0; k < 16; k++)
				p[(size_t)rand_r(&seed) % (size_t)(end - p)] =
				    (uint8_t)rand_r(&seed);
			alloc_bytes = 0;
			if (goobj_parse("t.o", b.p, b.len, &x, &e) == 0)
				goobj_free(x);
			assert_true(alloc_bytes <= 6 * b.len + 4096);
		}
		free(b.p);
	}
}

/* Counts inside FuncInfo (file and inline-tree lengths) are raw uint32s:
 * they must be checked against the bytes, never trusted for a loop or an
 * allocation. */
static void funcinfo_huge_counts(void **state)
{
	blob b = load_testdata("hello.o");
	goobj_archive *a = parse_ok(b);
	const goobj_object *o = &a->objs[0];
	long m = goobj_find_sym(o, "main.main", GOOBJ_ABIINTERNAL);
	goobj_funcinfo fi;
	gofn_err e = {0};
	uint8_t *raw;
	uint32_t nfile;

	(void)state;
	assert_int_equal(goobj_funcinfo_get(o, (uint32_t)m, &fi, &e), 1);
	/* zero-copy: patch the FuncInfo bytes in place under the parsed object */
	raw = (uint8_t *)fi.files_raw - 20;
	nfile = rd32(raw + 16);
	assert_true(nfile >= 1);
	wr32(raw + 16, 0x40000000);
	assert_int_equal(goobj_funcinfo_get(o, (uint32_t)m, &fi, &e), -1);
	assert_non_null(strstr(e.msg, "FuncInfo"));
	assert_non_null(strstr(e.msg, "truncated"));
	wr32(raw + 16, nfile);
	wr32(raw + 20, 99999); /* file index */
	assert_int_equal(goobj_funcinfo_get(o, (uint32_t)m, &fi, &e), -1);
	assert_non_null(strstr(e.msg, "99999"));
	wr32(raw + 20, 0);
	wr32(raw + 20 + 4 * nfile, 0xffffffff); /* inline node count */
	assert_int_equal(goobj_funcinfo_get(o, (uint32_t)m, &fi, &e), -1);
	assert_non_null(strstr(e.msg, "truncated"));
	goobj_free(a);
	free(b.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(empty_file),
	    cmocka_unit_test(not_an_archive),
	    cmocka_unit_test(random_bytes),
	    cmocka_unit_test(archive_without_object),
	    cmocka_unit_test(truncated_archive_header),
	    cmocka_unit_test(huge_member_size),
	    cmocka_unit_test(truncated_at_every_length),
	    cmocka_unit_test(wrong_magic),
	    cmocka_unit_test(other_go_version),
	    cmocka_unit_test(other_goarch),
	    cmocka_unit_test(block_offsets_outside),
	    cmocka_unit_test(string_ref_outside),
	    cmocka_unit_test(bogus_package_index),
	    cmocka_unit_test(reloc_fields_checked),
	    cmocka_unit_test(index_not_monotonic),
	    cmocka_unit_test(index_exceeds_count),
	    cmocka_unit_test(aux_checked),
	    cmocka_unit_test(refname_checked),
	    cmocka_unit_test(unknown_kind_and_abi),
	    cmocka_unit_test(huge_counts),
	    cmocka_unit_test(allocation_bounded_by_input),
	    cmocka_unit_test(funcinfo_huge_counts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
