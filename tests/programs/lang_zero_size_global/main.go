// Bug 8 of issue 15: a zero-size global at the end of a section; calling
// a promoted method through an interface touches its address.
package main

import "fmt"

type R struct{}

func (R) Reset() {}

type nop struct{ R }

var N interface{ Reset() } = nop{}

func main() {
	N.Reset()
	fmt.Println("ok")
}
