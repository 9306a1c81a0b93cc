// 50,000 goroutines in a daisy chain pipeline; the last value decides the
// exit, which is os.Exit(0) with buffered output flushed first.
package main

import (
	"fmt"
	"os"
)

const n = 50000

func stage(in <-chan int, out chan<- int) {
	for v := range in {
		out <- v + 1
	}
	close(out)
}

func main() {
	first := make(chan int)
	in := first
	for i := 0; i < n; i++ {
		out := make(chan int)
		go stage(in, out)
		in = out
	}
	go func() {
		for i := 0; i < 10; i++ {
			first <- i
		}
		close(first)
	}()
	sum := 0
	count := 0
	for v := range in {
		sum += v
		count++
	}
	fmt.Println("values:", count, "sum:", sum)
	if sum == 10*n+45 {
		os.Exit(0)
	}
	os.Exit(1)
}
