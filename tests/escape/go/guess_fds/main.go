// Escape attempt guess_fds: prints ESCAPED:guess_fds only if it succeeded.
// Built to an object and run by tests/escape/run_go.sh under gofn-loader -sandbox.
package main

import (
	"syscall"
)

const name = "guess_fds"

func main() {
	n := 0
	for fd := 4; fd < 4096; fd++ {
		// Inherited through exec = open without FD_CLOEXEC (the runtime
		// opens its own files close-on-exec).
		if f, _, e := syscall.RawSyscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_GETFD, 0); e == 0 && f&syscall.FD_CLOEXEC == 0 {
			n++
		}
	}
	if n > 0 {
		escaped()
		return
	}
	report(syscall.EBADF)
}
