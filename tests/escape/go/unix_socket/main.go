// Escape attempt unix_socket: prints ESCAPED:unix_socket only if it succeeded.
// Built to an object and run by tests/escape/run_go.sh under gofn-loader -sandbox.
package main

import (
	"net"
)

const name = "unix_socket"

func main() {
	c, err := net.Dial("unix", "/run/gofn.sock")
	if err == nil {
		c.Close()
	}
	report(err)
}
