// Tenant code that writes half a RESULT on the worker's control socket
// (fd 3, which it shares with the worker) and then hangs: gofnd's reactor
// (server/reactor.c) must keep the partial frame for this call alone and
// end it at its timeout, while every other call goes on
// (tests/integration/test_evcall.sh).
package main

import (
	"syscall"
	"time"
)

func main() {}

// Half sends a RESULT header that promises 100 bytes, 10 of them, and hangs.
func Half(in []byte) []byte {
	f := []byte{5, 0, 0, 0, 100, 0, 0, 0, 22, 0, 8, 0, 0, 0, 1, 0}
	syscall.Write(3, f)
	time.Sleep(time.Hour)
	return in
}

func Ok(in []byte) []byte { return in }
