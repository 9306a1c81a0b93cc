// A small main package: methods, closures, maps, goroutines, fmt.
package main

import (
	"fmt"
	"strings"
)

type T struct {
	A int
	B string
}

func (t T) String() string { return strings.Repeat(t.B, t.A) }

var counts = map[string]int{}

func main() {
	done := make(chan int)
	add := func(s string) { counts[s]++ }
	go func() {
		add("x")
		done <- len(counts)
	}()
	fmt.Println(T{2, "ab"}, <-done)
}
