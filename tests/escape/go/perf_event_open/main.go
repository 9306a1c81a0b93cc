// Escape attempt perf_event_open: prints ESCAPED:perf_event_open only if it succeeded.
// Built to an object and run by tests/escape/run_go.sh under gofn-loader -sandbox.
package main

import (
	"syscall"
)

const name = "perf_event_open"

func main() {
	_, _, errno := syscall.RawSyscall6(298, 0, 0, ^uintptr(0), ^uintptr(0), 0, 0)
	report(errnoErr(errno))
}
