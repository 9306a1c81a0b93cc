/* Frame transport: poll() deadlines in both directions, SCM_RIGHTS. On a
 * non-blocking socket (gofnd's end) a peer that stops reading or writing
 * costs at most the deadline; the worker's end blocks (deadline -1). */
#include "api/frame_io.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Bytes a frame's first receive takes beyond its header (see gofn_frame_recv). */
#define RECV_AHEAD 4096

/* Waits until sock has `events` or the deadline (absolute ms, -1: none). */
static int wait_for(int sock, short events, int64_t deadline_ms, gofn_err *e)
{
	for (;;) {
		int timeout = -1;
		if (deadline_ms >= 0) {
			int64_t left = deadline_ms - gofn_now_ms();
			if (left <= 0)
				return gofn_errf(e, GOFN_ELIMIT, "timed out");
			timeout = left > 1000000 ? 1000000 : (int)left;
		}
		struct pollfd p = {.fd = sock, .events = events};
		int r = poll(&p, 1, timeout);
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return gofn_errsys(e, "poll");
	}
}

static int send_all(int sock, const uint8_t *p, size_t n, const int *fds, int nfds,
		    int64_t deadline_ms, gofn_err *e)
{
	union {
		char buf[CMSG_SPACE(2 * sizeof(int))];
		struct cmsghdr align;
	} u;
	int sent = 0;

	while (n > 0) {
		struct iovec iov = {.iov_base = (void *)p, .iov_len = n};
		struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
		if (nfds > 0) {
			memset(&u, 0, sizeof u);
			m.msg_control = u.buf;
			m.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
			struct cmsghdr *c = CMSG_FIRSTHDR(&m);
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
			memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
		}
		/* Plain write() when no fds ride along on the worker's end (no
		 * deadline): a confined worker may not call sendmsg
		 * (sandbox/seccomp.c). With a deadline (gofnd), the send never
		 * blocks, whether or not the socket is O_NONBLOCK. */
		int fl = MSG_NOSIGNAL | (deadline_ms >= 0 ? MSG_DONTWAIT : 0);
		ssize_t w = nfds > 0	       ? sendmsg(sock, &m, fl)
			    : deadline_ms >= 0 ? send(sock, p, n, fl)
					       : write(sock, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (wait_for(sock, POLLOUT, deadline_ms, e) < 0)
				return -1;
			continue;
		}
		/* The peer was gone before any of the frame left: nothing of
		 * it was delivered (gofnd then serves the call elsewhere). */
		if (w < 0 && (errno == EPIPE || errno == ECONNRESET) && !sent)
			return gofn_errf(e, GOFN_EOK, "closed");
		if (w < 0)
			return gofn_errsys(e, "send frame");
		sent = 1;
		p += w;
		n -= (size_t)w;
		nfds = 0; /* the descriptors went with the first byte */
	}
	return 0;
}

int gofn_frame_send(int sock, const gofn_fbuf *b, const int *fds, int nfds, int64_t deadline_ms,
		    gofn_err *e)
{
	if (nfds < 0 || nfds > 2)
		return gofn_errf(e, GOFN_EINVAL, "send frame: %d fds", nfds);
	return send_all(sock, b->data, b->len, fds, nfds, deadline_ms, e);
}

/* Keeps up to two fds from any SCM_RIGHTS message; closes surplus ones so a
 * hostile peer cannot make us leak descriptors. */
static void take_fds(struct msghdr *m, gofn_frame *f)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		/* The kernel's cmsg_len, bounded by what the buffer holds. */
		const char *end = (const char *)m->msg_control + m->msg_controllen;
		const char *data = (const char *)CMSG_DATA(c);
		size_t n =
		    c->cmsg_len > CMSG_LEN(0) ? (c->cmsg_len - CMSG_LEN(0)) / sizeof(int) : 0;
		size_t room = data < end ? (size_t)(end - data) / sizeof(int) : 0;
		if (n > room)
			n = room;
		for (size_t i = 0; i < n; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
			if (f->nfds < 2)
				f->fds[f->nfds++] = fd;
			else
				close(fd);
		}
	}
}

/* One receive of up to n bytes (at least one), waiting for them until the
 * deadline. Returns the count, or -1 with e set ("closed" at a clean end).
 * block: wait in recvmsg itself, for as long as the socket's SO_RCVTIMEO,
 * and return NOTHING_YET if nothing came in that time. */
