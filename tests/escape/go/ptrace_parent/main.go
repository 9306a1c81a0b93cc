// Escape attempt ptrace_parent: prints ESCAPED:ptrace_parent only if it succeeded.
// Built to an object and run by tests/escape/run_go.sh under gofn-loader -sandbox.
package main

import (
	"syscall"
)

const name = "ptrace_parent"

func main() {
	err := syscall.PtraceAttach(syscall.Getppid())
	report(err)
}
