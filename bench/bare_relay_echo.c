/* bench-relay-echo: bench-bare-relay's echo process in C, the least a
 * process at the other end of the socketpair can do: a blocking recv for
 * frames on descriptor 3, for each the reply "hi " + payload (hello.go's
 * main.Handle) with the frame's call number, and the next recv. Frames
 * the evented relay queued (bare_relay_ev.c, -q) may arrive several to a
 * recv: each gets its reply, and the replies go in one send before the
 * next recv (one recv and one send per frame when they come one at a
 * time, as from the thread-per-connection relay). Exits at the end of the
 * stream. */
#include "bench/bare_relay_frame.h"

int main(void)
{
	static relay_reader rd;
	static uint8_t out[RELAY_MAX * 8];
	size_t used = 0;

	for (;;) {
		const uint8_t *f;
		uint64_t call;
		ssize_t n = relay_reader_frame(&rd, &f, &call);

		if (n == -2)
			return 1;
		if (n < 0) { /* nothing whole left: answer, then wait for more */
			if (used && relay_send_all(3, out, used, 0) < 0)
				return 1;
			used = 0;
			if (relay_reader_fill(3, &rd, 0) <= 0)
				return 0;
			continue;
		}
		uint8_t body[RELAY_MAX];
		memcpy(body, "hi ", 3);
		memcpy(body + 3, f + RELAY_HEAD, (size_t)n); /* n <= RELAY_MAX - RELAY_HEAD */
		if (sizeof out - used < RELAY_MAX) {
			if (relay_send_all(3, out, used, 0) < 0)
				return 1;
			used = 0;
		}
		size_t m = relay_frame_put(out + used, call, body, 3 + (size_t)n);
		if (!m)
			return 1;
		used += m;
	}
}
