// Escape attempt goroutine_bomb: prints ESCAPED:goroutine_bomb only if it succeeded.
// Built to an object and run by tests/escape/run_go.sh under gofn-loader -sandbox.
package main

import (
	"runtime"
)

const name = "goroutine_bomb"

func main() {
	for i := 0; i < 10000; i++ {
		go func() {
			runtime.LockOSThread()
			select {}
		}()
	}
	runtime.Gosched()
	select {}
}
