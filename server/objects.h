/* Uploaded objects as content-addressed files: DATA/objects/<sha256>.
 * A file appears under its final name only after its bytes and its
 * directory entry are on disk (write tmp, fsync, rename, fsync dir), so a
 * crash leaves either nothing or the whole object; stray tmp files from a
 * crash are removed at startup.
 * With a store that holds bytes (--store postgres) the database has every
 * object and these files are this replica's cache of it. */
#ifndef GOFN_SERVER_OBJECTS_H
#define GOFN_SERVER_OBJECTS_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "server/store.h"

int gofn_objects_init(const char *data_dir, gofn_err *e);
int gofn_objects_put(const char *data_dir, const char *sha256, const uint8_t *p, size_t n,
		     gofn_err *e);
/* Reads an object of at most max bytes into a malloc'd buffer. */
int gofn_objects_get(const char *data_dir, const char *sha256, size_t max, uint8_t **p, size_t *n,
		     gofn_err *e);
/* gofn_objects_get, else (no file here) the store's copy, checked against
 * its sha256 and kept as a file for the next time. */
int gofn_objects_load(gofn_store *st, const char *data_dir, const char *sha256, size_t max,
		      uint8_t **p, size_t *n, gofn_err *e);
void gofn_objects_remove(const char *data_dir, const char *sha256);

#endif
