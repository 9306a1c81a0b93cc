/* Go identifiers and package paths as they appear in symbol names. */
#ifndef GOFN_LOADER_IDENT_H
#define GOFN_LOADER_IDENT_H

#include <stddef.h>

/* Whether identifier s (UTF-8, n bytes) is exported: its first rune is an
 * upper-case letter (go/token.IsExported: unicode.IsUpper), "Äpfel" and
 * "Ω" included (beyond ASCII only in a host with Go, loader/host/ident.go). */
int gofn_ident_exported(const char *s, size_t n);

/* Writes the prefix package path `path` has in symbol names
 * (cmd/internal/objabi.PathToPrefix: "x/lib.v2" -> "x/lib%2ev2") to buf
 * and returns its length, or 0 when it does not fit in cap bytes. */
size_t gofn_path_to_prefix(const char *path, size_t len, char *buf, size_t cap);

#endif
