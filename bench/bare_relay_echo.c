/* bench-relay-echo: bench-bare-relay's echo process in C, the least a
 * process at the other end of the socketpair can do: a blocking recv for
 * a frame on descriptor 3, the reply "hi " + payload (hello.go's
 * main.Handle) with the frame's call number, and the next recv. Exits at
 * the end of the stream. */
#include "bench/bare_relay_frame.h"

int main(void)
{
	uint8_t in[RELAY_MAX], out[RELAY_MAX];
	uint64_t call;
	ssize_t n;

	while ((n = relay_frame_recv(3, in, &call)) >= 0) {
		uint8_t body[RELAY_MAX];
		size_t m;
		memcpy(body, "hi ", 3);
		memcpy(body + 3, in + RELAY_HEAD, (size_t)n); /* n <= RELAY_MAX - RELAY_HEAD */
		m = relay_frame_put(out, call, body, 3 + (size_t)n);
		if (!m || relay_send_all(3, out, m, 0) < 0)
			return 1;
	}
	return 0;
}
