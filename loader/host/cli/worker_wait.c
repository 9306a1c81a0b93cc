/* How a worker waits for its next request: see worker_wait.h. */
#include "loader/host/cli/worker_wait.h"

#include <poll.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/io.h"
#include "loader/host/cli/worker_trim.h"

int gofn_worker_wait_input_fd(const gofn_worker_wait *ww)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = ww->fd};
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep < 0)
		return ww->fd;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, ww->fd, &ev) < 0) {
		close(ep);
		return ww->fd;
	}
	return ep;
}

void gofn_worker_wait_idle_from_now(gofn_worker_wait *ww)
{
	ww->since_us = gofn_mono_us();
}

/* poll() for fd readable, up to timeout_ms (-1: no limit). */
static int poll_in(int fd, int timeout_ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	return gofn_poll(&p, 1, timeout_ms) != 0;
}

int gofn_worker_wait_ready(gofn_worker_wait *ww, int raw, int *wait_ms)
{
	int64_t idle_ms = (gofn_mono_us() - ww->since_us) / 1000;
	int hot_left = ww->hot ? GOFN_WORKER_HOT_MS - (int)idle_ms : 0;
	/* poll()'s timeout for a wait here: none when Go is to wait */
	int here = ww->trimmed ? -1 : hot_left > 0 ? hot_left : 0;

	if (raw && here != 0)
		return -1;
	if (poll_in(ww->fd, here)) {
		ww->hot = gofn_mono_us() - ww->since_us < GOFN_WORKER_HOT_MS * 1000;
		ww->trimmed = 0;
		return 1;
	}
	ww->hot = 0;
	idle_ms = (gofn_mono_us() - ww->since_us) / 1000;
	*wait_ms =
	    idle_ms < GOFN_WORKER_TRIM_DELAY_MS ? GOFN_WORKER_TRIM_DELAY_MS - (int)idle_ms : 0;
	return 0;
}

void gofn_worker_wait_trim(gofn_worker_wait *ww)
{
	gofn_worker_idle_trim();
	ww->trimmed = 1;
}
