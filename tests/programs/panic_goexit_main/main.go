// runtime.Goexit in main: main's deferred calls run, the other goroutines
// go on, and when they are gone the runtime reports the deadlock (exit 2).
package main

import (
	"fmt"
	"runtime"
	"time"
)

func main() {
	defer fmt.Println("main: deferred")
	go func() {
		time.Sleep(20 * time.Millisecond)
		fmt.Println("worker: done")
	}()
	runtime.Goexit()
	fmt.Println("unreachable")
}
