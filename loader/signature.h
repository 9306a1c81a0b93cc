/* Go signatures of exported functions, from the object's DWARF info. */
#ifndef GOFN_LOADER_SIGNATURE_H
#define GOFN_LOADER_SIGNATURE_H

#include <stddef.h>

#include "loader/goobj.h"
#include "loader/loader.h"

/* Spells the signature of text symbol `fn` ("func([]uint8) []uint8") into
 * buf and classifies it. Returns -1 (sig UNSUPPORTED, buf "func(?)") when
 * the object carries no DWARF info for it (compiled with -dwarf=false). */
int gofn_signature_of(const goobj_object *o, uint32_t fn, char *buf, size_t n, gofn_sig *sig);

/* The gofn_sig of a Go spelling as produced above. */
gofn_sig gofn_sig_of_spelling(const char *spelling);

#endif
