// Panics raised while deferred calls run for an earlier panic, none
// recovered: Go prints the whole chain (a struct value by type and address,
// a typed string, an error) and the runtime's panic frames between ours.
package main

import "fmt"

type point struct{ X, Y int }

type label string

type failure struct{ msg string }

func (f failure) Error() string { return "failure: " + f.msg }

func main() {
	defer func() {
		fmt.Println("last deferred call runs")
		panic(failure{"third"})
	}()
	defer func() { panic(label("second")) }()
	panic(point{1, 2})
}
