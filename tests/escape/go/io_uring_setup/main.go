// Escape attempt io_uring_setup: prints ESCAPED:io_uring_setup only if it succeeded.
// Built to an object and run by tests/escape/run_go.sh under gofn-loader -sandbox.
package main

import (
	"syscall"
)

const name = "io_uring_setup"

func main() {
	_, _, errno := syscall.RawSyscall(425, 8, 0, 0)
	report(errnoErr(errno))
}
