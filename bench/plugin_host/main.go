// The Go plugin package as the peer of gofn's loader: times plugin.Open +
// Lookup of a symbol (object -> callable), then optionally N calls of the
// looked-up func(). A process opens a plugin once (the package caches
// it), so every load figure is a fresh process.
// Usage: plugin_host PLUGIN.so SYMBOL [CALLS]
package main

import (
	"fmt"
	"os"
	"plugin"
	"strconv"
	"time"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: plugin_host PLUGIN.so SYMBOL [CALLS]")
		os.Exit(2)
	}
	t0 := time.Now()
	p, err := plugin.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "plugin_host:", err)
		os.Exit(1)
	}
	s, err := p.Lookup(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "plugin_host:", err)
		os.Exit(1)
	}
	fmt.Printf("load_ns %d\n", time.Since(t0).Nanoseconds())
	if len(os.Args) < 4 {
		return
	}
	n, _ := strconv.Atoi(os.Args[3])
	f, ok := s.(func())
	if !ok {
		fmt.Fprintf(os.Stderr, "plugin_host: %s is %T, not func()\n", os.Args[2], s)
		os.Exit(1)
	}
	t0 = time.Now()
	for i := 0; i < n; i++ {
		f()
	}
	fmt.Printf("call_ns_per_call %.3f\n", float64(time.Since(t0).Nanoseconds())/float64(n))
}
