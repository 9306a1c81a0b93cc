// Escape attempt raise_rlimit: prints ESCAPED:raise_rlimit only if it succeeded.
// Built to an object and run by tests/escape/run_go.sh under gofn-loader -sandbox.
package main

import (
	"syscall"
)

const name = "raise_rlimit"

func main() {
	r := syscall.Rlimit{Cur: ^uint64(0), Max: ^uint64(0)}
	err := syscall.Setrlimit(6 /* RLIMIT_NPROC */, &r)
	report(err)
}
