// Unrecovered integer divide by zero: exit 2 and the runtime error.
package main

import "fmt"

//go:noinline
func avg(total, n int) int { return total / n }

func main() {
	fmt.Println(avg(10, 2))
	fmt.Println(avg(10, 0))
}
