// GC stops the world: loops without calls in several goroutines must be
// preempted asynchronously for runtime.GC to return.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

var quit atomic.Bool

//go:noinline
func busy(x []int) int {
	s := 0
	for !quit.Load() {
		for i := range x {
			s += x[i]
		}
	}
	return s
}

func main() {
	runtime.GOMAXPROCS(2)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			busy(make([]int, 100))
		}()
	}
	for i := 0; i < 5; i++ {
		runtime.GC()
		_ = make([]byte, 1<<20)
	}
	quit.Store(true)
	wg.Wait()
	fmt.Println("GC completed 5 times while 4 goroutines spun")
}
