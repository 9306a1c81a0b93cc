// bench-relay-echo-go: bench-bare-relay's echo process in Go, doing per
// call what gofn's worker does at the Go level for hello.go's main.Handle,
// without the loader, the protocol and the sandbox (issue 16, "The relay
// floor" and "The Go echo and a rarely called Go process" in
// docs/benchmarks.md): loader/host/drive.go's loop on main's goroutine,
// each step first made raw (through runtime.asmcgocall, on the thread's
// system stack with its P kept, as loader/host/cli/cli.h gofn_cli_raw):
// look for the next frame without waiting and receive it, or answer SLOW
// when the echo is hot (its last request came within GOFN_WORKER_HOT_MS
// of its reply: then a cgo call polls for the rest of that time, as
// loader/host/cli/worker_wait.c), else WAIT: park in the netpoller on an
// input-only epoll instance through loader/host/fdwait itself, with the
// worker's 1 s trim deadline; the handler through a func value; the reply
// sent raw; a runtime.Gosched every 5 ms of calls.
// Not done here: the worker's lseek()s of its output memfds, its frame
// encoding, the idle trim (a timeout only looks again).
//
// Flags select variants of that path, for measuring (bench/floor_ab.sh
// FLOOR_GO_VARIANTS, bench/echo_rare.sh); the default is the worker's:
//
//	-cgo          every step a cgo call (the worker before 2a64bd3)
//	-wait=MODE    netpoll (default); cgo: a blocking poll() made as a cgo
//	              call; raw: a blocking poll() made raw, holding the P
//	-deadline=MS  the netpoller park's deadline (0: none, no runtime timer)
//	-hot=MODE     the hot wait (GOFN_WORKER_HOT_MS): cgo (the worker's), raw
//	              (a poll() made raw, holding the P for up to 3 ms), none
//	-keepdeadline the deadline kept between parks and set again only after
//	              it passed (to the last reply + -deadline): no timer change
//	              a call
//	-timerfd      no deadline: the trim delay a timerfd in the input-only
//	              epoll instance, set before each park
//	-spin=D       look (raw) for that long before parking (e.g. 50us)
//	-lock         main's goroutine locked to its thread
//	-procs=N      runtime.GOMAXPROCS(N) (0: the runtime's)
//	-goroutine    each call on a new goroutine awaited over a channel (as
//	              the worker calls a func(), loader/host/call.go runMain)
//	-tenant       a tenant-like goroutine beside the loop: every 1 ms it
//	              allocates 64 KiB; at the end the echo prints to stderr its
//	              largest lateness and the largest GC stop-the-world pause
//
// Descriptor 3 is the socket; exits at the end of the stream.
package main

