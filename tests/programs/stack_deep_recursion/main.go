// Deep recursion that grows (and so copies) the goroutine stack many times
// while the only pointers to heap data live in stack slots.
package main

import (
	"fmt"
	"runtime"
)

type cell struct {
	v    int
	next *cell
}

func down(depth int, prev *cell) int {
	c := &cell{v: depth, next: prev}
	var local [8]*cell // stack slots holding pointers
	for i := range local {
		local[i] = c
	}
	if depth == 0 {
		runtime.GC()
		n := 0
		for p := c; p != nil; p = p.next {
			n += p.v
		}
		return n
	}
	r := down(depth-1, local[depth%8])
	return r + local[0].v - c.v
}

func main() {
	for _, d := range []int{10, 1000, 100000} {
		fmt.Println(d, down(d, nil))
	}
}
