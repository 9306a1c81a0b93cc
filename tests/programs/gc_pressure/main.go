// Allocates many short- and long-lived linked lists while forcing GC, then
// checks every surviving list is intact.
package main

import (
	"fmt"
	"runtime"
)

type node struct {
	next *node
	val  int
	pad  [4]uintptr
}

func build(n, seed int) *node {
	var head *node
	for i := 0; i < n; i++ {
		head = &node{next: head, val: seed*1000 + i}
	}
	return head
}

func sum(h *node) (s int) {
	for ; h != nil; h = h.next {
		s += h.val
	}
	return
}

func main() {
	keep := make([]*node, 0, 64)
	for round := 0; round < 200; round++ {
		l := build(500, round)
		if round%4 == 0 {
			keep = append(keep, l)
		}
		_ = build(300, -round) // garbage
		if round%25 == 0 {
			runtime.GC()
		}
	}
	runtime.GC()
	total := 0
	for _, l := range keep {
		total += sum(l)
	}
	fmt.Println("lists kept:", len(keep))
	fmt.Println("checksum:", total)
}
