// What a worker's tenant code sees of its identity (tests/integration/test_tenants.sh).
package main

import (
	"fmt"
	"strconv"
	"syscall"
	"time"
)

func main() {}

// Uid is the uid inside the worker's user namespace (not the host's).
func Uid(string) string { return fmt.Sprint(syscall.Getuid()) }

// Sleep keeps its worker busy for the given milliseconds.
func Sleep(in string) string {
	ms, _ := strconv.Atoi(in)
	time.Sleep(time.Duration(ms) * time.Millisecond)
	return "slept"
}
