/* Every runtime layout gofn depends on that can change between Go releases,
 * mirrored for Go 1.27 linux/amd64 (go126_rt.h with what moved: moduledata
 * lost typelinks/itablinks and gained typedesclen/itaboffset/itabsize, its
 * typemap is keyed by *_type; MapType grew). A new release means a new copy of this
 * file checked against the files cited at each struct; nothing else in the
 * loader hard-codes a runtime offset. The _Static_asserts pin the sizes the
 * runtime expects so a wrong edit fails the build, and
 * gofn_rt_check_host() (moduledata.c) verifies the mirror against the
 * running host's own firstmoduledata before anything is registered. */
#ifndef GOFN_LOADER_GO127_RT_H
#define GOFN_LOADER_GO127_RT_H

#include <stddef.h>
#include <stdint.h>

#define GOFN_GO_RELEASE "go1.27"

/* Go's slice and string headers (runtime/slice.go, runtime/string.go). */
typedef struct gort_slice {
	void *ptr;
	intptr_t len, cap;
} gort_slice;

typedef struct gort_string {
	const char *ptr;
	intptr_t len;
} gort_string;

/* internal/abi/symtab.go */
#define GORT_PCLNTAB_MAGIC	0xfffffff1u /* Go120PCLnTabMagic (CurrentPCLnTabMagic) */
#define GORT_PCQUANTUM		1	    /* sys.PCQuantum on amd64 */
#define GORT_PTRSIZE		8
#define GORT_MINFUNC		16
#define GORT_FUNCTAB_BUCKETSIZE (256 * GORT_MINFUNC) /* abi.FuncTabBucketSize */
#define GORT_SUBBUCKETS		16		     /* cmd/link/internal/ld/pcln.go */
#define GORT_SUBBUCKETSIZE	(GORT_FUNCTAB_BUCKETSIZE / GORT_SUBBUCKETS)

enum {
	GORT_PCDATA_UnsafePoint = 0,
	GORT_PCDATA_StackMapIndex = 1,
	GORT_PCDATA_InlTreeIndex = 2,
	GORT_PCDATA_ArgLiveIndex = 3,
	GORT_PCDATA_PanicBounds = 4,

	GORT_FUNCDATA_ArgsPointerMaps = 0,
	GORT_FUNCDATA_LocalsPointerMaps = 1,
	GORT_FUNCDATA_StackObjects = 2,
	GORT_FUNCDATA_InlTree = 3,
	GORT_FUNCDATA_OpenCodedDeferInfo = 4,
	GORT_FUNCDATA_ArgInfo = 5,
	GORT_FUNCDATA_ArgLiveInfo = 6,
	GORT_FUNCDATA_WrapInfo = 7,
};

/* runtime/symtab.go pcHeader. The field after nfiles used to be textStart
 * and is padding since Go 1.26 (written as 0 by cmd/link). */
typedef struct gort_pcheader {
	uint32_t magic;
	uint8_t pad1, pad2;
	uint8_t min_lc;
	uint8_t ptr_size;
	intptr_t nfunc;
	uintptr_t nfiles;
	uintptr_t unused_text_start;
	uintptr_t funcname_offset;
	uintptr_t cu_offset;
	uintptr_t filetab_offset;
	uintptr_t pctab_offset;
	uintptr_t pcln_offset;
} gort_pcheader;
_Static_assert(sizeof(gort_pcheader) == 8 + 8 * GORT_PTRSIZE, "pcHeader size (cmd/link pcln.go)");

/* runtime/symtab.go functab: offsets from moduledata.text and into pclntable. */
typedef struct gort_functab {
	uint32_t entryoff;
	uint32_t funcoff;
} gort_functab;

/* runtime/symtab.go findfuncbucket */
typedef struct gort_findfuncbucket {
	uint32_t idx;
	uint8_t subbuckets[GORT_SUBBUCKETS];
} gort_findfuncbucket;
_Static_assert(sizeof(gort_findfuncbucket) == 20, "findfuncbucket");