/*
#cgo CFLAGS: -I${SRCDIR}/../..
#include "bench/bare_relay_frame.h"
#include <poll.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define HOT_MS 3 // GOFN_WORKER_HOT_MS, loader/host/cli/worker_wait.h
#define TRIM_MS 1000 // GOFN_WORKER_TRIM_DELAY_MS, loader/host/cli/worker_trim.h

enum { ECHO_END = 0, ECHO_CALL = 1, ECHO_WAIT = 2, ECHO_SLOW = 3 };

typedef struct echo {
	int fd, hot;
	int tfd; // -timerfd: the trim delay's timer, in the input-only epoll instance; else -1
	int wait_ms; // a look's timeout: 0, or -1 for the blocking waits
	int hot_mode; // -hot: 0 cgo (the worker's), 1 raw, 2 none
	int n;	     // the received call's payload length
	int64_t since_us; // idle since the last reply
	uint64_t call;
	const uint8_t *res; // the reply's payload, Go memory during finish only
	size_t reslen;
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

// As gofn_worker_wait_input_fd: an epoll instance watching fd for input
// only; with e->tfd >= 0, the timer too.
static int echo_input_fd(echo *e)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = e->fd};
	int ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, e->fd, &ev) < 0)
		return e->fd;
	ev.data.fd = e->tfd;
	if (e->tfd >= 0 && epoll_ctl(ep, EPOLL_CTL_ADD, e->tfd, &ev) < 0)
		e->tfd = -1;
	return ep;
}

// -timerfd: before a park, the timer set to the end of the trim delay
// (disarmed past it: where the worker would trim); setting it also forgets
// an expiry, which would keep the epoll instance readable.
static void arm_trim(echo *e)
{
	int64_t idle_ms = (mono_us() - e->since_us) / 1000;
	struct itimerspec t = {0};
	if (e->tfd < 0)
		return;
	if (idle_ms < TRIM_MS)
		t.it_value.tv_nsec = (TRIM_MS - idle_ms) * 1000000;
	if (t.it_value.tv_nsec >= 1000000000)
		t.it_value.tv_sec = 1, t.it_value.tv_nsec -= 1000000000;
	timerfd_settime(e->tfd, 0, &t, NULL);
}

static int hot_left(const echo *e)
{
	return e->hot && e->hot_mode != 2 ? HOT_MS - (int)((mono_us() - e->since_us) / 1000) : 0;
}

// Polls for up to ms, then receives the frame (its payload's length in
// e->n): ECHO_CALL, ECHO_WAIT (nothing came) or ECHO_END.
static int look(echo *e, int ms)
{
	if (!poll_in(e->fd, ms)) {
		e->hot = 0;
		arm_trim(e);
		return ECHO_WAIT;
	}
	e->hot = mono_us() - e->since_us < HOT_MS * 1000;
	ssize_t r = relay_frame_recv(e->fd, e->in, &e->call);
	if (r < 0)
		return ECHO_END;
	e->n = (int)r;
	return ECHO_CALL;
}

// The next frame, as a cgo call: a hot echo polls for the rest of its hot
// time, as gofn_worker_wait_ready; e->wait_ms < 0 waits here for good.
int echo_next(echo *e)
{
	int hl = hot_left(e);
	return look(e, e->wait_ms < 0 ? -1 : hl > 0 ? hl : 0);
}

// The same, raw (asmcgocall's one argument): ECHO_SLOW when it would wait
// (hot), as cli_worker.c worker_next_raw; e->wait_ms < 0 waits here for
// good, holding the P (the raw blocking wait, a variant).
int echo_next_raw(void *arg)
{
	echo *e = arg;
	int hl = hot_left(e);
	if (e->wait_ms >= 0 && hl > 0 && e->hot_mode == 0)
		return ECHO_SLOW;
	return look(e, e->wait_ms < 0 ? -1 : hl > 0 ? hl : 0);
}

// 1 when a frame (or the end) is there to read, without waiting: raw.
int echo_readable(void *arg)
{
	return poll_in(((echo *)arg)->fd, 0);
}

// Sends the reply (e->res); 0 when sent. Raw or as a cgo call.
int echo_finish(void *arg)
{
	echo *e = arg;
	size_t m = relay_frame_put(e->out, e->call, e->res, e->reslen);
	int rc = m ? relay_send_all(e->fd, e->out, m, 0) : -1;
	e->since_us = mono_us();
	e->res = NULL;
	return rc;
}
*/
import "C"

import (
	"errors"
	"flag"
	"os"
	"runtime"
	"syscall"
	"time"
	"unsafe"

	"gofn/loader/host/fdwait"
)

// asmcgocall runs the C function fn(arg) on the thread's system stack
// (runtime/asm_amd64.s), as loader/host/drive.go's raw steps; the build
// needs -ldflags=-checklinkname=0, as the worker's.
//
//go:linkname asmcgocall runtime.asmcgocall
//go:noescape
func asmcgocall(fn, arg unsafe.Pointer) int32

// Handle is hello.go's main.Handle (tests/integration/progs/hello.go).
func Handle(in []byte) ([]byte, error) { return append([]byte("hi "), in...), nil }

// handler is called through a func value, as the worker calls a loaded function.
var handler = Handle

const yieldEvery = 5 * time.Millisecond // loader/host/drive.go

var (
	cgoSteps  = flag.Bool("cgo", false, "every step a cgo call")
	waitMode  = flag.String("wait", "netpoll", "netpoll, cgo or raw")
	deadline  = flag.Int("deadline", 1000, "the park's deadline in ms (0: none)")
	hotMode   = flag.String("hot", "cgo", "the hot wait: cgo, raw or none")
	keepDL    = flag.Bool("keepdeadline", false, "set the deadline again only after it passed")
	timerFD   = flag.Bool("timerfd", false, "the trim delay a timerfd, not a deadline")
	spin      = flag.Duration("spin", 0, "look for this long before parking")
	lock      = flag.Bool("lock", false, "lock main's goroutine to its thread")
	procs     = flag.Int("procs", 0, "GOMAXPROCS (0: the runtime's)")
	perCall   = flag.Bool("goroutine", false, "each call on a goroutine of its own")
	tenantRun = flag.Bool("tenant", false, "a tenant-like goroutine beside the loop")
)

