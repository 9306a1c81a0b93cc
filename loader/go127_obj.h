/* Everything in the Go OBJECT format that changes between Go releases,
 * for Go 1.27 (a copy of go126_obj.h with what moved; see docs/loader.md,
 * porting checklist). A new release means a new goNNN_obj.{h,c}, not a hunt.
 *
 * Sources ($GOROOT/src):
 *   cmd/internal/goobj/objfile.go     magic, header, block list, record sizes, aux types
 *   cmd/internal/goobj/funcinfo.go    FuncInfo encoding
 *   cmd/internal/goobj/builtinlist.go builtin symbol list (PkgIdxBuiltin)
 *   cmd/internal/objabi/symkind.go    symbol kinds
 *   cmd/internal/objabi/reloctype.go  relocation types
 *   cmd/internal/objabi/util.go       the "go object GOOS GOARCH VERSION ..." header line */
#ifndef GOFN_LOADER_GO127_OBJ_H
#define GOFN_LOADER_GO127_OBJ_H

#include <stdint.h>

#define GOREL_MAGIC	     "\x00go120ld"
#define GOREL_MAGIC_LEN	     8
#define GOREL_VERSION_PREFIX "go1.27" /* accepted: "go1.27" exactly or "go1.26.N"/"go1.26rcN" */
#define GOREL_GOOS	     "linux"
#define GOREL_GOARCH	     "amd64"

/* Blocks, in file order (objfile.go Blk*). The header holds one uint32
 * offset per block; block i spans [off[i], off[i+1]). */
enum {
	GOREL_BLK_AUTOLIB,
	GOREL_BLK_PKGIDX,
	GOREL_BLK_FILE,
	GOREL_BLK_SYMDEF,
	GOREL_BLK_HASHED64DEF,
	GOREL_BLK_HASHEDDEF,
	GOREL_BLK_NONPKGDEF,
	GOREL_BLK_NONPKGREF,
	GOREL_BLK_REFFLAGS,
	GOREL_BLK_HASH64,
	GOREL_BLK_HASH,
	GOREL_BLK_RELOCIDX,
	GOREL_BLK_AUXIDX,
	GOREL_BLK_DATAIDX,
	GOREL_BLK_RELOC,
	GOREL_BLK_AUX,
	GOREL_BLK_DATA,
	GOREL_BLK_REFNAME,
	GOREL_BLK_END,
	GOREL_NBLK,
};

/* Record sizes in bytes (objfile.go *Size constants). */
enum {
	GOREL_FINGERPRINT_SIZE = 8,
	GOREL_HEADER_SIZE = GOREL_MAGIC_LEN + GOREL_FINGERPRINT_SIZE + 4 + 4 * GOREL_NBLK,
	GOREL_STRREF_SIZE = 8,	     /* uint32 len, uint32 off */
	GOREL_IMPORTEDPKG_SIZE = 16, /* strref + fingerprint */
	GOREL_SYM_SIZE = 21, /* strref, u16 abi, u8 type, u8 flag, u8 flag2, u32 size, u32 align */
	GOREL_REFFLAGS_SIZE = 10,
	GOREL_HASH64_SIZE = 8,
	GOREL_HASH_SIZE = 16,
	GOREL_RELOC_SIZE = 23,	 /* i32 off, u8 size, u16 type, i64 add, symref */
	GOREL_AUX_SIZE = 9,	 /* u8 type, symref */
	GOREL_REFNAME_SIZE = 16, /* symref, strref */
};

/* Aux symbol types (objfile.go Aux*). */
enum {
	GOREL_AUX_GOTYPE,
	GOREL_AUX_FUNCINFO,
	GOREL_AUX_FUNCDATA,
	GOREL_AUX_DWARFINFO,
	GOREL_AUX_DWARFLOC,
	GOREL_AUX_DWARFRANGES,
	GOREL_AUX_DWARFLINES,
	GOREL_AUX_PCSP,
	GOREL_AUX_PCFILE,
	GOREL_AUX_PCLINE,
	GOREL_AUX_PCINLINE,
	GOREL_AUX_PCDATA,
	GOREL_AUX_WASMIMPORT,
	GOREL_AUX_WASMTYPE,
	GOREL_AUX_SEHUNWINDINFO,
	GOREL_NAUX,
};

