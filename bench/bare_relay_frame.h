/* The frames of bench-bare-relay and its echo processes (C and Go): a
 * stand-in for gofnd's INVOKE and RESULT (api/proto.h) with none of their
 * fields, so the relay measures the round trip and not the encoding.
 * A frame: a 4-byte payload length, an 8-byte call number (the reply
 * echoes it, as a RESULT echoes its INVOKE's CALL), the payload. One
 * recv() takes a whole small frame, as gofnd's recvmsg takes a RESULT. */
#ifndef GOFN_BENCH_BARE_RELAY_FRAME_H
#define GOFN_BENCH_BARE_RELAY_FRAME_H

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

#define RELAY_HEAD 12u
#define RELAY_MAX  4096u /* a whole frame; the bench posts "bench" */

/* Writes a frame of call and payload p[0..n) into buf (RELAY_MAX bytes);
 * returns its size, or 0 when it does not fit. */
static inline size_t relay_frame_put(uint8_t *buf, uint64_t call, const void *p, size_t n)
{
	uint32_t len = (uint32_t)n;

	if (n > RELAY_MAX - RELAY_HEAD)
		return 0;
	memcpy(buf, &len, 4);
	memcpy(buf + 4, &call, 8);
	memcpy(buf + RELAY_HEAD, p, n);
	return RELAY_HEAD + n;
}

/* Receives one whole frame into buf (RELAY_MAX bytes), retrying EINTR and
 * short reads: its payload length, or -1 at the end of the stream, an
 * error or a frame over RELAY_MAX. */
static inline ssize_t relay_frame_recv(int fd, uint8_t *buf, uint64_t *call)
{
	size_t have = 0, want = RELAY_HEAD;
	uint32_t len = 0;

	while (have < want) {
		ssize_t r = recv(fd, buf + have, RELAY_MAX - have, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		have += (size_t)r;
		if (want == RELAY_HEAD && have >= RELAY_HEAD) {
			memcpy(&len, buf, 4);
			if (len > RELAY_MAX - RELAY_HEAD)
				return -1;
			want = RELAY_HEAD + len;
		}
	}
	memcpy(call, buf + 4, 8);
	return (ssize_t)len;
}

/* Sends n bytes of buf whole (a frame), retrying EINTR and short sends. */
static inline int relay_send_all(int fd, const uint8_t *buf, size_t n, int flags)
{
	while (n) {
		ssize_t w = send(fd, buf, n, flags | MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w, n -= (size_t)w;
	}
	return 0;
}

/* A stream of frames read ahead: the evented relay (bare_relay_ev.c) may
 * queue several frames on one echo before its first reply, so a receive
 * can hold more than one frame, and the echo's replies can come back
 * several to a receive. Frames are taken from buf[off..have) one by one;
 * relay_reader_fill receives only when no whole frame is buffered. */
typedef struct relay_reader {
	size_t off, have;
	uint8_t buf[RELAY_MAX * 8];
} relay_reader;

/* The next whole buffered frame: its payload length, *frame pointing at
 * its header (valid until the next fill) and *call; -1 when none is whole
 * yet, -2 for a frame over RELAY_MAX (the stream cannot be trusted). */
static inline ssize_t relay_reader_frame(relay_reader *rd, const uint8_t **frame, uint64_t *call)
{
	uint32_t len;

	if (rd->have - rd->off < RELAY_HEAD)
		return -1;
	memcpy(&len, rd->buf + rd->off, 4);
	if (len > RELAY_MAX - RELAY_HEAD)
		return -2;
	if (rd->have - rd->off < RELAY_HEAD + len)
		return -1;
	*frame = rd->buf + rd->off;
	memcpy(call, *frame + 4, 8);
	rd->off += RELAY_HEAD + len;
	return (ssize_t)len;
}

/* One receive into the buffer (what is left of a frame moved to its start
 * first), retrying EINTR: recv's result (0 at the end of the stream). */
static inline ssize_t relay_reader_fill(int fd, relay_reader *rd, int flags)
{
	ssize_t r;

	if (rd->off) {
		memmove(rd->buf, rd->buf + rd->off, rd->have - rd->off);
		rd->have -= rd->off, rd->off = 0;
	}
	do
		r = recv(fd, rd->buf + rd->have, sizeof rd->buf - rd->have, flags);
	while (r < 0 && errno == EINTR);
	if (r > 0)
		rd->have += (size_t)r;
	return r;
}

#endif
