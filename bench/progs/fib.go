// Compute row: recursive fib, a call-heavy CPU workload. Prints the wall and CPU time of
// the work loop alone, so process start and loading are excluded.
// Usage: fib [N] (default 32)
package main

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"
)

func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

// cpuNs is the process's CPU time: on a shared machine it moves less than
// the wall clock when other work preempts the loop.
func cpuNs() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}

func main() {
	n := 32
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	c0, t0 := cpuNs(), time.Now()
	r := fib(n)
	el, cpu := time.Since(t0), cpuNs()-c0
	fmt.Printf("result %d\nelapsed_ns %d\ncpu_ns %d\n", r, el.Nanoseconds(), cpu)
}
