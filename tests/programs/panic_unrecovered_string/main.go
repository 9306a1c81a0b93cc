// An unrecovered panic exits 2 with "panic: ..." and a trace through the
// frames that led to it; deferred calls run first.
package main

import "fmt"

func level3(s string) {
	panic("boom: " + s)
}

func level2(s string) { level3(s + "!") }

//go:noinline
func level1() {
	defer fmt.Println("deferred before crash")
	level2("deep")
}

func main() {
	fmt.Println("about to panic")
	level1()
}
