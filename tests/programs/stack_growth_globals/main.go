// Loaded globals and stack slots are the only roots of heap data while a
// deep recursion grows the stack and GC runs at the bottom.
package main

import (
	"fmt"
	"runtime"
)

var head *link

type link struct {
	n    int
	next *link
	buf  []byte
}

func rec(d int, acc []*link) int {
	var frame [16]uintptr
	frame[d%16] = uintptr(d)
	l := &link{n: d, next: head, buf: make([]byte, d%64)}
	head = l
	acc = append(acc, l)
	if d == 0 {
		for i := 0; i < 3; i++ {
			runtime.GC()
		}
		return len(acc)
	}
	return rec(d-1, acc) + int(frame[d%16]) - d
}

func main() {
	n := rec(20000, nil)
	c, s := 0, 0
	for p := head; p != nil; p = p.next {
		c++
		s += p.n + len(p.buf)
	}
	fmt.Println(n, c, s)
}
