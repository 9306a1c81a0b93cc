// Compute row: SHA-256 over a buffer, repeated (crypto/sha256's assembly
// and the loaded loop around it). Usage: sha [MiB] (default 64)
package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"
)

// cpuNs is the process's CPU time: on a shared machine it moves less than
// the wall clock when other work preempts the loop.
func cpuNs() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}

func main() {
	mib := 64
	if len(os.Args) > 1 {
		mib, _ = strconv.Atoi(os.Args[1])
	}
	buf := make([]byte, 1<<20)
	for i := range buf {
		buf[i] = byte(i * 7)
	}
	var sum [32]byte
	c0, t0 := cpuNs(), time.Now()
	for i := 0; i < mib; i++ {
		buf[0] = sum[0]
		sum = sha256.Sum256(buf)
	}
	el, cpu := time.Since(t0), cpuNs()-c0
	fmt.Printf("result %x\nelapsed_ns %d\ncpu_ns %d\n", sum[:4], el.Nanoseconds(), cpu)
}
