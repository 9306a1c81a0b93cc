// Escape attempt connect_loopback: prints ESCAPED:connect_loopback only if it succeeded.
// Built to an object and run by tests/escape/run_go.sh under gofn-loader -sandbox.
package main

import (
	"net"
)

const name = "connect_loopback"

func main() {
	c, err := net.Dial("tcp", "127.0.0.1:"+target("1"))
	if err == nil {
		c.Close()
	}
	report(err)
}
