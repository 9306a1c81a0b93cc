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
	"syscall"
	"time"
	"unsafe"
)

// drive runs session s to its end and returns the exit code.
func drive(s *C.gofn_cli_session) int {
	wait := waiter(int(s.fd))
	var c C.gofn_cli_call
	for {
		switch C.gofn_cli_next(s, &c) {
		case C.GOFN_CLI_CALL:
			finish(s, &c)
		case C.GOFN_CLI_WAIT:
			if !wait(int(c.wait_ms)) {
				C.gofn_cli_idle(s)
			}
		default:
			return int(C.gofn_cli_end(s))
		}
	}
}

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

// waiter returns a function that parks the goroutine in the netpoller
// until fd is readable, or for at most ms milliseconds (ms >= 0): false
// when that time passed first. The descriptor becomes non-blocking (C
// reads it with poll() deadlines, api/frame_io.c) and stays open: it is C's.
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
		if ms >= 0 {
			f.SetReadDeadline(time.Now().Add(time.Duration(ms) * time.Millisecond))
			defer f.SetReadDeadline(time.Time{})
		}
		// The first call reports "not yet" so that Read waits; a
		// readiness left from an earlier frame ends the wait at once,
		// and C looks again.
		first := true
		err := rc.Read(func(uintptr) bool {
			if first {
				first = false
				return false
			}
			return true
		})
		if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			panic("gofn: control socket: " + err.Error())
		}
		return err == nil
	}
}

var keep *os.File

func boolInt(b bool) C.int {
	if b {
		return 1
	}
	return 0
}
