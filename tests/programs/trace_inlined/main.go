// runtime.Callers and CallersFrames through inlined calls: every inlined
// function appears as its own frame with its own line, as natively.
package main

import (
	"fmt"
	"path/filepath"
	"runtime"
)

func where() []string {
	pcs := make([]uintptr, 20)
	n := runtime.Callers(1, pcs)
	fr := runtime.CallersFrames(pcs[:n])
	var out []string
	for {
		f, more := fr.Next()
		out = append(out, fmt.Sprintf("%s %s:%d", f.Function, filepath.Base(f.File), f.Line))
		if !more || f.Function == "main.main" {
			return out
		}
	}
}

func leaf() []string { return where() } // small: inlined into mid
func mid() []string  { return leaf() }  // inlined into top
func top() []string  { return mid() }

//go:noinline
func notInlined() []string { return top() }

func main() {
	for _, l := range notInlined() {
		fmt.Println(l)
	}
	pc, _, line, _ := runtime.Caller(0)
	f := runtime.FuncForPC(pc)
	fmt.Println(f.Name(), line)
}
