/* Everything in the Go OBJECT format that changes between Go releases,
 * for Go 1.26. A new release means a new goNNN_obj.{h,c}, not a hunt.
 *
 * Sources ($GOROOT/src):
 *   cmd/internal/goobj/objfile.go     magic, header, block list, record sizes, aux types
 *   cmd/internal/goobj/funcinfo.go    FuncInfo encoding
 *   cmd/internal/goobj/builtinlist.go builtin symbol list (PkgIdxBuiltin)
 *   cmd/internal/objabi/symkind.go    symbol kinds
 *   cmd/internal/objabi/reloctype.go  relocation types
 *   cmd/internal/objabi/util.go       the "go object GOOS GOARCH VERSION ..." header line */
#ifndef GOFN_LOADER_GO126_OBJ_H
#define GOFN_LOADER_GO126_OBJ_H

#include <stdint.h>

#define GO126_MAGIC	     "\x00go120ld"
#define GO126_MAGIC_LEN	     8
#define GO126_VERSION_PREFIX "go1.26" /* accepted: "go1.26" exactly or "go1.26.N"/"go1.26rcN" */
#define GO126_GOOS	     "linux"
#define GO126_GOARCH	     "amd64"

/* Blocks, in file order (objfile.go Blk*). The header holds one uint32
 * offset per block; block i spans [off[i], off[i+1]). */
enum {
	GO126_BLK_AUTOLIB,
	GO126_BLK_PKGIDX,
	GO126_BLK_FILE,
	GO126_BLK_SYMDEF,
	GO126_BLK_HASHED64DEF,
	GO126_BLK_HASHEDDEF,
	GO126_BLK_NONPKGDEF,
	GO126_BLK_NONPKGREF,
	GO126_BLK_REFFLAGS,
	GO126_BLK_HASH64,
	GO126_BLK_HASH,
	GO126_BLK_RELOCIDX,
	GO126_BLK_AUXIDX,
	GO126_BLK_DATAIDX,
	GO126_BLK_RELOC,
	GO126_BLK_AUX,
	GO126_BLK_DATA,
	GO126_BLK_REFNAME,
	GO126_BLK_END,
	GO126_NBLK,
};

/* Record sizes in bytes (objfile.go *Size constants). */
enum {
	GO126_FINGERPRINT_SIZE = 8,
	GO126_HEADER_SIZE = GO126_MAGIC_LEN + GO126_FINGERPRINT_SIZE + 4 + 4 * GO126_NBLK,
	GO126_STRREF_SIZE = 8,	     /* uint32 len, uint32 off */
	GO126_IMPORTEDPKG_SIZE = 16, /* strref + fingerprint */
	GO126_SYM_SIZE = 21, /* strref, u16 abi, u8 type, u8 flag, u8 flag2, u32 size, u32 align */
	GO126_REFFLAGS_SIZE = 10,
	GO126_HASH64_SIZE = 8,
	GO126_HASH_SIZE = 16,
	GO126_RELOC_SIZE = 23,	 /* i32 off, u8 size, u16 type, i64 add, symref */
	GO126_AUX_SIZE = 9,	 /* u8 type, symref */
	GO126_REFNAME_SIZE = 16, /* symref, strref */
};

/* Aux symbol types (objfile.go Aux*). */
enum {
	GO126_AUX_GOTYPE,
	GO126_AUX_FUNCINFO,
	GO126_AUX_FUNCDATA,
	GO126_AUX_DWARFINFO,
	GO126_AUX_DWARFLOC,
	GO126_AUX_DWARFRANGES,
	GO126_AUX_DWARFLINES,
	GO126_AUX_PCSP,
	GO126_AUX_PCFILE,
	GO126_AUX_PCLINE,
	GO126_AUX_PCINLINE,
	GO126_AUX_PCDATA,
	GO126_AUX_WASMIMPORT,
	GO126_AUX_WASMTYPE,
	GO126_AUX_SEHUNWINDINFO,
	GO126_NAUX,
};

/* Symbol kinds (objabi/symkind.go). */
enum {
	GO126_SXXX,
	GO126_STEXT,
	GO126_STEXTFIPS,
	GO126_SRODATA,
	GO126_SRODATAFIPS,
	GO126_SNOPTRDATA,
	GO126_SNOPTRDATAFIPS,
	GO126_SDATA,
	GO126_SDATAFIPS,
	GO126_SBSS,
	GO126_SNOPTRBSS,
	GO126_STLSBSS,
	GO126_SDWARFCUINFO,
	GO126_SDWARFCONST,
	GO126_SDWARFFCN,
	GO126_SDWARFABSFCN,
	GO126_SDWARFTYPE,
	GO126_SDWARFVAR,
	GO126_SDWARFRANGE,
	GO126_SDWARFLOC,
	GO126_SDWARFLINES,
	GO126_SDWARFADDR,
	GO126_SLIBFUZZER_8BIT_COUNTER,
	GO126_SCOVERAGE_COUNTER,
	GO126_SCOVERAGE_AUXVAR,
	GO126_SSEHUNWINDINFO,
	GO126_NSYMKIND,
};

/* Relocation types used by amd64 code and data (objabi/reloctype.go);
 * the full table of names is in go126_obj.c. */
enum {
	GO126_R_ADDR = 1,
	GO126_R_ADDROFF = 5,
	GO126_R_SIZE = 6,
	GO126_R_CALL = 7,
	GO126_R_CALLIND = 10,
	GO126_R_CONST = 13,
	GO126_R_PCREL = 14,
	GO126_R_TLS_LE = 15,
	GO126_R_TLS_IE = 16,
	GO126_R_GOTOFF = 17,
	GO126_R_USEFIELD = 21,
	GO126_R_USETYPE = 22,
	GO126_R_USEIFACE = 23,
	GO126_R_USEIFACEMETHOD = 24,
	GO126_R_USENAMEDMETHOD = 25,
	GO126_R_METHODOFF = 26,
	GO126_R_KEEP = 27,
	GO126_R_GOTPCREL = 29,
	GO126_R_WEAK = 0x8000, /* R_WEAK = -1 << 15: flag bit on another type */
};

/* FuncInfo encoding (goobj/funcinfo.go): u32 args, u32 locals, u8 funcID,
 * u8 funcFlag, 2 pad, i32 startLine, u32 nfile, nfile*u32, u32 ninl,
 * ninl * inline node. */
enum {
	GO126_FUNCINFO_NUMFILE_OFF = 16,
	GO126_INLNODE_SIZE = 24, /* i32 parent, u32 file, i32 line, symref func, i32 parentPC */
};

struct go126_builtin {
	const char *name;
	int abi;
};

/* Names for printing; unknown numbers give NULL. */
const char *go126_symkind_name(unsigned kind);
const char *go126_reloc_name(unsigned type); /* without the R_WEAK bit */
const char *go126_aux_name(unsigned type);

/* The builtin symbol list; NULL when idx is out of range. */
const struct go126_builtin *go126_builtin(uint32_t idx);
uint32_t go126_nbuiltins(void);

#endif
