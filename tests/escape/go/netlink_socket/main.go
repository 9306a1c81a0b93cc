// Escape attempt netlink_socket: prints ESCAPED:netlink_socket only if it succeeded.
// Built to an object and run by tests/escape/run_go.sh under gofn-loader -sandbox.
package main

import (
	"syscall"
)

const name = "netlink_socket"

func main() {
	fd, err := syscall.Socket(syscall.AF_NETLINK, syscall.SOCK_RAW, syscall.NETLINK_ROUTE)
	if err == nil {
		syscall.Close(fd)
	}
	report(err)
}
