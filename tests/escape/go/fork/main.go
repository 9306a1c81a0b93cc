// Escape attempt fork: prints ESCAPED:fork only if it succeeded.
// Built to an object and run by tests/escape/run_go.sh under gofn-loader -sandbox.
package main

import (
	"syscall"
)

const name = "fork"

func main() {
	pid, _, errno := syscall.RawSyscall(syscall.SYS_FORK, 0, 0, 0)
	if errno == 0 && pid == 0 {
		syscall.Exit(0)
	}
	report(errnoErr(errno))
}
