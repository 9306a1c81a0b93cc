/* Frames over a socket with deadlines and fd passing (see api/frame.h). */
#ifndef GOFN_API_FRAME_IO_H
#define GOFN_API_FRAME_IO_H

#include <stddef.h>
#include <stdint.h>

#include "api/frame.h"
#include "common/clock.h"
#include "common/err.h"

/* Sends a finished frame; nfds (0..2) descriptors ride on its first byte
 * (gofnd sends two with LOAD: the worker's stdout and stderr files).
 * deadline_ms: absolute CLOCK_MONOTONIC ms, or -1 to wait forever. With a
 * deadline no send blocks (MSG_DONTWAIT, whatever the socket's mode): a
 * peer that does not read makes it fail with GOFN_ELIMIT "timed out" at
 * the deadline. A peer gone (closed, dead) before the first byte left
 * fails it with e->code GOFN_EOK and message "closed": nothing was
 * delivered. */
int gofn_frame_send(int sock, const gofn_fbuf *b, const int *fds, int nfds, int64_t deadline_ms,
		    gofn_err *e);

/* A received frame: payload is malloc'd (free it), fds are -1 when absent. */
typedef struct gofn_frame {
	uint32_t type;
	uint32_t len;
	uint8_t *payload;
	int fds[2];
	int nfds;
	/* Bytes beyond this frame came with it and were dropped: the peer
	 * sent more than one message, which neither side ever does. */
	int extra;
} gofn_frame;

/* Reads one frame of at most max payload bytes, in one recvmsg when it
 * is small (api/frame_io.c RECV_AHEAD). deadline_ms is an absolute
 * CLOCK_MONOTONIC time in ms, or -1 to wait forever. On end of stream before
 * a header returns -1 with e->code GOFN_EOK and message "closed". */
int gofn_frame_recv(int sock, size_t max, int64_t deadline_ms, gofn_frame *f, gofn_err *e);
/* The same on a blocking socket whose SO_RCVTIMEO is set (gofnd's end,
 * server/worker.c): the first receive waits in recvmsg itself, one system
 * call where poll() and recvmsg() were two. Returns 1 with a frame, 0
 * when the socket's timeout passed with nothing received (f is then
 * empty), -1 as gofn_frame_recv. Once a frame has begun, the rest of it
 * is waited for with poll() until deadline_ms. */
int gofn_frame_recv_timed(int sock, size_t max, int64_t deadline_ms, gofn_frame *f, gofn_err *e);
void gofn_frame_free(gofn_frame *f);
/* Closes only the received descriptors. */
void gofn_frame_free_fds(gofn_frame *f);

#endif
