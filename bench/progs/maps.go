// Compute row: a map-heavy workload (inserts, lookups, deletes, growth and
// GC of the map's buckets). Usage: maps [rounds] (default 20)
package main

import (
	"fmt"
	"os"
	"strconv"
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

func main() {
	rounds := 20
	if len(os.Args) > 1 {
		rounds, _ = strconv.Atoi(os.Args[1])
	}
	t0 := time.Now()
	total := 0
	for r := 0; r < rounds; r++ {
		total += round(r)
	}
	el := time.Since(t0)
	fmt.Printf("result %d\nelapsed_ns %d\n", total, el.Nanoseconds())
}
