// Two CPU-bound goroutines on one P both make progress; a third finishes
// its short job although the others never yield.
package main

import (
	"fmt"
	"runtime"
	"sync/atomic"
)

var a, b atomic.Int64
var done atomic.Bool

//go:noinline
func loop(c *atomic.Int64) {
	for !done.Load() {
		c.Add(1)
	}
}

func main() {
	runtime.GOMAXPROCS(1)
	go loop(&a)
	go loop(&b)
	finished := make(chan int)
	go func() {
		s := 0
		for i := 0; i < 1000; i++ {
			s += i
		}
		finished <- s
	}()
	fmt.Println("short job:", <-finished)
	for a.Load() == 0 || b.Load() == 0 {
		runtime.Gosched()
	}
	done.Store(true)
	fmt.Println("both spinners progressed")
}