func main() {
	flag.Parse()
	if *procs > 0 {
		runtime.GOMAXPROCS(*procs)
	}
	if *lock {
		runtime.LockOSThread()
	}
	if *tenantRun {
		defer startTenant()()
	}
	e := (*C.echo)(C.calloc(1, C.sizeof_echo))
	e.fd = 3
	e.tfd = -1
	hot, ok := map[string]C.int{"cgo": 0, "raw": 1, "none": 2}[*hotMode]
	if !ok {
		panic("-hot: cgo, raw or none")
	}
	e.hot_mode = hot
	if *timerFD {
		e.tfd = C.timerfd_create(C.CLOCK_MONOTONIC, C.TFD_NONBLOCK|C.TFD_CLOEXEC)
		*deadline = 0
	}
	if *waitMode != "netpoll" {
		e.wait_ms = -1
	}
	park := newPark(int(C.echo_input_fd(e)))
	last := time.Now()
	for {
		switch next(e) {
		case C.ECHO_CALL:
			in := C.GoBytes(unsafe.Pointer(&e.in[C.RELAY_HEAD]), e.n)
			res := call(in)
			finish(e, res)
			if t := time.Now(); t.Sub(last) >= yieldEvery {
				runtime.Gosched()
				last = t
			}
		case C.ECHO_WAIT:
			if !spinFor(e, *spin) {
				park()
			}
			last = time.Now()
		default:
			return
		}
	}
}

// next is echo_next, raw unless -cgo or it answers SLOW; -wait=cgo makes
// it a cgo call that waits, -wait=raw a raw step that waits.
func next(e *C.echo) C.int {
	if !*cgoSteps && *waitMode != "cgo" {
		if n := asmcgocall(unsafe.Pointer(C.echo_next_raw), unsafe.Pointer(e)); n != C.ECHO_SLOW {
			return C.int(n)
		}
	}
	return C.echo_next(e)
}

// lastReply is when the last reply went out (-keepdeadline).
var lastReply = time.Now()

// finish sends res, raw unless -cgo.
func finish(e *C.echo, res []byte) {
	// Go memory for C during the call only, holding no Go pointers.
	e.res = (*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(res)))
	e.reslen = C.size_t(len(res))
	var rc C.int
	if *cgoSteps {
		rc = C.echo_finish(unsafe.Pointer(e))
	} else {
		rc = C.int(asmcgocall(unsafe.Pointer(C.echo_finish), unsafe.Pointer(e)))
	}
	runtime.KeepAlive(res)
	lastReply = time.Now()
	if rc != 0 {
		os.Exit(1)
	}
}

// spinFor looks (raw) for the next frame for up to d: true when one came.
func spinFor(e *C.echo, d time.Duration) bool {
	if d <= 0 {
		return false
	}
	for t0 := time.Now(); time.Since(t0) < d; {
		if asmcgocall(unsafe.Pointer(C.echo_readable), unsafe.Pointer(e)) != 0 {
			return true
		}
	}
	return false
}

// newPark returns the netpoller's wait on fd (an epoll instance): the
// worker's (loader/host/fdwait) with -deadline's timer, or with no
// deadline fdwait's wait without one: no runtime timer at all.
func newPark(fd int) func() {
	if *deadline > 0 && !*keepDL {
		wait := fdwait.New(fd)
		return func() { wait(*deadline) } // a timeout only looks again
	}
	if err := syscall.SetNonblock(fd, true); err != nil {
		panic(err)
	}
	f := os.NewFile(uintptr(fd), "control")
	rc, err := f.SyscallConn()
	if err != nil {
		panic(err)
	}
	e := (*C.echo)(C.calloc(1, C.sizeof_echo))
	e.fd = C.int(fd)
	var due time.Time // -keepdeadline's: zero when none is set
	return func() {
		if now := time.Now(); *keepDL && !now.Before(due) {
			// none set, or it passed: the end of the delay since the
			// last reply, or none past it (where the worker trims)
			due = lastReply.Add(time.Duration(*deadline) * time.Millisecond)
			if !due.After(now) {
				due = time.Time{}
			}
			f.SetReadDeadline(due)
		}
		// The first look a real one, after RawConn.Read's reset: fdwait.go says why.
		first := true
		if err := rc.Read(func(uintptr) bool {
			if first {
				first = false
				return asmcgocall(unsafe.Pointer(C.echo_readable), unsafe.Pointer(e)) != 0
			}
			return true
		}); err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			panic(err)
		}
		runtime.KeepAlive(f)
	}
}

// call runs the handler here, or on a goroutine of its own.
func call(in []byte) []byte {
	if !*perCall {
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
