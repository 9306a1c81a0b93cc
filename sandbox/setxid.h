/* Internal to sandbox/: see setxid.c. */
#ifndef GOFN_SANDBOX_SETXID_H
#define GOFN_SANDBOX_SETXID_H

#include "common/err.h"

/* Wraps glibc's SIGSETXID handler so a setuid()-family call trapped on a
 * thread whose mask blocks SIGSYS is still reported. 0 or -1 with err. */
int gofn_sandbox_wrap_setxid(gofn_err *err);

#endif
