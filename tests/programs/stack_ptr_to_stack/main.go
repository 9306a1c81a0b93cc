// Pointers into the stack (to locals that do not escape) must be adjusted
// when the stack is copied to a bigger one.
package main

import "fmt"

type acc struct {
	total int
	path  [4]int
}

//go:noinline
func walk(a *acc, d int) {
	var here [32]int // grows the frame so that the stack moves often
	here[d%32] = d
	a.total += here[d%32]
	a.path[d%4]++
	if d > 0 {
		walk(a, d-1)
	}
}

func main() {
	var a acc // stays on main's stack; walk gets a pointer to it
	p := &a.total
	walk(&a, 50000)
	fmt.Println(*p, a.path)
}
