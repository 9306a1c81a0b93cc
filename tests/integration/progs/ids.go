// What a worker's tenant code sees of its identity (tests/integration/test_tenants.sh).
package main

import (
	"fmt"
	"syscall"
)

func main() {}

// Uid is the uid inside the worker's user namespace (not the host's).
func Uid(string) string { return fmt.Sprint(syscall.Getuid()) }
