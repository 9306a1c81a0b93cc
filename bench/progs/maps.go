// Compute row: a map-heavy workload (inserts, lookups, deletes, growth and
// GC of the map's buckets). Usage: maps [rounds] (default 20)
package main

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"
)

func round(seed int) int {
	m := make(map[int]int)
	const n = 200000
	for i := 0; i < n; i++ {
		m[(i*7919+seed)%n] += i
	}
	hits := 0
	for i := 0; i < n; i += 2 {
		if _, ok := m[i]; ok {
			hits++
		}
		delete(m, i+1)
	}
	return hits + len(m)
}

// cpuNs is the process's CPU time: on a shared machine it moves less than
// the wall clock when other work preempts the loop.
func cpuNs() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}

func main() {
	rounds := 20
	if len(os.Args) > 1 {
		rounds, _ = strconv.Atoi(os.Args[1])
	}
	c0, t0 := cpuNs(), time.Now()
	total := 0
	for r := 0; r < rounds; r++ {
		total += round(r)
	}
	el, cpu := time.Since(t0), cpuNs()-c0
	fmt.Printf("result %d\nelapsed_ns %d\ncpu_ns %d\n", total, el.Nanoseconds(), cpu)
}
