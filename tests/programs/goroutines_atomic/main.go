// sync/atomic counters and typed atomics shared by goroutines.
package main

import (
	"fmt"
	"sync"
	"sync/atomic"
)

type config struct{ name string }

func main() {
	var n atomic.Int64
	var u uint32
	var p atomic.Pointer[config]
	p.Store(&config{"first"})
	var wg sync.WaitGroup
	for i := 0; i < 64; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 1000; j++ {
				n.Add(1)
				atomic.AddUint32(&u, 2)
			}
		}()
	}
	wg.Wait()
	old := p.Swap(&config{"second"})
	fmt.Println(n.Load(), atomic.LoadUint32(&u), old.name, p.Load().name)
	fmt.Println(n.CompareAndSwap(64000, 1), n.Load())
}
