// Escape attempt kill_parent: prints ESCAPED:kill_parent only if it succeeded.
// Built to an object and run by tests/escape/run_go.sh under gofn-loader -sandbox.
package main

import (
	"syscall"
)

const name = "kill_parent"

func main() {
	err := syscall.Kill(atoi(target("1")), syscall.SIGTERM)
	report(err)
}
