// Escape attempt mount_tmpfs: prints ESCAPED:mount_tmpfs only if it succeeded.
// Built to an object and run by tests/escape/run_go.sh under gofn-loader -sandbox.
package main

import (
	"syscall"
)

const name = "mount_tmpfs"

func main() {
	err := syscall.Mount("none", "/", "tmpfs", 0, "")
	report(err)
}
