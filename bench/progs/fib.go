// Compute row: recursive fib, a call-heavy CPU workload. Prints the time of
// the work loop alone, so process start and loading are excluded.
// Usage: fib [N] (default 32)
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

func main() {
	n := 32
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	t0 := time.Now()
	r := fib(n)
	el := time.Since(t0)
	fmt.Printf("result %d\nelapsed_ns %d\n", r, el.Nanoseconds())
}