/* runtime/runtime2.go _func, followed in memory by
 * uint32 pcdata[npcdata] and uint32 funcdata[nfuncdata]. */
typedef struct gort_func {
	uint32_t entry_off;
	int32_t name_off;
	int32_t args;
	uint32_t deferreturn;
	uint32_t pcsp;
	uint32_t pcfile;
	uint32_t pcln;
	uint32_t npcdata;
	uint32_t cu_offset;
	int32_t start_line;
	uint8_t funcid;
	uint8_t flag;
	uint8_t pad;
	uint8_t nfuncdata;
} gort_func;
_Static_assert(sizeof(gort_func) == 44, "_func size (cmd/link funcSize)");
#define GORT_NOFUNCDATA UINT32_MAX /* runtime/symtab.go funcdata: ^uint32(0) */

/* runtime/symtabinl.go inlinedCall (FUNCDATA_InlTree entries). */
typedef struct gort_inlinedcall {
	uint8_t funcid;
	uint8_t pad[3];
	int32_t name_off;
	int32_t parent_pc;
	int32_t start_line;
} gort_inlinedcall;
_Static_assert(sizeof(gort_inlinedcall) == 16, "inlinedCall");

/* runtime/stack.go bitvector */
typedef struct gort_bitvector {
	int32_t n;
	const uint8_t *bytedata;
} gort_bitvector;

/* runtime/symtab.go textsect, modulehash (we leave both empty). */
typedef struct gort_textsect {
	uintptr_t vaddr, end, baseaddr;
} gort_textsect;

/* runtime/symtab.go moduledata (sys.NotInHeap: never scanned by the GC,
 * so everything it points to must be kept alive elsewhere). */
typedef struct gort_moduledata {
	const gort_pcheader *pcheader;
	gort_slice funcnametab; /* []byte */
	gort_slice cutab;	/* []uint32 */
	gort_slice filetab;	/* []byte */
	gort_slice pctab;	/* []byte */
	gort_slice pclntable;	/* []byte */
	gort_slice ftab;	/* []functab, nfunc+1 entries */
	uintptr_t findfunctab;
	uintptr_t minpc, maxpc;

	uintptr_t text, etext;
	uintptr_t noptrdata, enoptrdata;
	uintptr_t data, edata;
	uintptr_t bss, ebss;
	uintptr_t noptrbss, enoptrbss;
	uintptr_t covctrs, ecovctrs;
	uintptr_t end, gcdata, gcbss;
	uintptr_t types, typedesclen, etypes; /* descriptors: types+8 .. types+typedesclen */
	uintptr_t itaboffset, itabsize;	      /* itabs: types+itaboffset, itabsize bytes */
	uintptr_t rodata;
	uintptr_t gofunc;
	uintptr_t epclntab;

	gort_slice textsectmap; /* []textsect */
	gort_slice ptab;	/* []ptabEntry */

	gort_string pluginpath;
	gort_slice pkghashes; /* []modulehash */
	gort_slice inittasks; /* []*initTask */

	gort_string modulename;
	gort_slice modulehashes;

	uint8_t hasmain;
	uint8_t bad;
	uint8_t pad[6];

	gort_bitvector gcdatamask, gcbssmask;

	void *typemap; /* map[*_type]*_type: a Go map header pointer */
	struct gort_moduledata *next;
} gort_moduledata;
_Static_assert(offsetof(gort_moduledata, text) == 176, "moduledata.text");
_Static_assert(offsetof(gort_moduledata, typedesclen) == 304, "moduledata.typedesclen");
_Static_assert(offsetof(gort_moduledata, itaboffset) == 320, "moduledata.itaboffset");
_Static_assert(offsetof(gort_moduledata, textsectmap) == 360, "moduledata.textsectmap");
_Static_assert(offsetof(gort_moduledata, hasmain) == 512, "moduledata.hasmain");
_Static_assert(offsetof(gort_moduledata, next) == 560, "moduledata.next");

