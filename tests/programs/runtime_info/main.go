// Runtime facts that do not depend on the host machine: GOOS/GOARCH, the
// Go version's minor release, NumGoroutine as goroutines start and end,
// debug.SetGCPercent round trip, Gosched.
package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
)

func main() {
	fmt.Println(runtime.GOOS, runtime.GOARCH, strings.HasPrefix(runtime.Version(), "go1.26"))
	base := runtime.NumGoroutine()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); <-stop }()
	}
	fmt.Println("extra goroutines:", runtime.NumGoroutine()-base)
	close(stop)
	wg.Wait()
	for runtime.NumGoroutine() > base {
		runtime.Gosched()
	}
	fmt.Println("back to base")
	old := debug.SetGCPercent(50)
	fmt.Println(debug.SetGCPercent(old))
}
