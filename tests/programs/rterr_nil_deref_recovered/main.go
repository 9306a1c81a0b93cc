// Nil pointer dereferences (a hardware fault turned into a panic) are
// recovered, including a method call on a nil receiver and a nil func call.
package main

import "fmt"

type point struct{ x, y int }

func (p *point) sum() int { return p.x + p.y }

func catch(name string, f func()) {
	defer func() { fmt.Println(name+":", recover()) }()
	f()
}

func main() {
	var p *point
	catch("field", func() { _ = p.x })
	catch("method", func() { _ = p.sum() })
	var f func()
	catch("func", func() { f() })
	var big *[1 << 20]byte
	catch("big offset", func() { _ = big[1<<19] })
	var i interface{ sum() int }
	catch("nil interface", func() { i.sum() })
	fmt.Println("still running")
}