/* internal/abi/type.go Kind */
enum {
	GORT_KIND_ARRAY = 17,
	GORT_KIND_CHAN = 18,
	GORT_KIND_FUNC = 19,
	GORT_KIND_INTERFACE = 20,
	GORT_KIND_MAP = 21,
	GORT_KIND_POINTER = 22,
	GORT_KIND_SLICE = 23,
	GORT_KIND_STRUCT = 25,
	GORT_KIND_UNSAFEPOINTER = 26,
};

/* internal/abi/type.go TFlag */
enum {
	GORT_TFLAG_UNCOMMON = 1 << 0,
	GORT_TFLAG_EXTRASTAR = 1 << 1,
	GORT_TFLAG_NAMED = 1 << 2,
	GORT_TFLAG_GCMASK_ON_DEMAND = 1 << 4,
};

/* internal/abi/type.go Type */
typedef struct gort_type {
	uintptr_t size;
	uintptr_t ptrbytes;
	uint32_t hash;
	uint8_t tflag;
	uint8_t align;
	uint8_t field_align;
	uint8_t kind;
	void *equal;
	const uint8_t *gcdata; /* with TFLAG_GCMASK_ON_DEMAND: really **byte */
	int32_t str;	       /* NameOff from moduledata.types */
	int32_t ptr_to_this;   /* TypeOff */
} gort_type;
_Static_assert(sizeof(gort_type) == 48, "abi.Type");

/* Sizes of kind-specific descriptors that precede the UncommonType
 * (internal/abi/type.go FuncType, map.go MapType). */
#define GORT_SIZEOF_FUNCTYPE 56
/* Type, Key, Elem, Group, Hasher, GroupSize, KeysOff, KeyStride, ElemsOff,
 * ElemStride, ElemOff, Flags (1.27 replaced SlotSize by the four). */
#define GORT_SIZEOF_MAPTYPE 136

/* internal/abi/type.go ArrayType */
typedef struct gort_arraytype {
	gort_type type;
	const gort_type *elem;
	const gort_type *slice;
	uintptr_t len;
} gort_arraytype;

/* internal/abi/type.go StructField and StructType (Name is a *byte). */
typedef struct gort_structfield {
	const uint8_t *name;
	const gort_type *typ;
	uintptr_t offset;
} gort_structfield;

typedef struct gort_structtype {
	gort_type type;
	const uint8_t *pkgpath;
	gort_slice fields; /* []StructField */
} gort_structtype;

/* internal/abi/iface.go ITab (Fun is variable-sized). */
typedef struct gort_itab {
	const void *inter; /* *InterfaceType: Type, PkgPath, Methods []Imethod */
	const gort_type *type;
	uint32_t hash;
	uint32_t pad;
	uintptr_t fun[1];
} gort_itab;

/* internal/abi/switch.go TypeAssert / InterfaceSwitch: the per-call-site
 * descriptors whose Cache the runtime fills since Go 1.22. */
typedef struct gort_typeassert {
	const void *cache; /* *TypeAssertCache */
	const void *inter;
	uint8_t can_fail;
} gort_typeassert;

/* Cache = {Mask uintptr; Entries [Mask+1]E}; E's first word is the type,
 * its last the itab: TypeAssertCacheEntry{Typ, Itab} and
 * InterfaceSwitchCacheEntry{Typ, Case, Itab}. */
/* internal/abi/iface.go (*ITab).Size: the header and one Fun word, plus
 * one word per further interface method unless Fun[0] is 0 (no match). */
#define GORT_ITAB_HEADER_SIZE	   32
#define GORT_IFACE_METHODS_LEN_OFF 64 /* InterfaceType.Methods.len */
_Static_assert(sizeof(gort_itab) == GORT_ITAB_HEADER_SIZE, "abi.ITab");

#define GORT_TYPEASSERT_ENTRY_WORDS  2
#define GORT_IFACESWITCH_ENTRY_WORDS 3

#endif
