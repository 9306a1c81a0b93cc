// Unrecovered nil map write: exit 2, "panic: assignment to entry in nil map".
package main

import "fmt"

type registry struct{ byName map[string]int }

func (r *registry) add(name string) { r.byName[name] = len(name) }

func main() {
	fmt.Println("adding")
	r := &registry{}
	r.add("first")
	fmt.Println("unreachable")
}
