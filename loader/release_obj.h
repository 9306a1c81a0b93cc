/* The object format of the Go release this loader library is built for.
 * Each worker executable is built by one toolchain and links a loader
 * library compiled with -DGOFN_GO_MINOR=NN for that release (loader/
 * CMakeLists.txt); shared code includes this header, never goNNN_obj.h,
 * and uses the release-neutral GOREL_* / gorel_* names every goNNN_obj.h
 * defines. */
#ifndef GOFN_LOADER_RELEASE_OBJ_H
#define GOFN_LOADER_RELEASE_OBJ_H

#if !defined(GOFN_GO_MINOR)
#error "GOFN_GO_MINOR (the Go 1.NN release) must be defined by the build"
#elif GOFN_GO_MINOR == 26
#include "loader/go126_obj.h"
#elif GOFN_GO_MINOR == 27
#include "loader/go127_obj.h"
#else
#error "no loader/goNNN_obj.h for this GOFN_GO_MINOR"
#endif

#endif
