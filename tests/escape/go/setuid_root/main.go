// Escape attempt setuid_root: prints ESCAPED:setuid_root only if it succeeded.
// Built to an object and run by tests/escape/run_go.sh under gofn-loader -sandbox.
package main

import (
	"syscall"
)

const name = "setuid_root"

func main() {
	_, _, errno := syscall.RawSyscall(syscall.SYS_SETUID, 0, 0, 0)
	report(errnoErr(errno))
}
