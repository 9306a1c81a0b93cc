// Escape attempt unshare_user: prints ESCAPED:unshare_user only if it succeeded.
// Built to an object and run by tests/escape/run_go.sh under gofn-loader -sandbox.
package main

import (
	"syscall"
)

const name = "unshare_user"

func main() {
	err := syscall.Unshare(syscall.CLONE_NEWUSER)
	report(err)
}
