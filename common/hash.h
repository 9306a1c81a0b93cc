/* FNV-1a (64-bit): cheap and good enough to spread names over hash tables.
 * Not for anything an attacker must not collide on purpose. */
#ifndef GOFN_COMMON_HASH_H
#define GOFN_COMMON_HASH_H

#include <stddef.h>
#include <stdint.h>

#define GOFN_FNV1A_INIT 0xcbf29ce484222325ull

/* Continues the hash h (GOFN_FNV1A_INIT to start) over p[0..n). */
uint64_t gofn_fnv1a(uint64_t h, const void *p, size_t n);

#endif
