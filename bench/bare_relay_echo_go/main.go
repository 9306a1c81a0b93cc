// bench-relay-echo-go: bench-bare-relay's echo process in Go, doing per
// call what gofn's worker does at the Go level for hello.go's main.Handle,
// without the loader, the protocol and the sandbox (issue 16, the relay
// floor in docs/benchmarks.md): loader/host/drive.go's loop on main's
// goroutine, a cgo call into C that waits for the next frame as
// loader/host/cli/worker_wait.c does (a poll() in C for up to
// GOFN_WORKER_HOT_MS after a reply, else back to Go to park in the
// netpoller on an input-only epoll instance through loader/host/fdwait
// itself) and receives it, the handler through a func value, a cgo call
// that sends the reply, and a runtime.Gosched every 5 ms of calls.
// Not done here: the worker's lseek()s of its output memfds, its frame
// encoding, the idle trim (a bench call comes well within its 1 s).
// With -goroutine each call runs on a new goroutine awaited over a
// channel (as the worker calls a func(), loader/host/call.go runMain).
// Descriptor 3 is the socket; exits at the end of the stream.
package main

/*
#cgo CFLAGS: -I${SRCDIR}/../..
#include "bench/bare_relay_frame.h"
#include <poll.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#define HOT_MS 3 // GOFN_WORKER_HOT_MS, loader/host/cli/worker_wait.h

enum { ECHO_CALL = 1, ECHO_WAIT = 2, ECHO_END = 3 };

typedef struct echo {
	int fd, hot;
	int64_t since_us; // idle since the last reply
	uint64_t call;
	uint8_t in[RELAY_MAX], out[RELAY_MAX];
} echo;

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int poll_in(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int n;
	while ((n = poll(&p, 1, ms)) < 0 && errno == EINTR)
		;
	return n != 0;
}

// As gofn_worker_wait_input_fd: an epoll instance watching fd for input only.
static int echo_input_fd(int fd)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
	int ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
		return fd;
	return ep;
}

// As gofn_worker_wait_ready, then the frame's receive: ECHO_CALL with the
// payload's length in *n, ECHO_WAIT (Go is to park), or ECHO_END.
static int echo_next(echo *e, int *n)
{
	int64_t idle_ms = (mono_us() - e->since_us) / 1000;
	int hot_left = e->hot ? HOT_MS - (int)idle_ms : 0;
	ssize_t r;

	if (!poll_in(e->fd, hot_left > 0 ? hot_left : 0)) {
		e->hot = 0;
		return ECHO_WAIT;
	}
	e->hot = mono_us() - e->since_us < HOT_MS * 1000;
	r = relay_frame_recv(e->fd, e->in, &e->call);
	if (r < 0)
		return ECHO_END;
	*n = (int)r;
	return ECHO_CALL;
}

static int echo_finish(echo *e, const uint8_t *res, size_t n)
{
	size_t m = relay_frame_put(e->out, e->call, res, n);
	int rc = m ? relay_send_all(e->fd, e->out, m, 0) : -1;
	e->since_us = mono_us();
	return rc;
}
*/
import "C"

import (
	"os"
	"runtime"
	"time"
	"unsafe"

	"gofn/loader/host/fdwait"
)

// Handle is hello.go's main.Handle (tests/integration/progs/hello.go).
func Handle(in []byte) ([]byte, error) { return append([]byte("hi "), in...), nil }

// handler is called through a func value, as the worker calls a loaded function.
var handler = Handle

const yieldEvery = 5 * time.Millisecond // loader/host/drive.go

func main() {
	perCall := len(os.Args) > 1 && os.Args[1] == "-goroutine"
	e := (*C.echo)(C.calloc(1, C.sizeof_echo))
	e.fd = 3
	wait := fdwait.New(int(C.echo_input_fd(3)))
	last := time.Now()
	for {
		var n C.int
		switch C.echo_next(e, &n) {
		case C.ECHO_CALL:
			in := C.GoBytes(unsafe.Pointer(&e.in[C.RELAY_HEAD]), n)
			res := call(in, perCall)
			// Go memory for C during the call only, holding no Go pointers.
			if C.echo_finish(e, (*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(res))),
				C.size_t(len(res))) != 0 {
				os.Exit(1)
			}
			if t := time.Now(); t.Sub(last) >= yieldEvery {
				runtime.Gosched()
				last = t
			}
		case C.ECHO_WAIT:
			wait(1000) // the worker's trim delay; a timeout only looks again
			last = time.Now()
		default:
			return
		}
	}
}

// call runs the handler here, or on a goroutine of its own.
func call(in []byte, perCall bool) []byte {
	if !perCall {
		res, _ := handler(in)
		return res
	}
	done := make(chan []byte, 1)
	go func() {
		res, _ := handler(in)
		done <- res
	}()
	return <-done
}
