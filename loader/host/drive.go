package main

// The loop of the modes that call loaded functions (-worker, -run): C
// serves the protocol and says what to call (loader/host/cli/cli.h), Go
// makes the call here, on main's goroutine, which is not locked to its
// thread. A call made from C would be a cgo callback: its goroutine is
// locked, and a func() started on a goroutine of its own and awaited from
// there costs two thread hand-offs (futex wake-ups) per call.
//
// Each step is first made raw (cli.h gofn_cli_raw): through the runtime's
// asmcgocall, as the runtime makes its own C calls, not as a cgo call,
// whose entersyscall wakes sysmon when the worker was idle. A step that
// would wait in C or call into Go answers GOFN_CLI_SLOW and is then made
// as a cgo call.

/*
#include "loader/host/cli/cli.h"
*/
import "C"

import (
	"runtime"
	"time"
	"unsafe"

	"gofn/loader/host/fdwait"
)

// asmcgocall runs the C function fn(arg) on the thread's system stack
// (runtime/asm_*.s; runtime/cgocall.go cgocall calls it between
// entersyscall and exitsyscall). Unchanged in Go 1.26 and 1.27.
//
//go:linkname asmcgocall runtime.asmcgocall
//go:noescape
func asmcgocall(fn, arg unsafe.Pointer) int32

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
	wait := fdwait.New(int(s.fd))
	last := time.Now()
	for {
		switch next(s, &c) {
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

// next is gofn_cli_next, raw when it can be.
func next(s *C.gofn_cli_session, c *C.gofn_cli_call) C.int {
	r := C.gofn_cli_raw{s: s, c: c}
	if n := asmcgocall(unsafe.Pointer(C.gofn_cli_next_raw), unsafe.Pointer(&r)); n != C.GOFN_CLI_SLOW {
		return C.int(n)
	}
	return C.gofn_cli_next(s, c)
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
	r := C.gofn_cli_raw{s: s,
		out: (*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(res))), outlen: C.size_t(len(res)),
		err: (*C.char)(unsafe.Pointer(unsafe.StringData(msg))), errlen: C.size_t(len(msg)),
		failed: boolInt(err != nil)}
	if asmcgocall(unsafe.Pointer(C.gofn_cli_finish_raw), unsafe.Pointer(&r)) == C.GOFN_CLI_SLOW {
		C.gofn_cli_finish(s, r.out, r.outlen, r.err, r.errlen, r.failed)
	}
	runtime.KeepAlive(res)
}

func boolInt(b bool) C.int {
	if b {
		return 1
	}
	return 0
}
