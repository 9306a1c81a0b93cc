// Large allocations (beyond size classes) with pointers inside, and GC stats
// that say collections really happened.
package main

import (
	"fmt"
	"runtime"
)

type big struct {
	ptrs [4096]*int
	data [1 << 16]byte
}

func main() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	before := ms.NumGC
	var keep *big
	for i := 0; i < 100; i++ {
		b := new(big)
		for j := range b.ptrs {
			v := i*10000 + j
			b.ptrs[j] = &v
		}
		b.data[i] = byte(i)
		if i == 57 {
			keep = b
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&ms)
	s := 0
	for _, p := range keep.ptrs {
		s += *p
	}
	fmt.Println("sum:", s, "byte:", keep.data[57])
	fmt.Println("collected:", ms.NumGC > before)
}
