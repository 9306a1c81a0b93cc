/* The C → Go bridge of the module builder: functions exported by the
 * worker's Go shim (loader/host/module.go, //export). They are declared
 * weak so that C-only programs (unit tests) link without them; callers
 * check for NULL and fail with "runtime bridge not linked". */
#ifndef GOFN_LOADER_RT_BRIDGE_H
#define GOFN_LOADER_RT_BRIDGE_H

#include <stddef.h>
#include <stdint.h>

/* &runtime.firstmoduledata of the running process. */
extern void *gofnFirstModuledata(void) __attribute__((weak));

/* Links md (a runtime moduledata whose `next` field is at next_off) after
 * runtime.lastmoduledatap, rebuilds the active module list and adds the
 * nitabs itabs to the runtime's itab table. types are the module's
 * typelinked descriptors sorted by type string: where the release's
 * runtime has no typelinks field (1.27+) the worker's per-release Go code
 * publishes them (module_go127.go). Returns 0. */
extern int gofnRegisterModule(void *md, size_t next_off, void **types, size_t ntypes, void **itabs,
			      size_t nitabs) __attribute__((weak));

/* Returns 1 without changing anything if, after waiting briefly, some
 * goroutine still has a pc in the ranges on its stack. Otherwise removes
 * from the itab table every itab that lies in, or whose type or
 * interface lies in, one of the nranges [lo, hi) pairs; resets each of the
 * ncaches host type-assertion caches (loader/rtcache.h triples) that
 * mentions such a type or itab; unlinks md and rebuilds the module list;
 * runs a GC, and returns 0. */
extern int gofnUnregisterModule(void *md, size_t next_off, uintptr_t *ranges, size_t nranges,
				uintptr_t *caches, size_t ncaches) __attribute__((weak));

#endif