/* Symbol kinds (objabi/symkind.go). */
enum {
	GOREL_SXXX,
	GOREL_STEXT,
	GOREL_STEXTFIPS,
	GOREL_SRODATA,
	GOREL_SRODATAFIPS,
	GOREL_SNOPTRDATA,
	GOREL_SNOPTRDATAFIPS,
	GOREL_SDATA,
	GOREL_SDATAFIPS,
	GOREL_SBSS,
	GOREL_SNOPTRBSS,
	GOREL_STLSBSS,
	GOREL_SDWARFCUINFO,
	GOREL_SDWARFCONST,
	GOREL_SDWARFFCN,
	GOREL_SDWARFABSFCN,
	GOREL_SDWARFTYPE,
	GOREL_SDWARFVAR,
	GOREL_SDWARFRANGE,
	GOREL_SDWARFLOC,
	GOREL_SDWARFLINES,
	GOREL_SDWARFADDR,
	GOREL_SLIBFUZZER_8BIT_COUNTER,
	GOREL_SCOVERAGE_COUNTER,
	GOREL_SCOVERAGE_AUXVAR,
	GOREL_SSEHUNWINDINFO,
	GOREL_NSYMKIND,
};

/* Relocation types used by amd64 code and data (objabi/reloctype.go);
 * the full table of names is in go127_obj.c. */
enum {
	GOREL_R_ADDR = 1,
	GOREL_R_ADDROFF = 5,
	GOREL_R_SIZE = 6,
	GOREL_R_CALL = 7,
	GOREL_R_CALLIND = 10,
	GOREL_R_CONST = 13,
	GOREL_R_PCREL = 14,
	GOREL_R_TLS_LE = 15,
	GOREL_R_TLS_IE = 16,
	GOREL_R_GOTOFF = 17,
	GOREL_R_USEFIELD = 21,
	GOREL_R_USETYPE = 22,
	GOREL_R_USEIFACE = 23,
	GOREL_R_USEIFACEMETHOD = 24,
	GOREL_R_USENAMEDMETHOD = 25,
	GOREL_R_METHODOFF = 26,
	GOREL_R_KEEP = 27,
	GOREL_R_GOTPCREL = 29,
	GOREL_R_DWARFSECREF = 31,
	/* 1.27 added R_LOONG64_ADDR64_HI/LO and R_LOONG64_GOT64_HI/LO and
	 * removed R_JMPLOONG64: every kind after them moved by 3. */
	GOREL_R_ADDRCUOFF = 98,
	GOREL_R_INITORDER = 102,
	GOREL_R_DWTXTADDR_U1 = 103, /* ..U4: DWARF text addresses */
	GOREL_R_DWTXTADDR_U4 = 106,
	GOREL_R_WEAK = 0x8000, /* R_WEAK = -1 << 15: flag bit on another type */
};

/* Sym.Flag2 bits (objfile.go SymFlagUsedInIface...). */
enum {
	GOREL_SYMFLAG2_USEDINIFACE = 1 << 0,
	GOREL_SYMFLAG2_ITAB = 1 << 1,
	GOREL_SYMFLAG2_DICT = 1 << 2,
	GOREL_SYMFLAG2_PKGINIT = 1 << 3,
	GOREL_SYMFLAG2_LINKNAME = 1 << 4,
	GOREL_SYMFLAG2_LINKNAMESTD = 1 << 5, /* new in 1.27: the bits after it moved */
	GOREL_SYMFLAG2_ABIWRAPPER = 1 << 6,
	GOREL_SYMFLAG2_WASMEXPORT = 1 << 7,
	GOREL_NSYMFLAG2 = 8,
};

/* FuncInfo encoding (goobj/funcinfo.go): u32 args, u32 locals, u8 funcID,
 * u8 funcFlag, 2 pad, i32 startLine, u32 nfile, nfile*u32, u32 ninl,
 * ninl * inline node. */
enum {
	GOREL_FUNCINFO_NUMFILE_OFF = 16,
	GOREL_INLNODE_SIZE = 24, /* i32 parent, u32 file, i32 line, symref func, i32 parentPC */
};

struct gorel_builtin {
	const char *name;
	int abi;
};

/* Names for printing; unknown numbers give NULL. */
const char *gorel_symkind_name(unsigned kind);
const char *gorel_reloc_name(unsigned type); /* without the R_WEAK bit */
const char *gorel_aux_name(unsigned type);
const char *gorel_symflag2_name(unsigned bit); /* bit number, not mask */

/* The builtin symbol list; NULL when idx is out of range. */
const struct gorel_builtin *gorel_builtin(uint32_t idx);
uint32_t gorel_nbuiltins(void);

#endif
