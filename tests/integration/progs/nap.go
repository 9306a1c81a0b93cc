// A call that holds its worker without using CPU (tests/integration/test_async.sh):
// the kill -9 and full-queue checks need a runner busy for a while, and a
// spinning one took CPU that a loaded machine does not have (the test hit its
// 300 s timeout beside its PostgreSQL twin).
package main

import (
	"strconv"
	"time"
)

func main() {}

// Nap sleeps for the number of milliseconds given as input.
func Nap(in string) string {
	ms, _ := strconv.Atoi(in)
	time.Sleep(time.Duration(ms) * time.Millisecond)
	return "napped " + in
}
