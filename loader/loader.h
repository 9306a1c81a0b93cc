/* The loader's public face: Go objects in, a registered runtime module out.
 * The CLI (loader/host/cli) and the service's worker loop both sit on this
 * and nothing else of the loader. See docs/loader.md for the stages. */
#ifndef GOFN_LOADER_H
#define GOFN_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

typedef struct gofn_module gofn_module;

/* One object or archive as bytes; name is used only in error messages. */
typedef struct gofn_blob {
	const char *name;
	const uint8_t *data;
	size_t len;
} gofn_blob;

/* The signatures gofn knows how to call (issue 3). */
typedef enum gofn_sig {
	GOFN_SIG_UNSUPPORTED = 0,
	GOFN_SIG_VOID,		  /* func() */
	GOFN_SIG_BYTES_BYTES_ERR, /* func([]byte) ([]byte, error) */
	GOFN_SIG_BYTES_BYTES,	  /* func([]byte) []byte */
	GOFN_SIG_STR_STR,	  /* func(string) string */
	GOFN_SIG_STR_STR_ERR,	  /* func(string) (string, error) */
	GOFN_SIG_HTTP,		  /* func(net/http.ResponseWriter, *net/http.Request) */
} gofn_sig;

/* An exported function of a loaded module with the signature read from the object. */
typedef struct gofn_symbol_info {
	const char *name;      /* e.g. "main.Handle" */
	const char *signature; /* Go spelling, e.g. "func([]uint8) ([]uint8, error)" */
	gofn_sig sig;
} gofn_symbol_info;

/* The outcome of one call. out/err_msg are malloc'd (free with gofn_result_free). */
typedef struct gofn_result {
	uint8_t *out;
	size_t out_len;
	char *err_msg; /* the error's Error() text for handlers that returned one; NULL otherwise */
} gofn_result;

/* Reads what every load needs from the host once: its ELF symbols (from
 * /proc/self/exe, so before a sandbox forbids open) and its type table.
 * A worker calls it at start so that the first load does not pay for it;
 * loads work without it. */
int gofn_loader_preload(gofn_err *err);

/* Also builds what a load otherwise builds on first need: the index of
 * the host's itabs by name, which walks every host type descriptor to
 * name them (link_hostitabs.c; several ms with the whole std). For a
 * worker started before it has work (gofnd's prepared workers), so the
 * first load does not wait for it. Costs the index's memory in workers
 * whose objects would never have asked for an itab by name. A worker with
 * the build's host table (hosttab.h) has the index precomputed there, and
 * this walks nothing. */
int gofn_loader_warm(gofn_err *err);

/* Parse, link and register `n` blobs as one link unit. Nothing runs yet.
 * A unit may not define a package the host already has (GOFN_EINVAL). */
int gofn_module_load(const gofn_blob *blobs, size_t n, gofn_module **out, gofn_err *err);

/* Run package initialisation (vars and init funcs) in dependency order. */
int gofn_module_init(gofn_module *m, gofn_err *err);

/* The callable functions of the module, *n of them in *out, valid until
 * unload. Each signature is read from the objects on first need (here for
 * all, in gofn_module_entry for one): call it before tenant code runs
 * (before gofn_module_init) for a list the tenant could not have
 * touched. Fails only when out of memory. */
int gofn_module_symbols(gofn_module *m, const gofn_symbol_info **out, size_t *n, gofn_err *err);

/* The entry PC and signature of `name`, after package initialisation (run
 * here if it has not run yet), for a caller that makes the call itself
 * from Go (loader/host/drive.go: a call from a goroutine that is not in a
 * cgo callback can start the function's goroutine on its own thread).
 * Refuses unsupported signatures with GOFN_ESIG, unknown names with
 * GOFN_ENOTFOUND. */
int gofn_module_entry(gofn_module *m, const char *name, uintptr_t *pc, gofn_sig *sig,
		      gofn_err *err);

/* Call `name` with input `in` through the Go bridge (a cgo callback).
 * Refuses unsupported signatures with GOFN_ESIG. */
int gofn_module_call(gofn_module *m, const char *name, const uint8_t *in, size_t in_len,
		     gofn_result *res, gofn_err *err);

/* Unregister from the runtime and free all code and data. */
void gofn_module_unload(gofn_module *m);

void gofn_result_free(gofn_result *r);

#endif
