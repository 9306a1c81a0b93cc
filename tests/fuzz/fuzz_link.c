/* libFuzzer target for the run-time linker: mutated objects are parsed and
 * linked (dedup, host resolution, reachability, layout, relocation) and
 * described for the module builder, but never run or registered. The fuzz
 * binary itself is the host, as in tests/unit/test_link.c: a few C/asm
 * definitions named like the runtime symbols of the seed object
 * (tests/unit/testdata/link_unit.go) let mutants get past resolution into
 * layout and relocation.
 *
 * Input: the object itself (the seeds are plain objects). An odd-sized
 * input is linked as two copies of itself, which exercises dedup and
 * duplicate definitions. Beyond "no crash" (ASan/UBSan), a successful link must have
 * every live symbol's final address inside the mapping or the host, and
 * the mapping within rel32 reach of the host text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loader/link_internal.h"

void gofn_test_link_host_fn(void);
void gofn_test_link_host_fn(void)
{
}

__asm__(".pushsection .data\n"
	".balign 8\n"
	".globl \"type:int\"\n\"type:int\": .zero 64\n"
	".globl \"type:[]int\"\n\"type:[]int\": .zero 64\n"
	".globl \"type:[]uint8\"\n\"type:[]uint8\": .zero 64\n"
	".globl \"type:string\"\n\"type:string\": .zero 64\n"
	".popsection\n"
	".pushsection .text\n"
	".globl \"runtime.morestack_noctxt\"\n\"runtime.morestack_noctxt\": int3\n"
	".popsection\n");

static void must(int ok)
{
	if (!ok)
		abort();
}

/* Every laid-out symbol lies in the one mapping; the mapping is within
 * rel32 reach of the host text (calls into the host are rel32). */
static void check_link(const gofn_link *l)
{
	uintptr_t lo = (uintptr_t)l->map, hi = lo + l->map_len;

	for (int i = 0; i < LK_NSECT; i++)
		if (l->sect[i].end) {
			must(l->sect[i].start >= lo && l->sect[i].end <= hi);
			must(l->sect[i].end - l->host->text_lo < ((uintptr_t)1 << 31));
		}
	for (size_t oi = 0; oi < l->nobjs; oi++)
		for (uint32_t i = 0; i < l->objs[oi].o->nsyms; i++) {
			const lk_sym *s = &l->objs[oi].syms[i];
			if (s->sect < LK_NSECT && s->live && s->done && s->owner == LK_OWNER(oi, i))
				must(s->addr >= lo && s->addr <= hi);
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gofn_link l;
	gofn_err e = {0};

	size_t copies = 1 + (size & 1);

	memset(&l, 0, sizeof l);
	l.archives = calloc(copies, sizeof *l.archives);
	must(l.archives != NULL);
	size_t nobjs = 0;
	for (size_t i = 0; i < copies; i++) {
		if (goobj_parse("fuzz", data, size, &l.archives[i], &e))
			goto out;
		l.narchives++;
		nobjs += l.archives[i]->nobjs;
	}
	if (nobjs == 0 || nobjs > LK_MAX_OBJS)
		goto out;
	l.objs = calloc(nobjs, sizeof *l.objs);
	must(l.objs != NULL);
	for (size_t i = 0; i < l.narchives; i++)
		for (uint32_t k = 0; k < l.archives[i]->nobjs; k++)
			l.objs[l.nobjs++].o = &l.archives[i]->objs[k];
	if (gofn_link_unit(&l, &e) == 0) {
		check_link(&l);
		lk_desc d;
		memset(&d, 0, sizeof d);
		(void)lk_describe(&l, &d, &e);
		lk_describe_free(&d);
	} else {
		must(e.msg[0] != 0); /* a refusal always says why */
	}
out:
	gofn_link_free(&l);
	return 0;
}
