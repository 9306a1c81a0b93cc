// runtime.Goexit runs deferred calls and ends only its goroutine.
package main

import (
	"fmt"
	"runtime"
)

func main() {
	done := make(chan string)
	go func() {
		defer func() { done <- "deferred ran, recover=" + fmt.Sprint(recover()) }()
		func() {
			runtime.Goexit()
		}()
		done <- "unreachable"
	}()
	fmt.Println(<-done)
}
