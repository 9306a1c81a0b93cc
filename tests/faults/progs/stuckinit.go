// A package whose init writes half a READY frame header on the control
// socket (fd 3) and then blocks: gofnd waits for the rest until the load
// deadline, or until shutdown (tests/faults/fault_boundary.sh).
package main

import (
	"syscall"
	"time"
)

func main() {}

func init() {
	syscall.Write(3, []byte{8, 0, 0, 0})
	time.Sleep(time.Hour)
}

func Handle(in []byte) []byte { return in }
