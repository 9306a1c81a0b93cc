// Not an attack: a CPU-bound tenant profiled with gofn-loader -sandbox
// -cpuprofile, proving the runtime's profiler works under the filter
// (per-thread CPU timers, SIGPROF) and the profile reaches the host.
package main

import "fmt"

//go:noinline
func burn(n int) uint64 {
	var x uint64 = 1
	for i := 0; i < n; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return x
}

func main() {
	var s uint64
	for i := 0; i < 40; i++ {
		s += burn(10_000_000)
	}
	fmt.Println("burned", s != 0)
}
