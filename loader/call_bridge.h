/* The C -> Go bridge of the call path: functions exported by the worker's
 * Go shim (loader/host/call.go, //export). Weak, so C-only programs (unit
 * tests) link without them; callers check for NULL. */
#ifndef GOFN_LOADER_CALL_BRIDGE_H
#define GOFN_LOADER_CALL_BRIDGE_H

#include <stddef.h>
#include <stdint.h>

/* Calls the loaded function at entry `pc` as Go signature `sig` (gofn_sig)
 * with input in[0:inlen]. Outputs are malloc'd: *out and *outlen for []byte and
 * string results, *errmsg for a non-nil error. Panics are not recovered:
 * they behave as in a native program. Returns 0, or -1 for an unknown sig. */
extern int gofnCallEntry(uintptr_t pc, int sig, const uint8_t *in, size_t inlen, uint8_t **out,
			 size_t *outlen, char **errmsg) __attribute__((weak));

/* Runs a package's initTask (runtime/proc.go initTask: state, nfns, pcs)
 * as runtime.doInit1 would: each function once, state 0 -> 1 -> 2. */
extern void gofnRunInitTask(uintptr_t task) __attribute__((weak));

/* The GOROOT the host was built with (runtime.GOROOT), malloc'd. */
extern char *gofnGOROOT(void) __attribute__((weak));

/* Runs a GC and waits until finalizers and cleanups queued so far have
 * run (they may be loaded code). Returns -1 if they did not finish in time. */
extern int gofnDrainQueues(void) __attribute__((weak));

/* Sets os.Args of the process to argv[0..argc) for the loaded program. */
extern void gofnSetArgs(char **argv, int argc) __attribute__((weak));
/* os.Setenv of "KEY=VALUE" (n bytes, not NUL-terminated). */
extern void gofnSetenv(const char *kv, size_t n) __attribute__((weak));

#endif
