// Call row: N calls of an empty func() through a func value, and N direct
// calls of it, each timed. Loaded by gofn, the func value points into the
// loaded module; natively, into the binary. Noop is also what the plugin
// host looks up; Echo is the handler-shaped entry of row 3.
// Usage: calls [N] (default 100000000)
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

//go:noinline
func Noop() {}

var sink = Noop

func main() {
	n := 100000000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	f := sink
	t0 := time.Now()
	for i := 0; i < n; i++ {
		f()
	}
	indirect := time.Since(t0)
	t0 = time.Now()
	for i := 0; i < n; i++ {
		Noop()
	}
	direct := time.Since(t0)
	fmt.Printf("funcvalue_ns_per_call %.3f\ndirect_ns_per_call %.3f\n",
		float64(indirect.Nanoseconds())/float64(n), float64(direct.Nanoseconds())/float64(n))
}

// Echo has the signature of a typical handler: the host -> loaded entry a
// warm invoke pays, without main's goroutine.
func Echo(in []byte) ([]byte, error) { return in, nil }
