/* How a worker waits for its next request (issue 16 target 3: many tenants).
 *
 * Go 1.26's sysmon (runtime/proc.go sysmon, retake) watches a P whose
 * goroutine is in a cgo call: after 10 ms it takes the P (handoffp wakes a
 * thread for it), and each retake, as each wake-up from its deep sleep by
 * the next cgo call (entersyscall), sets its cadence back to 20 us for the
 * next millisecond, doubling up to 10 ms after. A worker blocked in poll()
 * inside a cgo call and called every 20-80 ms (100 tenants over 254
 * workers) paid about 40 thread wake-ups per call for that; parked in Go's
 * netpoller its P is idle, sysmon sleeps, and a call costs about 6. But a
 * busy worker (called every few hundred us) pays for the netpoller's park
 * and sysmon's wake-up on every call, where a poll() in C costs it
 * nothing more: measured in docs/benchmarks.md, "Many tenants: the per-call
 * cost of a rarely called worker".
 *
 * So a worker whose last request came within GOFN_WORKER_HOT_MS of its
 * reply waits that long in poll() here first (short of sysmon's 10 ms,
 * with drive.go's yield); any other wait is Go's, in its netpoller, up to
 * the idle trim (worker_trim.h), after which the worker waits in poll()
 * here: one retake, then sysmon sleeps until the next call. */
#ifndef GOFN_HOST_WORKER_WAIT_H
#define GOFN_HOST_WORKER_WAIT_H

#include <stdint.h>

/* Short of sysmon's 10 ms retake with drive.go's yieldEvery (5 ms): a
 * goroutine that yielded 5 ms ago and then waits 3 ms in C is seen at most
 * 8 ms on one schedtick. */
#define GOFN_WORKER_HOT_MS 3

typedef struct gofn_worker_wait {
	int fd;		  /* the control socket */
	int64_t since_us; /* idle since (the last reply, or the start) */
	int hot;	  /* the last request came within GOFN_WORKER_HOT_MS */
	int trimmed;	  /* idle past the trim delay (trimmed if it grew) */
} gofn_worker_wait;

/* The descriptor Go's netpoller is to wait on for fd readable: an epoll
 * instance of its own watching fd for input only (level-triggered), so
 * readable exactly when fd is; fd itself when that cannot be made. Go
 * registers every descriptor for output too (runtime/netpoll_epoll.go
 * netpollopen: EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET), and on the
 * control socket gofnd's every read of a reply frees the send buffer the
 * reply took (unix_write_space): an EPOLLOUT edge that woke the worker's
 * thread parked in epoll_wait once per call for nothing. The inner epoll
 * drops wake-ups for events it was not asked for (ep_poll_callback). */
int gofn_worker_wait_input_fd(const gofn_worker_wait *ww);

/* A reply went out (or the worker started): idle from now. */
void gofn_worker_wait_idle_from_now(gofn_worker_wait *ww);

/* Returns 1 when a request (or the end of the stream) is there to read,
 * having waited for it here when the worker is hot or trimmed; 0 when
 * the caller is to wait for fd in Go's netpoller for up to *wait_ms and
 * then call gofn_worker_wait_trim (if nothing came) or this again. raw
 * (a raw step, cli.h): returns -1 instead of waiting here, with nothing
 * done, the wait being a cgo call's. */
int gofn_worker_wait_ready(gofn_worker_wait *ww, int raw, int *wait_ms);

/* Idle past the trim delay: trims (worker_trim.h: when the worker grew
 * since its last trim); the next wait is here either way, where no Go
 * timer is pending for sysmon to wake for. */
void gofn_worker_wait_trim(gofn_worker_wait *ww);

#endif
