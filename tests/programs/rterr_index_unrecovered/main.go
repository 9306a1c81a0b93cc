// Unrecovered index out of range: exit 2 with the runtime error and trace.
package main

import (
	"fmt"
	"os"
)

//go:noinline
func pick(xs []string, i int) string { return xs[i] }

func main() {
	xs := []string{"a", "b", "c"}
	fmt.Println(pick(xs, 2))
	fmt.Println(pick(xs, len(os.Args)+4))
}
