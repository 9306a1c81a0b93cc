// runtime.Stack of the current goroutine lists loaded frames with file:line.
package main

import (
	"fmt"
	"runtime"
	"strings"
)

//go:noinline
func inner() string {
	buf := make([]byte, 4096)
	return string(buf[:runtime.Stack(buf, false)])
}

//go:noinline
func outer() string { return inner() }

func main() {
	s := outer()
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "main.") {
			fn := l[:strings.IndexByte(l, '(')]
			fmt.Println(fn)
			if fn == "main.main" { // what lies below is the runtime's (or the worker's)
				break
			}
		}
	}
	fmt.Print(s)
}
