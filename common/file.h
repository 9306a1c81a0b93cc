/* Whole-file I/O with the two properties the service relies on: reads are
 * capped (a file is never trusted to be small), and writes are durable
 * (write a temporary, fsync, rename, fsync the directory), so after a crash
 * a name holds either nothing or the complete bytes. */
#ifndef GOFN_COMMON_FILE_H
#define GOFN_COMMON_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

/* Reads path into a malloc'd buffer (one spare NUL byte after it). A file
 * larger than max fails with GOFN_ELIMIT. */
int gofn_file_read(const char *path, size_t max, uint8_t **out, size_t *len, gofn_err *e);

/* Durably writes dir/name. The temporary is dir/tmp.<name>.<tid>, so a
 * directory's leftovers after a crash are recognisable by their prefix. */
int gofn_file_write_durable(const char *dir, const char *name, const uint8_t *p, size_t n,
			    gofn_err *e);

/* fsync of a directory, so a rename in it survives power loss. */
int gofn_fsync_dir(const char *dir, gofn_err *e);

#endif
