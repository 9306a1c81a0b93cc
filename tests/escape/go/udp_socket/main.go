// Escape attempt udp_socket: prints ESCAPED:udp_socket only if it succeeded.
// Built to an object and run by tests/escape/run_go.sh under gofn-loader -sandbox.
package main

import (
	"net"
)

const name = "udp_socket"

func main() {
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err == nil {
		c.Close()
	}
	report(err)
}
