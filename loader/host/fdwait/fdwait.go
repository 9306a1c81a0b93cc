// Package fdwait parks a goroutine in Go's netpoller until a descriptor
// that C reads is readable (loader/host/cli/worker_wait.h says why the
// worker waits there).
package fdwait

import (
	"errors"
	"os"
	"syscall"
	"time"
	"unsafe"
)

// New returns a function that parks the calling goroutine until fd is
// readable (true) or ms milliseconds have passed (false). fd is C's and
// stays open: the worker passes an epoll instance that watches its
// control socket for input only (loader/host/cli/worker_wait.h). It is
// made non-blocking, without which os.NewFile would not hand it to the
// netpoller. A negative fd never waits.
func New(fd int) func(ms int) bool {
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
	keep = append(keep, f) // a collected *os.File would close fd
	return func(ms int) bool {
		f.SetReadDeadline(time.Now().Add(time.Duration(ms) * time.Millisecond))
		// A pending deadline's timer would make every idle thread of a
		// busy worker sleep in epoll_wait until it, instead of on a
		// futex (runtime/proc.go findRunnable): one more wake-up a call.
		defer f.SetReadDeadline(time.Time{})
		// RawConn.Read first forgets any readiness the netpoller saw
		// (internal/poll/fd_unix.go RawRead: prepareRead, and
		// runtime/netpoll.go poll_runtime_pollReset), and the netpoller
		// is edge-triggered: a request that came after C last looked,
		// and that another thread's netpoll already reported, gives no
		// new edge. So the first look is a real one, after the reset: a
		// look that only said "not yet" parked such a worker until the
		// deadline, the idle trim's ~1 s, with the request unread (the
		// warm c=1 p99 of 942 ms, docs/benchmarks.md). Anything that
		// comes after this look is an edge the park sees.
		first := true
		err := rc.Read(func(fd uintptr) bool {
			if first {
				first = false
				return readable(int32(fd))
			}
			return true
		})
		if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			panic("gofn: control socket: " + err.Error())
		}
		return err == nil
	}
}

// keep holds the descriptors' *os.File for the process's life.
var keep []*os.File

// readable says whether fd has something to read (or an end or error
// that C's next read reports): ppoll with a zero timeout, which the
// worker's seccomp filter allows (sandbox/seccomp.c) on every
// architecture, unlike poll.
func readable(fd int32) bool {
	p := struct {
		fd      int32
		events  int16
		revents int16
	}{fd: fd, events: 0x1} // POLLIN
	var ts syscall.Timespec
	n, _, errno := syscall.RawSyscall6(syscall.SYS_PPOLL, uintptr(unsafe.Pointer(&p)), 1,
		uintptr(unsafe.Pointer(&ts)), 0, 0, 0)
	// On an error, say readable: C's next look reports what is wrong.
	return errno != 0 || n > 0
}
