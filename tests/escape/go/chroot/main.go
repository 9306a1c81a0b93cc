// Escape attempt chroot: prints ESCAPED:chroot only if it succeeded.
// Built to an object and run by tests/escape/run_go.sh under gofn-loader -sandbox.
package main

import (
	"syscall"
)

const name = "chroot"

func main() {
	err := syscall.Chroot("/")
	report(err)
}
