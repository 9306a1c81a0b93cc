// Goroutines that grew big stacks, then sit blocked in shallow frames while
// GC runs repeatedly: the runtime shrinks their stacks (copying them) and
// scans them while they are parked, with pointers held only there.
package main

import (
	"fmt"
	"runtime"
	"sync"
)

type payload struct {
	id   int
	data []int
}

//go:noinline
func grow(d int) int {
	var pad [256]byte
	pad[d%256] = byte(d)
	if d == 0 {
		return int(pad[0])
	}
	return grow(d-1) + int(pad[d%256]) - d%256
}

func main() {
	const n = 20
	var wg sync.WaitGroup
	gate := make(chan struct{})
	sums := make([]int, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			grow(5000 + i) // deep once: the stack grows to hundreds of KiB
			p := &payload{i, make([]int, 1000)}
			for j := range p.data {
				p.data[j] = i * j
			}
			<-gate // parked; p lives only in this frame
			s := 0
			for _, v := range p.data {
				s += v
			}
			sums[p.id] = s
		}()
	}
	for k := 0; k < 6; k++ {
		runtime.GC()
		_ = make([]byte, 1<<20)
	}
	close(gate)
	wg.Wait()
	t := 0
	for _, s := range sums {
		t += s
	}
	fmt.Println(t)
}
