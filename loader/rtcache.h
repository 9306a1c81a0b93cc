/* The host's per-call-site type-assertion and interface-switch caches
 * (internal/abi/switch.go TypeAssert/InterfaceSwitch, since Go 1.22). A host
 * call site that once saw a loaded type caches that type's address; after
 * the unit is unmapped and another is loaded at the same place, a stale
 * entry would answer for a different type. Unload resets every host cache
 * that mentions the unit (loader/host/module.go does the stores). */
#ifndef GOFN_LOADER_RTCACHE_H
#define GOFN_LOADER_RTCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

/* Triples (descriptor address, words per cache entry, address of the
 * runtime's empty cache for that kind), found once in the host symtab
 * ("pkg..typeAssert.N", "pkg..interfaceSwitch.N"). */
int gofn_rtcache_descs(const uintptr_t **triples, size_t *n, gofn_err *err);

#endif
