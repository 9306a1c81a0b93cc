// Goroutines still running (blocked or spinning) when main returns: the
// process must exit 0 without waiting for them.
package main

import (
	"fmt"
	"time"
)

func main() {
	block := make(chan int)
	for i := 0; i < 10; i++ {
		go func() { <-block }()
	}
	go func() {
		for {
			time.Sleep(time.Millisecond)
		}
	}()
	go func() {
		x := 0
		for {
			x++
		}
	}()
	fmt.Println("main returns with goroutines alive")
}
