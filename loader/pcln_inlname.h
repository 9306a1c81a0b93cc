/* Names for inline-tree callees the object cannot name by reference.
 *
 * FuncInfo.InlTree refers to each inlined function by symref. A callee from
 * another package is an indexed reference {package, index into that
 * package's symbol table}, and the object records no name for it (RefNames
 * lists only relocation targets). cmd/link finds the name in the other
 * package's object; the runtime needs it for every traceback frame of
 * inlined code (runtime.inlinedCall.nameOff), which it hides when the name
 * is unknown.
 *
 * The same object does name the callee in its DWARF: each inlined call has
 * a DW_TAG_inlined_subroutine DIE in the function's go:info symbol whose
 * DW_AT_abstract_origin is a relocation to go:info.<callee>$abstract and
 * whose DW_AT_call_file / DW_AT_call_line are the call site — the same
 * (file, line) as the InlTree node (cmd/internal/dwarf putInlinedFunc,
 * dwarfFileIndex = CU file index + 1). We match nodes to DIEs by call
 * site, in order when a line holds several inlined calls. */
#ifndef GOFN_LOADER_PCLN_INLNAME_H
#define GOFN_LOADER_PCLN_INLNAME_H

#include <stddef.h>
#include <stdint.h>

#include "loader/goobj.h"

/* The name of the function inlined at node k of text symbol `fn`'s
 * inline tree (fi as decoded by goobj_funcinfo_get), from the DWARF info;
 * len 0 if it cannot be determined. Points into the object. When
 * start_line is not NULL it receives the callee's first line (the abstract
 * DIE's DW_AT_decl_line, which cmd/internal/dwarf writes from the
 * function's start position), or 0. */
goobj_str gofn_inl_callee_name(const goobj_object *o, uint32_t fn, const goobj_funcinfo *fi,
			       uint32_t k, int32_t *start_line);

#endif
