// Escape attempt bpf: prints ESCAPED:bpf only if it succeeded.
// Built to an object and run by tests/escape/run_go.sh under gofn-loader -sandbox.
package main

import (
	"syscall"
)

const name = "bpf"

func main() {
	_, _, errno := syscall.RawSyscall(321, 0, 0, 0)
	report(errnoErr(errno))
}
