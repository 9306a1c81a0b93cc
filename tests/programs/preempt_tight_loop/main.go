// With one P, a goroutine spinning in a loop without calls can only be
// stopped by asynchronous preemption; main must still get to run.
package main

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"time"
)

var stop atomic.Bool

//go:noinline
func spin(n *uint64) {
	for !stop.Load() {
		*n++
	}
}

func main() {
	runtime.GOMAXPROCS(1)
	var n uint64
	started := make(chan bool)
	go func() {
		started <- true
		spin(&n)
		started <- true
	}()
	<-started
	time.Sleep(20 * time.Millisecond) // needs the spinner to be preempted
	stop.Store(true)
	<-started
	fmt.Println("spinner stopped, counted:", n > 0)
}
