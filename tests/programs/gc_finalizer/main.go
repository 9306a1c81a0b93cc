// Finalizers and cleanups on objects allocated by loaded code run after GC.
package main

import (
	"fmt"
	"runtime"
	"time"
)

type res struct {
	id  int
	pad [3]int // 32 bytes: not a tiny allocation, so the finalizer is sure to run
}

func main() {
	done := make(chan int, 10)
	for i := 0; i < 3; i++ {
		r := &res{id: i}
		runtime.SetFinalizer(r, func(r *res) { done <- r.id })
	}
	obj := new([64]byte)
	runtime.AddCleanup(obj, func(v int) { done <- v }, 100)
	obj = nil
	got := 0
	sum := 0
	deadline := time.Now().Add(10 * time.Second)
	for got < 4 && time.Now().Before(deadline) {
		runtime.GC()
		select {
		case v := <-done:
			got++
			sum += v
		case <-time.After(10 * time.Millisecond):
		}
	}
	fmt.Println("finalized:", got, "sum:", sum)
}
