// Escape attempt keyctl: prints ESCAPED:keyctl only if it succeeded.
// Built to an object and run by tests/escape/run_go.sh under gofn-loader -sandbox.
package main

import (
	"syscall"
)

const name = "keyctl"

func main() {
	_, _, errno := syscall.RawSyscall(250, 0, ^uintptr(2), 0)
	report(errnoErr(errno))
}
