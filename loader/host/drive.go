package main

// The loop of the modes that call loaded functions (-worker, -run): C
// serves the protocol and says what to call (loader/host/cli/cli.h), Go
// makes the call here, on main's goroutine, which is not locked to its
// thread. A call made from C would be a cgo callback: its goroutine is
// locked, and a func() started on a goroutine of its own and awaited from
// there costs two thread hand-offs (futex wake-ups) per call.

/*
#include "loader/host/cli/cli.h"
*/
import "C"

import (
	"errors"
	"os"
	"runtime"
	"syscall"
	"time"
	"unsafe"
)

// yieldEvery bounds how long the loop's goroutine runs on one schedtick.
// A busy worker finds its next request there when it looks and never
// parks, so without a yield its P keeps one schedtick for as long, and Go
// 1.26's sysmon (runtime/proc.go retake) preempts a P whose schedtick is
// 10 ms old: with the goroutine in a cgo call it takes the P, hands it to
// a thread woken for nothing (handoffp, startm) and polls at 20 us again
// (38-44 % of the worker's CPU in the warm profile, docs/benchmarks.md).
// A yield moves the schedtick, but runtime.Gosched also wakes an idle
// thread (goschedImpl's wakep), a futex round trip: once per 5 ms of
// calls, not once per call.
const yieldEvery = 5 * time.Millisecond

// drive runs session s to its end and returns the exit code.
func drive(s *C.gofn_cli_session) int {
	var c C.gofn_cli_call
	wait := waiter(int(s.fd))
	last := time.Now()
	for {
		switch C.gofn_cli_next(s, &c) {
		case C.GOFN_CLI_CALL:
			finish(s, &c)
			if t := time.Now(); t.Sub(last) >= yieldEvery {
				runtime.Gosched()
				last = t
			}
		case C.GOFN_CLI_WAIT:
			if !wait(int(c.wait_ms)) {
				C.gofn_cli_idle(s)
			}
			last = time.Now() // parked: a new schedtick
		default:
			return int(C.gofn_cli_end(s))
		}
	}
}

// waiter returns a function that parks the goroutine in the netpoller
// until fd is readable or ms milliseconds have passed (false then); see
// cli.h for why. The descriptor becomes non-blocking (C reads and writes
// it with poll() deadlines, api/frame_io.c) and stays open: it is C's.
func waiter(fd int) func(ms int) bool {
	if fd < 0 {
		return func(int) bool { return true }
	}
	if err := syscall.SetNonblock(fd, true); err != nil {
		panic("gofn: control socket: " + err.Error())
	}
	f := os.NewFile(uintptr(fd), "control")
	rc, err := f.SyscallConn()
	if err != nil {
		panic("gofn: control socket: " + err.Error())
	}
	keep = f // a collected *os.File would close fd
	return func(ms int) bool {
		f.SetReadDeadline(time.Now().Add(time.Duration(ms) * time.Millisecond))
		// A pending deadline's timer would make every idle thread of a
		// busy worker sleep in epoll_wait until it, instead of on a
		// futex (runtime/proc.go findRunnable): one more wake-up a call.
		defer f.SetReadDeadline(time.Time{})
		// C found nothing to read: the first look says so without a
		// system call, so Read parks until the netpoller sees the fd
		// readable (or saw it since the last wait: C looks again).
		first := true
		err := rc.Read(func(uintptr) bool {
			done := !first
			first = false
			return done
		})
		if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			panic("gofn: control socket: " + err.Error())
		}
		return err == nil
	}
}

// keep holds the control socket's *os.File for the process's life.
var keep *os.File

// finish makes the call and hands its result to C.
func finish(s *C.gofn_cli_session, c *C.gofn_cli_call) {
	sig := int(c.sig)
	res, err, ok := call(uintptr(c.pc), sig, input(c.in, c.inlen, sig))
	if !ok {
		panic("gofn: no call bridge for signature") // the loader classified it
	}
	var msg string
	if err != nil {
		msg = err.Error()
	}
	// Go memory for C to read during the call only; it holds no Go
	// pointers (cgo's rules).
	C.gofn_cli_finish(s, (*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(res))),
		C.size_t(len(res)), (*C.char)(unsafe.Pointer(unsafe.StringData(msg))),
		C.size_t(len(msg)), boolInt(err != nil))
}

func boolInt(b bool) C.int {
	if b {
		return 1
	}
	return 0
}
