// Escape attempt tcp_listen: prints ESCAPED:tcp_listen only if it succeeded.
// Built to an object and run by tests/escape/run_go.sh under gofn-loader -sandbox.
package main

import (
	"net"
)

const name = "tcp_listen"

func main() {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err == nil {
		l.Close()
	}
	report(err)
}
