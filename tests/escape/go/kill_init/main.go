// Escape attempt kill_init: prints ESCAPED:kill_init only if it succeeded.
// Built to an object and run by tests/escape/run_go.sh under gofn-loader -sandbox.
package main

import (
	"syscall"
)

const name = "kill_init"

// Inside its own pid namespace the worker is pid 1 itself, so the host's init
// is reached only by broadcasting (-1). Signal 0 only probes: harmless even
// if it got through.
func main() {
	target := 1
	if syscall.Getpid() == 1 {
		target = -1
	}
	report(syscall.Kill(target, 0))
}