#define NOTHING_YET (-2)
static ssize_t recv_some(int sock, uint8_t *p, size_t n, int64_t deadline_ms, gofn_frame *f,
			 int got_any, int block, gofn_err *e)
{
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} u;

	for (;;) {
		struct iovec iov = {.iov_base = p, .iov_len = n};
		struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
		m.msg_control = u.buf;
		m.msg_controllen = sizeof u.buf;
		/* Try first, wait only when nothing is there: a reply or a
		 * request is usually whole by the time we look, and a poll()
		 * before every read doubled the system calls of a frame. */
		ssize_t r = recvmsg(sock, &m, MSG_CMSG_CLOEXEC | (block ? 0 : MSG_DONTWAIT));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && block && (errno == EAGAIN || errno == EWOULDBLOCK))
			return NOTHING_YET;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (wait_for(sock, POLLIN, deadline_ms, e) < 0)
				return -1;
			continue;
		}
		/* A peer that dies with our request unread resets the stream:
		 * that is the end of it, like a close. */
		if (r < 0 && errno == ECONNRESET)
			r = 0;
		else if (r < 0)
			return gofn_errsys(e, "receive frame");
		else
			take_fds(&m, f); /* a failed recvmsg leaves the buffer as it was */
		if (r == 0)
			return got_any ? gofn_errf(e, GOFN_EINVAL, "truncated frame")
				       : gofn_errf(e, GOFN_EOK, "closed");
		return r;
	}
}

static int frame_recv(int sock, size_t max, int64_t deadline_ms, int block, gofn_frame *f,
		      gofn_err *e)
{
	/* The header and what follows it in one receive: a frame of up to
	 * RECV_AHEAD bytes (every warm call's request and reply) costs one
	 * recvmsg, not one for the header and one for the payload. Neither
	 * side sends a second frame before the first is answered, so bytes
	 * read past the frame can only be a peer speaking out of turn. */
	uint8_t head[GOFN_FRAME_HDR + RECV_AHEAD];
	size_t have = 0, done;

	memset(f, 0, sizeof *f);
	f->fds[0] = f->fds[1] = -1;
	while (have < GOFN_FRAME_HDR) {
		ssize_t r = recv_some(sock, head + have, sizeof head - have, deadline_ms, f,
				      have > 0, block && have == 0, e);
		if (r == NOTHING_YET)
			return 0;
		if (r < 0)
			goto fail;
		have += (size_t)r;
	}
	if (gofn_frame_header(head, max, &f->type, &f->len, e) < 0)
		goto fail;
	f->payload = malloc(f->len ? f->len : 1);
	if (!f->payload) {
		gofn_errf(e, GOFN_ENOMEM, "frame of %u bytes: out of memory", f->len);
		goto fail;
	}
	done = have - GOFN_FRAME_HDR;
	if (done > f->len) {
		f->extra = 1;
		done = f->len;
	}
	memcpy(f->payload, head + GOFN_FRAME_HDR, done);
	while (done < f->len) {
		ssize_t r =
		    recv_some(sock, f->payload + done, f->len - done, deadline_ms, f, 1, 0, e);
		if (r < 0)
			goto fail;
		done += (size_t)r;
	}
	return 1;
fail:
	gofn_frame_free(f);
	return -1;
}

int gofn_frame_recv(int sock, size_t max, int64_t deadline_ms, gofn_frame *f, gofn_err *e)
{
	return frame_recv(sock, max, deadline_ms, 0, f, e) < 0 ? -1 : 0;
}

int gofn_frame_recv_timed(int sock, size_t max, int64_t deadline_ms, gofn_frame *f, gofn_err *e)
{
	return frame_recv(sock, max, deadline_ms, 1, f, e);
}

void gofn_frame_free(gofn_frame *f)
{
	free(f->payload);
	f->payload = NULL;
	gofn_frame_free_fds(f);
}

void gofn_frame_free_fds(gofn_frame *f)
{
	for (int i = 0; i < f->nfds; i++)
		if (f->fds[i] >= 0)
			close(f->fds[i]);
	f->fds[0] = f->fds[1] = -1;
	f->nfds = 0;
}
