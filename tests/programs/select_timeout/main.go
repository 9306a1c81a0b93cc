// select with time.After timeouts: a never-ready channel times out, a ready
// one wins against a long timeout.
package main

import (
	"fmt"
	"time"
)

func main() {
	never := make(chan int)
	select {
	case <-never:
		fmt.Println("impossible")
	case <-time.After(20 * time.Millisecond):
		fmt.Println("timed out")
	}
	soon := make(chan string)
	go func() {
		time.Sleep(5 * time.Millisecond)
		soon <- "value"
	}()
	select {
	case v := <-soon:
		fmt.Println("got", v)
	case <-time.After(10 * time.Second):
		fmt.Println("too slow")
	}
	t := time.NewTimer(time.Hour)
	fmt.Println("stopped:", t.Stop())
}
