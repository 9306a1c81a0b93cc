// Bug 9 of issue 15: zero-size allocations return the runtime's zerobase,
// as natively: all such pointers are equal.
package main

import "fmt"

type E struct{}

func main() {
	a := new(struct{})
	b := new(E)
	var c [0]int
	p := &c
	s := make([]struct{}, 10)
	fmt.Println(fmt.Sprintf("%p", a) == fmt.Sprintf("%p", b))
	fmt.Println(fmt.Sprintf("%p", p) == fmt.Sprintf("%p", a))
	fmt.Println(fmt.Sprintf("%p", &s[3]) == fmt.Sprintf("%p", a), len(s))
}
