// runtime.Callers + CallersFrames give function names and file:line of loaded
// code, through a method, a closure and a generic function.
package main

import (
	"fmt"
	"path/filepath"
	"runtime"
)

type svc struct{}

func show() {
	pcs := make([]uintptr, 16)
	n := runtime.Callers(1, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		if f.Function == "runtime.main" || f.Function == "runtime.goexit" {
			break
		}
		fmt.Printf("%s %s:%d\n", f.Function, filepath.Base(f.File), f.Line)
		if !more || f.Function == "main.main" {
			break
		}
	}
}

//go:noinline
func (svc) handle() { show() }

//go:noinline
func generic[T any](v T) { svc{}.handle() }

func main() {
	func() {
		generic(1)
	}()
}
