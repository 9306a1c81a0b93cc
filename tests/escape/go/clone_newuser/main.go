// Escape attempt clone_newuser: prints ESCAPED:clone_newuser only if it succeeded.
// Built to an object and run by tests/escape/run_go.sh under gofn-loader -sandbox.
package main

import (
	"syscall"
)

const name = "clone_newuser"

func main() {
	_, _, errno := syscall.RawSyscall(syscall.SYS_CLONE, syscall.CLONE_NEWUSER|uintptr(syscall.SIGCHLD), 0, 0)
	report(errnoErr(errno))
}
