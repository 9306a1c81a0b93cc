// Escape attempt userfaultfd: prints ESCAPED:userfaultfd only if it succeeded.
// Built to an object and run by tests/escape/run_go.sh under gofn-loader -sandbox.
package main

import (
	"syscall"
)

const name = "userfaultfd"

func main() {
	_, _, errno := syscall.RawSyscall(323, 0, 0, 0)
	report(errnoErr(errno))
}
